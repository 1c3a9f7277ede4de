"""A period start narrows the fold to conversations active since then; the rows must not change."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipeone_analytics.core import response_times as rt
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.store import Store
from tests.scenario import Scenario

KEY = ["conversation_id", "cycle", "from_at", "from_message_id", "to_message_id", "event_id"]


@pytest.mark.parametrize("metric", ["first_response_time", "reply_time", "contact_reply_time", "resolution_time"])
def test_scoped_rows_equal_the_unscoped_rows_of_the_period(demo_store: Store, metric: str) -> None:
    start, end = dt.date(2026, 11, 9), dt.date(2026, 11, 15)
    fn = {"first_response_time": rt.first_response_times, "reply_time": rt.reply_times,
          "contact_reply_time": rt.contact_reply_times, "resolution_time": rt.resolution_times}[metric]
    scoped = fn(demo_store, Filters(start=start, end=end))
    everything = fn(demo_store, Filters(end=end))
    local_start = pd.Timestamp(start).tz_localize(demo_store.settings.timezone)
    expected = everything[everything["from_at"] >= local_start]
    assert len(scoped) > 20  # the week has real traffic, so the comparison means something
    pd.testing.assert_frame_equal(scoped.sort_values(KEY).reset_index(drop=True),
                                  expected.sort_values(KEY).reset_index(drop=True), check_like=True)


def test_time_in_status_scoped_equals_unscoped(demo_store: Store) -> None:
    start, end = dt.date(2026, 11, 9), dt.date(2026, 11, 15)
    scoped = rt.time_in_status(demo_store, Filters(start=start, end=end))
    everything = rt.time_in_status(demo_store, Filters(end=end))
    local_start = pd.Timestamp(start).tz_localize(demo_store.settings.timezone)
    expected = everything[everything["from_at"] >= local_start]
    key = ["conversation_id", "cycle", "from_at", "status"]
    assert len(scoped) > 20 and scoped["channel"].notna().sum() > 20  # entered before a first message: no channel
    pd.testing.assert_frame_equal(scoped.sort_values(key).reset_index(drop=True),
                                  expected.sort_values(key).reset_index(drop=True), check_like=True)


@pytest.fixture(scope="module")
def week() -> Store:
    """The week of Mon 2024-11-11; times worked out by hand below."""
    s = Scenario()
    s.contact("c1")
    s.agent("a1", team="blue")
    s.agent("a2", team="green")
    # old: everything before the week, assigned to a2; it must not show.
    s.conversation("old", "c1")
    s.inbound("old", "2024-11-04 10:00")
    s.event("old", "2024-11-04 10:01", "assigned", value="a2")
    s.outbound("old", "2024-11-04 10:05", agent="a2")
    # kept: assigned to a2 before the week; a turn before it, then a contact turn in it answered by a1.
    s.conversation("kept", "c1")
    s.event("kept", "2024-11-08 09:00", "assigned", value="a2")
    s.inbound("kept", "2024-11-08 10:00", message_id="kept-in0")
    s.outbound("kept", "2024-11-08 10:05", agent="a2", message_id="kept-out0")
    s.inbound("kept", "2024-11-11 10:00", message_id="kept-in1")
    s.outbound("kept", "2024-11-11 10:30", agent="a1", message_id="kept-out1", channel="sms")
    s.inbound("kept", "2024-11-11 11:00", message_id="kept-in2")        # left unanswered: an open reply row
    # snap: no assigned event, conversations.assignee_id a1; answered 09:10, resolved 09:20.
    s.conversation("snap", "c1", assignee_id="a1")
    s.inbound("snap", "2024-11-12 09:00", message_id="snap-in", channel="email")
    s.outbound("snap", "2024-11-12 09:10", agent="a1", message_id="snap-out", channel="email")
    s.resolve("snap", "2024-11-12 09:20", by="a1")
    return s.store()


WEEK = Filters(start="2024-11-11", end="2024-11-17", as_of="2024-12-31")
COLS = ["conversation_id", "from_message_id", "to_message_id", "agent_id", "assignee_at_response", "channel",
        "open", "seconds"]


def listed(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    """The rows of these columns as lists, missing values as None."""
    part = frame[columns].astype(object)
    return part.where(part.notna(), None).values.tolist()


def test_rows_of_conversations_active_in_the_week_see_their_history_before_it(week: Store) -> None:
    first = rt.first_response_times(week, WEEK)
    # kept's first response was on 11-08 (before the week); snap: 09:00 -> 09:10 by a1, assignee a1 (the row).
    assert listed(first, COLS) == [["snap", "snap-in", "snap-out", "a1", "a1", "email", False, 600.0]]
    replies = rt.reply_times(week, WEEK)
    # kept: 10:00 -> 10:30 by a1 while a2 is the assignee (event of 11-08); then 11:00 waits (open).
    assert listed(replies, COLS) == [
        ["kept", "kept-in1", "kept-out1", "a1", "a2", "sms", False, 1800.0],
        ["kept", "kept-in2", None, None, "a2", "whatsapp", True, None],
        ["snap", "snap-in", "snap-out", "a1", "a1", "email", False, 600.0]]
    contact = rt.contact_reply_times(week, WEEK)
    # kept's agent turn of 11-08 10:05 is answered at 11-11 10:00, but it started before the week; the turn of
    # 10:30 is answered at 11:00 = 1800 s; snap's agent turn of 09:10 stays open (its cycle is resolved: no row).
    assert listed(contact, COLS) == [["kept", "kept-out1", "kept-in2", "a1", "a2", "whatsapp", False,
                                              1800.0]]
    resolved = rt.resolution_times(week, WEEK)
    # only snap's cycle starts in the week: 09:00 -> 09:20 = 1200 s, resolver a1, last channel email.
    assert resolved[["conversation_id", "agent_id", "assignee_at_response", "channel", "seconds"]].values.tolist() \
        == [["snap", "a1", "a1", "email", 1200.0]]


def test_assignee_filter_sees_an_assignment_made_before_the_week(week: Store) -> None:
    a2 = Filters(start="2024-11-11", end="2024-11-17", agents=("a2",), as_of="2024-12-31")
    replies = rt.reply_times(week, a2)
    assert replies[["conversation_id", "from_message_id", "assignee_at_response"]].values.tolist() == [
        ["kept", "kept-in1", "a2"], ["kept", "kept-in2", "a2"]]
    by = rt.summarize("reply_time", ["assignee"], source=week, filters=WEEK)
    assert by[["assignee_at_response", "count", "open", "mean"]].values.tolist() == [["a1", 1, 0, 600.0],
                                                                                   ["a2", 1, 1, 1800.0]]
