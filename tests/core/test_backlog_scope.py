"""backlog() with a period start: days counted from the start must equal those of the backlog from the beginning.

Default settings: America/Sao_Paulo. 2024-11-11 is a Monday.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipeone_analytics.core import status
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.store import Store
from tests.scenario import Scenario

ORDER = ("new", "in_progress", "on_hold", "resolved")


@pytest.fixture(scope="module")
def inbox() -> Store:
    s = Scenario()
    s.contact("c1")
    s.agent("a1")
    # done: answered and resolved the week before; untouched since.
    s.conversation("done", "c1")
    s.inbound("done", "2024-11-04 10:00")
    s.outbound("done", "2024-11-04 10:10")
    s.resolve("done", "2024-11-04 11:00")
    # hold: put on hold the week before; an inbound message before the week leaves it on hold.
    s.conversation("hold", "c1")
    s.inbound("hold", "2024-11-06 09:00")
    s.event("hold", "2024-11-06 09:30", "status_changed", value="on_hold")
    s.inbound("hold", "2024-11-08 10:00")
    # back: resolved the week before, reopened by the contact on Tue 12 15:00, answered Wed 13 09:00.
    s.conversation("back", "c1")
    s.inbound("back", "2024-11-05 09:00")
    s.resolve("back", "2024-11-05 10:00")
    s.inbound("back", "2024-11-12 15:00")
    s.outbound("back", "2024-11-13 09:00")
    # midnight: resolved at Mon 11 00:00 exactly, which is the end of Sun 10 (as of it, inclusive).
    s.conversation("midnight", "c1")
    s.inbound("midnight", "2024-11-10 20:00")
    s.resolve("midnight", "2024-11-11 00:00")
    # late: its only activity is Fri 15 10:00.
    s.conversation("late", "c1")
    s.inbound("late", "2024-11-15 10:00")
    return s.store()


def counts(frame: pd.DataFrame) -> dict[str, list[int]]:
    """Per day (ISO), the conversations in new, in_progress, on_hold, resolved."""
    out: dict[str, list[int]] = {}
    for day, rows in frame.groupby(pd.to_datetime(frame["day"]).dt.strftime("%Y-%m-%d"), sort=True):
        by = dict(zip(rows["status"], rows["conversations"]))
        out[day] = [int(by[s]) for s in ORDER]
    return out


def test_week_as_of_thursday_night(inbox: Store) -> None:
    # as_of Thu 14 23:00: late has not started; Fri 15 to Sun 17 are counted as of as_of.
    got = status.backlog(inbox, Filters(start="2024-11-11", end="2024-11-17", as_of="2024-11-14 23:00"))
    after = [0, 1, 1, 2]  # back in progress, hold on hold, done and midnight resolved
    assert counts(got) == {
        "2024-11-11": [0, 0, 1, 3],   # back, done, midnight resolved; hold on hold
        "2024-11-12": [1, 0, 1, 2],   # back reopened at 15:00
        "2024-11-13": after, "2024-11-14": after, "2024-11-15": after, "2024-11-16": after, "2024-11-17": after}


def test_from_wednesday_the_late_conversation_counts_from_friday(inbox: Store) -> None:
    got = status.backlog(inbox, Filters(start="2024-11-13", end="2024-11-17", as_of="2024-12-31"))
    before, after = [0, 1, 1, 2], [1, 1, 1, 2]
    assert counts(got) == {"2024-11-13": before, "2024-11-14": before,
                           "2024-11-15": after, "2024-11-16": after, "2024-11-17": after}


def test_a_period_start_at_a_datetime_counts_from_its_day(inbox: Store) -> None:
    # start Tue 12 16:00 (after back's reopening at 15:00): Tue 12 is still counted, as of its end.
    got = status.backlog(inbox, Filters(start="2024-11-12 16:00", end="2024-11-13", as_of="2024-12-31"))
    assert counts(got) == {"2024-11-12": [1, 0, 1, 2], "2024-11-13": [0, 1, 1, 2]}


def unscoped_days(store: Store, start: dt.date, end: dt.date) -> pd.DataFrame:
    everything = status.backlog(store, Filters(end=end, as_of="2026-12-31"))
    days = pd.to_datetime(everything["day"]).dt.date
    return everything[days >= start].reset_index(drop=True)


@pytest.mark.parametrize(("start", "end"), [(dt.date(2026, 11, 9), dt.date(2026, 11, 15)),
                                            (dt.date(2026, 10, 26), dt.date(2026, 11, 8))])
def test_demo_store_period_equals_the_backlog_from_the_beginning(demo_store: Store, start: dt.date,
                                                                   end: dt.date) -> None:
    scoped = status.backlog(demo_store, Filters(start=start, end=end, as_of="2026-12-31"))
    expected = unscoped_days(demo_store, start, end)
    assert len(scoped) == 4 * ((end - start).days + 1)
    assert scoped["conversations"].sum() > 100  # the demo has real traffic before and in the period
    pd.testing.assert_frame_equal(scoped, expected)


def test_demo_store_backlog_counts_the_status_intervals_open_at_each_day_end(demo_store: Store) -> None:
    # Reference: a conversation counts on day D in the status of its interval entered by D's end and left after it.
    as_of = pd.Timestamp("2026-11-12 15:00", tz=demo_store.settings.timezone)
    got = status.backlog(demo_store, Filters(start="2026-11-02", end="2026-11-15", as_of=as_of))
    intervals = status.status_intervals(demo_store, Filters(as_of=as_of))
    entered = (intervals["entered_at"] - pd.Timedelta(microseconds=1)).dt.tz_convert(
        demo_store.settings.timezone).dt.date
    left = (intervals["left_at"] - pd.Timedelta(microseconds=1)).dt.tz_convert(demo_store.settings.timezone).dt.date
    rows = []
    for day in pd.date_range("2026-11-02", "2026-11-15").date:
        open_then = (entered <= day) & (left.isna() | (left > day))
        by = intervals.loc[open_then, "status"].value_counts()
        rows += [[day, s, int(by.get(s, 0))] for s in ORDER]
    expected = pd.DataFrame(rows, columns=["day", "status", "conversations"])
    assert expected["conversations"].sum() > 1000
    got["day"] = pd.to_datetime(got["day"]).dt.date
    assert got.values.tolist() == expected.values.tolist()
