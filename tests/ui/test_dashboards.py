"""Dashboards on the demo store: filters redraw figures and tables, every drill-down returns exactly the rows
behind the clicked bar or cell, the pre-aggregates equal the core functions, empty selections say so."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeone_analytics.config import Settings
from pipeone_analytics.core import aggregates, channels, tickets
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.store import Store
from pipeone_analytics.ui.dashboards import channels as channels_dash
from pipeone_analytics.ui.dashboards import engagement, response_times
from pipeone_analytics.ui.dashboards import tickets as tickets_dash
from pipeone_analytics.ui.dashboards.base import Selection
from pipeone_analytics.ui.dashboards.drill import drill_down

PERIOD = Filters(start=dt.date(2026, 10, 24), end=dt.date(2026, 11, 22))


@pytest.fixture(scope="module")
def demo(demo_db: Path) -> Store:
    """The demo store, read only (every test here only reads)."""
    return Store(demo_db, Settings(db_path=demo_db, locale="pt_BR"))


def _bars(fig) -> list[tuple[object, int]]:
    """(customdata, height) of every bar of every trace."""
    return [(c, int(y)) for trace in fig.data for c, y in zip(trace.customdata, trace.y)]


def test_ticket_aggregate_equals_ticket_counts(demo: Store) -> None:
    filters = Filters(start=PERIOD.start, end=PERIOD.end, channels=("whatsapp", "sms"))
    view = tickets_dash.compute(demo, Selection(filters), "pt_BR")
    core = tickets.ticket_counts(demo, filters, by="type", period="week")
    mine = view.by_type[["week", "key", "tickets"]].sort_values(["week", "key"]).reset_index(drop=True)
    mine["week"] = pd.to_datetime(mine["week"])
    theirs = (core.assign(week=pd.to_datetime(core["period_start"]))[["week", "key", "tickets"]]
              .sort_values(["week", "key"]).reset_index(drop=True))
    assert len(mine) > 5
    pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)
    category = tickets.ticket_counts(demo, filters, by="category", period="week")
    assert view.by_category["tickets"].sum() == category["tickets"].sum() == core["tickets"].sum()


def test_channel_aggregate_equals_channel_mix(demo: Store) -> None:
    view = channels_dash.compute(demo, Selection(PERIOD), "pt_BR")
    core = channels.channel_mix(demo, PERIOD, period="day")
    mine = view.volume[["day", "channel", "messages_in", "messages_out", "conversations"]].reset_index(drop=True)
    theirs = core.rename(columns={"period_start": "day"}).reset_index(drop=True)
    pd.testing.assert_frame_equal(mine.assign(day=pd.to_datetime(mine["day"])),
                                  theirs.assign(day=pd.to_datetime(theirs["day"])), check_dtype=False)


def test_ticket_drill_downs_return_the_rows_behind_each_bar_and_cell(demo: Store) -> None:
    view = tickets_dash.compute(demo, Selection(PERIOD), "pt_BR")
    checked = 0
    for (week, key), height in _bars(view.figures["by_type"])[:6]:
        rows = drill_down(demo, "tickets_type", [week, key], PERIOD)
        assert len(rows) == height and set(rows["type"]) == {key}
        checked += 1
    for (week, key), height in _bars(view.figures["by_category"])[:6]:
        rows = drill_down(demo, "tickets_category", [week, key], PERIOD)
        assert len(rows) == height
        checked += 1
    cells = view.category_channel.head(5)
    for row in cells.itertuples():
        rows = drill_down(demo, "category_channel", [row.category or None, row.key or None], PERIOD)
        assert len(rows) == row.tickets and set(rows["channel"].fillna("")) == {row.key}
        assert set(rows["conversation_id"]) <= set(tickets.tickets(demo, PERIOD)["conversation_id"])
        checked += 1
    assert checked == 17


def test_engagement_drill_downs_match_bars_and_cells(demo: Store) -> None:
    view = engagement.compute(demo, Selection(PERIOD), "pt_BR")
    for stars, height in zip(view.distribution["stars"], view.distribution["contacts"]):
        rows = drill_down(demo, "stars", [stars], PERIOD)
        assert len(rows) == height and (rows["stars"] == stars).all() and rows["reason"].str.len().gt(0).all()
    moved = view.transitions[view.transitions["contacts"] > 0].head(6)
    for row in moved.itertuples():
        rows = drill_down(demo, "transition", [row.from_stars, row.to_stars], PERIOD)
        assert len(rows) == row.contacts and (rows["to_stars"] == rows["stars"]).all()
    for (channel, stars, contacts), height in _bars(view.figures["by_channel"])[:8]:
        assert len(drill_down(demo, "stars_channel", [channel, stars], PERIOD)) == contacts
    assert view.distribution["contacts"].sum() == 300  # every demo contact, all channels


def test_response_drill_downs_return_the_values_in_each_bin_and_the_ledger(demo: Store) -> None:
    view = response_times.compute(demo, Selection(PERIOD), "pt_BR")
    for metric in ("first_response_time", "reply_time", "resolution_time"):
        bars = _bars(view.figures[metric])
        assert sum(h for _, h in bars) == view.summaries[metric]["count"].iloc[0]  # every measured value
        for key, height in [b for b in bars if b[1] > 0][:3]:
            rows = drill_down(demo, "response_bin", list(key), PERIOD)
            assert len(rows) == height and rows["seconds"].notna().all()
    first = view.outliers.iloc[0]
    ledger = drill_down(demo, "outlier", ["reply_time", 1], PERIOD)
    assert (ledger["conversation_id"] == first["conversation_id"]).all()
    assert first["to_message_id"] in set(ledger["ledger_to_message_id"])
    assert first["seconds"] == view.frames["reply_time"]["seconds"].max()


def test_backlog_drill_down_lists_the_conversations_in_that_status(demo: Store) -> None:
    view = channels_dash.compute(demo, Selection(PERIOD), "pt_BR")
    for (day, status), height in _bars(view.figures["backlog"])[::17][:5]:
        rows = drill_down(demo, "backlog", [day, status], PERIOD)
        assert len(rows) == height and set(rows["status"]) <= {status}


def test_changing_a_filter_redraws_figures_and_tables(demo: Store) -> None:
    board = tickets_dash.TicketsDashboard(demo, "pt_BR")
    board.bar.start.value, board.bar.end.value = PERIOD.start, PERIOD.end
    before = sum(sum(t.y) for t in board.panels["by_type"].figure.data)
    top_before, kpis_before = board.top.value, board.kpis.value
    board.bar.channels.value = ("sms",)
    after = sum(sum(t.y) for t in board.panels["by_type"].figure.data)
    sms = tickets.ticket_counts(demo, Filters(start=PERIOD.start, end=PERIOD.end, channels=("sms",)), by="type")
    assert after == sms["tickets"].sum() < before
    assert board.top.value != top_before and board.kpis.value != kpis_before
    board.panels["by_type"].click(0, 0)  # the widget's own click path opens the drill-down
    assert len(board.drill.rows) == board.panels["by_type"].figure.data[0].y[0]
    assert (board.drill.rows["channel"] == "sms").all()
    assert "<table" in board.drill.table.value


def test_business_hours_switch_redraws_the_audit(demo: Store) -> None:
    calendar = response_times.compute(demo, Selection(PERIOD), "en")
    business = response_times.compute(demo, Selection(PERIOD, business=True), "en")
    frame = business.frames["reply_time"]
    assert sum(business.figures["reply_time"].data[0].y) == frame["business_seconds"].notna().sum()
    assert calendar.kpis != business.kpis
    median = business.summaries["reply_time"]["business_median"].iloc[0]
    assert median == pytest.approx(np.median(frame["business_seconds"].dropna()))  # numpy's linear quantile
    assert 10 ** business.figures["reply_time"].layout.shapes[0].x0 == pytest.approx(max(median, 1) / 60)


def test_an_empty_selection_says_no_data(demo: Store) -> None:
    nothing = Selection(Filters(start=dt.date(2020, 1, 6), end=dt.date(2020, 1, 12)))
    for module in (tickets_dash, channels_dash, response_times):
        view = module.compute(demo, nothing, "pt_BR")
        for name, fig in view.figures.items():
            if name in ("backlog",):
                continue
            texts = [a.text for a in fig.layout.annotations]
            assert texts == ["Sem dados para esta seleção"], (module.__name__, name, texts)


def test_aggregates_are_kept_beside_the_store_for_the_next_kernel(demo_store: Store) -> None:
    first = aggregates.ticket_facts(demo_store)
    files = list(aggregates.cache_dir(demo_store).glob("tickets-*.parquet"))
    assert len(files) == 1
    aggregates._CACHE.clear()  # a new process: only the file is left
    pd.testing.assert_frame_equal(aggregates.ticket_facts(demo_store), first)
    with demo_store.write() as con:  # any write makes a new store version, so a new aggregate
        con.execute("DELETE FROM tickets WHERE ticket_id = (SELECT min(ticket_id) FROM tickets)")
    assert aggregates.ticket_facts(demo_store)["tickets"].sum() == first["tickets"].sum() - 1
    assert len(list(aggregates.cache_dir(demo_store).glob("tickets-*.parquet"))) == 1  # the old file is gone
