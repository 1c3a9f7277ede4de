"""The measured-row aggregates (core.aggregates.response_facts, status_facts, measured_mask) select exactly the
rows core.response_times measures for any filters, and core.measured summarizes them as summarize() does."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeone_analytics.config import Settings
from pipeone_analytics.core import aggregates, measured, response_times, status
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.store import Store
from tests.scenario import Scenario

KEY = ["conversation_id", "cycle", "from_at", "to_at", "channel", "agent_id", "assignee_at_response", "team",
       "seconds", "business_seconds"]
FILTERS = [
    Filters(start=dt.date(2026, 10, 24), end=dt.date(2026, 11, 22)),
    Filters(start=dt.date(2026, 10, 24), end=dt.date(2026, 11, 2), channels=("sms", "whatsapp")),
    Filters(start=dt.date(2026, 11, 1), end=dt.date(2026, 11, 22), agents=("a02", "a04", "a11")),
    Filters(start=dt.date(2026, 9, 1), end=dt.date(2026, 11, 10), teams=("Vendas",)),
    Filters(start=dt.date(2026, 11, 15), end=dt.date(2026, 11, 15), channels=("webchat",), teams=("Atendimento",)),
    Filters(),
]


@pytest.fixture(scope="module")
def demo(demo_db: Path) -> Store:
    return Store(demo_db, Settings(db_path=demo_db, locale="pt_BR"))


def _plain(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    frame = frame[columns].astype({c: object for c in columns if frame[c].dtype.name in ("category", "str")})
    return frame.sort_values(columns[:4]).reset_index(drop=True)


def _core_rows(store: Store, metric: str, filters: Filters, columns: list[str]) -> pd.DataFrame:
    function = response_times.time_in_status if metric == "time_in_status" else aggregates.RESPONSE_METRICS[metric]
    rows = function(store, filters)
    return _plain(rows[~rows["open"]], columns)


def _mine(facts: pd.DataFrame, filters: Filters, store: Store, columns: list[str]) -> pd.DataFrame:
    return _plain(facts[aggregates.measured_mask(facts, filters, store)], columns)


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("metric", list(aggregates.RESPONSE_METRICS))
def test_measured_rows_equal_the_core_functions(demo: Store, metric: str, filters: Filters) -> None:
    mine = _mine(aggregates.response_facts(demo, metric), filters, demo, KEY)
    theirs = _core_rows(demo, metric, filters, KEY)
    pd.testing.assert_frame_equal(mine, theirs, check_dtype=False)
    if filters == FILTERS[0]:
        assert len(mine) > 50


@pytest.mark.parametrize("filters", FILTERS)
def test_measured_status_intervals_equal_time_in_status(demo: Store, filters: Filters) -> None:
    columns = ["status", "from_at", "to_at", "channel", "agent_id", "team", "seconds", "business_seconds"]
    mine = _mine(aggregates.status_facts(demo), filters, demo, columns)
    pd.testing.assert_frame_equal(mine, _core_rows(demo, "time_in_status", filters, columns), check_dtype=False)


@pytest.fixture(scope="module")
def agent_first() -> Store:
    s = Scenario()
    s.contact("c1")
    s.agent("a1", team="blue")
    s.agent("a2", team="green")
    # k1 is created Mon 2024-11-11 09:00; agent a1 writes first at 10:00; the contact answers Wed 11-13 10:00 and
    # a2 replies at 11:00. Until the contact's message, the cycle's first response is 09:00 -> 10:00 (3600 s,
    # a1); from then on it is 11-13 10:00 -> 11:00 (3600 s, a2).
    s.conversation("k1", "c1", created_at="2024-11-11 09:00", assignee_id="a2")
    s.outbound("k1", "2024-11-11 10:00", agent="a1", message_id="k1-a1")
    s.inbound("k1", "2024-11-13 10:00", message_id="k1-in")
    s.outbound("k1", "2024-11-13 11:00", agent="a2", message_id="k1-a2")
    return s.store()


@pytest.mark.parametrize("start, end, expected", [
    (dt.date(2024, 11, 11), dt.date(2024, 11, 11), ("2024-11-11 10:00", "a1")),  # cut-off before the inbound
    (dt.date(2024, 11, 11), dt.date(2024, 11, 12), ("2024-11-11 10:00", "a1")),
    (dt.date(2024, 11, 11), dt.date(2024, 11, 13), ("2024-11-13 11:00", "a2")),  # the inbound arrived by then
    (dt.date(2024, 11, 12), dt.date(2024, 11, 12), None),                        # early row starts 11-11
    (dt.date(2024, 11, 13), dt.date(2024, 11, 13), ("2024-11-13 11:00", "a2")),
    (None, None, ("2024-11-13 11:00", "a2")),
])
def test_a_first_response_before_the_first_inbound_counts_until_the_inbound(agent_first: Store, start, end,
                                                                            expected) -> None:
    filters = Filters(start=start, end=end)
    facts = aggregates.response_facts(agent_first, "first_response_time")
    mine = facts[aggregates.measured_mask(facts, filters, agent_first)]
    got = [(t.strftime("%Y-%m-%d %H:%M"), a) for t, a in zip(mine["to_at"], mine["agent_id"].astype(object))]
    assert got == ([expected] if expected else [])
    assert (mine["seconds"] == 3600).all()
    theirs = _core_rows(agent_first, "first_response_time", filters, KEY)
    pd.testing.assert_frame_equal(_plain(mine, KEY), theirs, check_dtype=False)
    for agent in ("a1", "a2"):  # agents select the sender or the assignee (a2 all along)
        narrowed = Filters(start=start, end=end, agents=(agent,))
        pd.testing.assert_frame_equal(_mine(facts, narrowed, agent_first, KEY),
                                      _core_rows(agent_first, "first_response_time", narrowed, KEY), check_dtype=False)


@pytest.mark.parametrize("filters", [Filters(start=dt.date(2026, 10, 24), end=dt.date(2026, 11, 22)),
                                     Filters(start=dt.date(2026, 9, 1), end=dt.date(2026, 12, 5)),
                                     Filters(start=dt.date(2026, 11, 20), end=dt.date(2026, 11, 20))])
def test_backlog_and_reopens_equal_core_status(demo: Store, filters: Filters) -> None:
    mine = aggregates.backlog_in(aggregates.backlog_facts(demo), filters, demo)
    pd.testing.assert_frame_equal(mine.reset_index(drop=True), status.backlog(demo, filters), check_dtype=False)
    cycles = status.cycles(demo, filters)
    reopened = cycles[cycles["cycle"] > 1]
    theirs = reopened.groupby(reopened["started_at"].dt.date).size()
    reopens = aggregates.select(aggregates.reopen_facts(demo), filters, demo)
    assert dict(zip(reopens["day"].dt.date, reopens["reopens"])) == theirs.to_dict()
    assert reopens["reopens"].sum() == len(reopened)


def _summaries_agree(mine: pd.DataFrame, theirs: pd.DataFrame) -> None:
    """Counts and shares equal; means and interpolated quantiles equal up to the rounding of their last bit."""
    assert list(mine.columns) == list(theirs.columns)
    for column in mine.columns:
        exact = not column.endswith(("mean", "median", "p75", "p90", "p95"))
        a, b = mine[column].to_numpy(dtype=float), theirs[column].to_numpy(dtype=float)
        if exact:
            np.testing.assert_array_equal(a, b, err_msg=column)
        else:
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=0, err_msg=column)


@pytest.mark.parametrize("seed", range(6))
def test_summary_of_masked_sorted_rows_equals_summarize(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 3000))
    seconds = np.round(rng.lognormal(7, 2, n), int(rng.integers(0, 4)))  # ties when rounded to whole seconds
    frame = pd.DataFrame({"metric": "reply_time", "seconds": seconds,
                          "business_seconds": np.where(rng.random(n) < 0.1, 0.0, seconds * rng.random(n)),
                          "agent_id": rng.choice(["a1", "a2", "a3", None], n), "open": False})
    frame = frame.sort_values("seconds", ignore_index=True, kind="stable")
    frame["business_order"] = measured.ordered(frame["business_seconds"])
    mask = rng.random(n) < 0.7
    thresholds = (300, 1800, 3600, 7200)
    theirs = response_times.summarize(frame[mask], None, Settings())
    chosen = measured.choose(frame, mask)
    _summaries_agree(measured.summary(chosen, thresholds), theirs)
    codes = frame["agent_id"].astype("category").cat
    grouped = measured.summary(chosen, thresholds, "agent_id", codes.codes.to_numpy())
    grouped = grouped.assign(agent_id=[codes.categories[c] if c >= 0 else "-" for c in grouped["agent_id"]])
    theirs = response_times.summarize(frame[mask], "agent", Settings())
    _summaries_agree(grouped.drop(columns="agent_id"), theirs.drop(columns="agent_id"))
    assert list(grouped["agent_id"]) == list(theirs["agent_id"].fillna("-"))


def test_summary_of_nothing_has_no_values() -> None:
    frame = pd.DataFrame({"seconds": [5.0], "business_seconds": [1.0], "business_order": [0], "open": [False]})
    empty = measured.summary(measured.choose(frame, np.array([False])), (300,))
    assert empty["count"].iloc[0] == 0 and empty[["median", "business_p90", "within_300s"]].isna().all(axis=None)
