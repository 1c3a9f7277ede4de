"""Every number the engagement, response-time and channels dashboards show from their pre-aggregates equals the
core functions' (core.ratings, core.response_times, core.status), for several filter combinations of the demo
store."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeone_analytics.config import Settings
from pipeone_analytics.core import ratings, response_times, status
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.store import Store
from pipeone_analytics.ui.dashboards import channels as channels_dash
from pipeone_analytics.ui.dashboards import engagement, response_times as response_dash
from pipeone_analytics.ui.dashboards.base import Selection
from pipeone_analytics.ui.dashboards.drill import RESPONSE_METRICS, drill_down, period_dates, rated, rated_changes

SELECTIONS = [
    Selection(Filters(start=dt.date(2026, 10, 24), end=dt.date(2026, 11, 22))),
    Selection(Filters(start=dt.date(2026, 10, 1), end=dt.date(2026, 10, 31), channels=("whatsapp", "email")),
              business=True),
    Selection(Filters(start=dt.date(2026, 11, 9), end=dt.date(2026, 11, 15), agents=("a03", "a04"),
                      teams=("Vendas",))),
    Selection(Filters(start=dt.date(2026, 9, 20), end=dt.date(2026, 11, 30), channels=("sms",), teams=("Atendimento",)),
              business=True),
]
QUANTILE = ("mean", "median", "p75", "p90", "p95")


@pytest.fixture(scope="module")
def demo(demo_db: Path) -> Store:
    return Store(demo_db, Settings(db_path=demo_db, locale="pt_BR"))


def _same(mine: pd.DataFrame, theirs: pd.DataFrame) -> None:
    """Equal frames; means and interpolated quantiles up to the rounding of their last bit (core.measured)."""
    assert list(mine.columns) == list(theirs.columns) and len(mine) == len(theirs)
    for column in mine.columns:
        a, b = mine[column].reset_index(drop=True), theirs[column].reset_index(drop=True)
        if column.endswith(QUANTILE):
            np.testing.assert_allclose(a.to_numpy(dtype=float), b.to_numpy(dtype=float), rtol=1e-12, err_msg=column)
        else:
            pd.testing.assert_series_equal(a.astype(object), b.astype(object), check_names=False, obj=column)


@pytest.mark.parametrize("selection", SELECTIONS)
def test_engagement_equals_core_ratings(demo: Store, selection: Selection) -> None:
    view = engagement.compute(demo, selection, "pt_BR")
    filters = selection.filters
    first, last = period_dates(filters, demo)
    rated = ratings.ratings(demo, as_of=last)
    now = rated[rated["channel"].isin(filters.channels)] if filters.channels else rated
    counts = now.groupby("stars").size().reindex(range(6), fill_value=0)
    assert list(view.distribution["contacts"]) == list(counts) and counts.sum() > 0
    by_channel = ratings.stars_by_channel(demo, as_of=last)
    by_channel = by_channel[by_channel["channel"].notna()]
    if filters.channels:
        by_channel = by_channel[by_channel["channel"].isin(filters.channels)]
    pd.testing.assert_frame_equal(view.by_channel, by_channel.reset_index(drop=True), check_dtype=False)
    history = ratings.rating_history(demo, min(first, last - dt.timedelta(days=engagement.HISTORY_DAYS)), last)
    if filters.channels:
        history = history[history["contact_id"].isin(now["contact_id"])]
    history = history.assign(as_of=history["as_of"].dt.date).groupby(["as_of", "stars"]).size()
    assert list(view.history.itertuples(index=False, name=None)) == \
        [(d, s, n) for (d, s), n in history.items()]
    changes = ratings.rating_changes(demo, first - dt.timedelta(days=1), last)
    changes = changes[changes["contact_id"].isin(now["contact_id"])]
    cells = changes.groupby(["from_stars", "to_stars"]).size()
    moved = view.transitions[view.transitions["contacts"] > 0].set_index(["from_stars", "to_stars"])["contacts"]
    assert moved.to_dict() == cells.to_dict()
    kpis = dict(view.kpis)
    assert kpis["Contatos"] == f"{len(now):,}".replace(",", ".")
    assert kpis["Subiram"] == str(int((changes["change"] > 0).sum()))
    assert kpis["Caíram"] == str(int((changes["change"] < 0).sum()))


@pytest.mark.parametrize("selection", SELECTIONS)
def test_response_audit_equals_core_response_times(demo: Store, selection: Selection) -> None:
    view = response_dash.compute(demo, selection, "pt_BR")
    filters, settings = selection.filters, demo.settings
    prefix = "business_" if selection.business else ""
    for metric, function in (("first_response_time", response_times.first_response_times),
                             ("reply_time", response_times.reply_times),
                             ("resolution_time", response_times.resolution_times)):
        rows = function(demo, filters)
        theirs = response_times.summarize(rows, None, settings)
        _same(view.summaries[metric].drop(columns="open"), theirs[list(view.summaries[metric].columns)].drop(
            columns="open"))
        assert all(c.startswith(prefix) for c in view.summaries[metric].columns if c.endswith(QUANTILE))
        measured = rows[~rows["open"]]
        assert sorted(view.frames[metric][f"{prefix}seconds"]) == sorted(measured[f"{prefix}seconds"])
        assert sum(sum(t.y) for t in view.figures[metric].data) == len(measured)
    replies = response_times.reply_times(demo, filters)
    heat = response_times.summarize(replies, ["weekday", "hour"], settings)
    heat = heat[heat["count"] > 0]
    _same(view.heat, heat[["weekday", "hour", f"{prefix}median", "count"]].rename(columns={f"{prefix}median": "median"}))
    agents = response_times.summarize(replies, "agent", settings)
    agents = agents[agents["agent_id"].notna() & (agents["count"] > 0)]
    mine = view.agents.sort_values("agent_id").reset_index(drop=True).drop(columns=["agent_name", "open"])
    _same(mine, agents[list(mine.columns)].sort_values("agent_id"))
    slow = response_times.outliers(demo, "reply_time", filters).drop_duplicates("rank")
    columns = ["rank", "conversation_id", "cycle", "from_message_id", "to_message_id", "from_at", "to_at", "agent_id",
               "seconds", "business_seconds"]
    _same(view.outliers[columns], slow[columns])
    for name, value in view.kpis:
        assert value != "nan"


@pytest.mark.parametrize("selection", SELECTIONS)
def test_channels_equal_core_status_and_time_in_status(demo: Store, selection: Selection) -> None:
    view = channels_dash.compute(demo, selection, "pt_BR")
    filters = selection.filters
    backlog = status.backlog(demo, filters)
    backlog = backlog[backlog["status"].isin(channels_dash.OPEN)].reset_index(drop=True)
    pd.testing.assert_frame_equal(view.backlog, backlog, check_dtype=False)
    in_status = response_times.summarize(response_times.time_in_status(demo, filters), "status", demo.settings)
    in_status = in_status[in_status["count"] > 0].reset_index(drop=True)
    _same(view.in_status.drop(columns="open"), in_status.drop(columns="open"))
    cycles = status.cycles(demo, filters)
    reopened = cycles[cycles["cycle"] > 1]
    assert dict(zip(view.reopens["day"].dt.date, view.reopens["reopens"])) == \
        reopened.groupby(reopened["started_at"].dt.date).size().to_dict()
    assert dict(view.kpis)["Reaberturas"] == str(len(reopened))


def test_an_empty_engagement_channel_shows_zero_contacts(demo: Store) -> None:
    nothing = Selection(dataclasses.replace(SELECTIONS[0].filters, channels=("telegram",)))
    view = engagement.compute(demo, nothing, "pt_BR")
    assert view.distribution["contacts"].sum() == 0 and view.history.empty and view.transitions["contacts"].sum() == 0


@pytest.mark.parametrize("selection", SELECTIONS[:2])
def test_drill_downs_read_the_same_rows_as_core_on_the_whole_store(demo: Store, selection: Selection) -> None:
    filters, business = selection.filters, selection.business
    view = response_dash.compute(demo, selection, "pt_BR")
    column = "business_seconds" if business else "seconds"
    for metric, function in RESPONSE_METRICS.items():
        whole = function(demo, filters)
        for trace in view.figures[metric].data:
            for key, height in [(k, h) for k, h in zip(trace.customdata, trace.y) if h][:4]:
                rows = drill_down(demo, "response_bin", list(key), filters, business=business)
                values = whole[column].clip(lower=1.0)
                inside = whole[column].notna() & (values >= key[1]) & ((values <= key[2]) if key[3] else
                                                                       (values < key[2]))
                expected = whole[inside].reset_index(drop=True)
                nulls = lambda f: f.astype(object).where(f.notna(), None)  # noqa: E731  (None or NaN: missing)
                pd.testing.assert_frame_equal(nulls(rows), nulls(expected))
                assert len(rows) == height
    board = engagement.compute(demo, selection, "pt_BR")
    everyone = rated(demo, filters)
    for stars in range(6):
        rows = drill_down(demo, "stars", [stars], filters)
        pd.testing.assert_frame_equal(rows, everyone[everyone["stars"] == stars].reset_index(drop=True))
    changes = rated_changes(demo, filters)
    for row in board.transitions[board.transitions["contacts"] > 0].head(5).itertuples():
        rows = drill_down(demo, "transition", [row.from_stars, row.to_stars], filters)
        expected = changes[(changes["from_stars"] == row.from_stars) & (changes["to_stars"] == row.to_stars)]
        assert sorted(rows["contact_id"]) == sorted(expected["contact_id"]) and len(rows) == row.contacts
