"""Summaries build only what their question needs: the lean rows give the same numbers as the full rows.

The full path is the same code with every column needed (rt._needed patched to ALL_COLUMNS), so every join is
made; the lean path leaves out the joins that neither the breakdown keys nor the filters read. Open rows (the
last turn waiting) come from the stored ledger plus the conversations of one turn; the hand-built scenario below
works them out by hand. Default settings: America/Sao_Paulo, Mon-Fri 09:00-18:00. 2024-11-11 is a Monday.
"""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipeone_analytics.core import calendar, status
from pipeone_analytics.core import response_times as rt
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.store import Store
from tests.scenario import Scenario

LATER = Filters(as_of="2024-12-31 23:00")
METRICS = ("first_response_time", "reply_time", "contact_reply_time", "resolution_time")


def summaries(store: Store, metrics: tuple[str, ...], by: list[str], filters: Filters, full: bool,
              monkeypatch: pytest.MonkeyPatch) -> list[pd.DataFrame]:
    """summarize(metric, by) of each metric (one connection, as reports ask) through the lean path, or through
    the full one (every column, every join)."""
    with monkeypatch.context() as patch:
        if full:
            patch.setattr(rt, "_needed", lambda keys, params: rt.ALL_COLUMNS)
        return rt._summaries(store, list(metrics), rt._by_columns(by, rt.COLUMNS), filters)


def assert_same(store: Store, metric: str | tuple[str, ...], by: list[str], filters: Filters,
                monkeypatch: pytest.MonkeyPatch) -> pd.DataFrame:
    """The lean summaries equal the full ones; the (first) lean summary."""
    metrics = (metric,) if isinstance(metric, str) else metric
    lean = summaries(store, metrics, by, filters, False, monkeypatch)
    full = summaries(store, metrics, by, filters, True, monkeypatch)
    for name, mine, theirs in zip(metrics, lean, full):
        pd.testing.assert_frame_equal(mine, theirs, check_exact=False, rtol=1e-9, obj=name)
    return lean[0]


def test_a_summary_by_agent_needs_no_join() -> None:
    params = Filters().params(Store.memory().settings)
    # The values, the clock and the key: no cycle, category, assignee, team, contact or channel.
    assert rt._needed(rt._by_columns(["agent"], rt.COLUMNS), params) == {
        "metric", "from_at", "to_at", "open", "seconds", "business_seconds", "agent_id"}
    # A category filter needs the cycle (the category is the cycle's), joined by conversation.
    chosen = Filters(categories=("billing",)).params(Store.memory().settings)
    assert {"category", "cycle", "conversation_id"} <= rt._needed([], chosen)


@pytest.fixture(scope="module")
def waits() -> Store:
    """Last turns that wait, or not; the comments give each conversation's rows."""
    s = Scenario()
    s.contact("c1")
    s.agent("a1", team="blue")
    s.agent("a2", team="green")
    s.category("billing", "Billing")
    # one: a single contact turn, unresolved: an open reply from its first message (sms, 09:00).
    s.conversation("one", "c1")
    s.inbound("one", "2024-11-11 09:00", message_id="one-in1", channel="sms")
    s.inbound("one", "2024-11-11 09:05", message_id="one-in2")
    # agent_only: a single agent turn (automation ignored): an open contact reply from ao-out1, credited to a1.
    s.conversation("agent_only", "c1")
    s.outbound("agent_only", "2024-11-11 10:00", agent="a1", message_id="ao-out1", channel="email")
    s.automation("agent_only", "2024-11-11 10:01")
    s.outbound("agent_only", "2024-11-11 10:02", agent="a2")
    # reopened: its one contact turn (11:00) is in cycle 1, resolved at 11:30; the `reopened` event at 12:00
    # starts cycle 2, unresolved, after the turn began: not open.
    s.conversation("reopened", "c1")
    s.inbound("reopened", "2024-11-11 11:00", message_id="re-in")
    s.resolve("reopened", "2024-11-11 11:30", category="billing", by="a1")
    s.event("reopened", "2024-11-11 12:00", "reopened")
    # continued: the contact writes at 13:00, the cycle is resolved at 13:10, the contact writes again at 13:20
    # (cycle 2). Both messages are one turn, which began in the resolved cycle 1: not open.
    s.conversation("continued", "c1")
    s.inbound("continued", "2024-11-11 13:00", message_id="co-in1")
    s.resolve("continued", "2024-11-11 13:10", by="a2")
    s.inbound("continued", "2024-11-11 13:20", message_id="co-in2")
    # answered: 09:00 -> a1 09:10 = 600 s; a1's turn -> the contact 09:30 = 1200 s; 09:30 waits (open, sms).
    s.conversation("answered", "c1", assignee_id="a2")
    s.inbound("answered", "2024-11-12 09:00", message_id="aw-in1")
    s.outbound("answered", "2024-11-12 09:10", agent="a1", message_id="aw-out1")
    s.inbound("answered", "2024-11-12 09:30", message_id="aw-in2", channel="sms")
    # resolved: 10:00 -> a2 10:05 = 300 s; a2's turn -> 10:20 = 900 s; 10:20 waits, but the cycle is resolved.
    s.conversation("resolved", "c1")
    s.inbound("resolved", "2024-11-12 10:00", message_id="rw-in1")
    s.outbound("resolved", "2024-11-12 10:05", agent="a2", message_id="rw-out1")
    s.inbound("resolved", "2024-11-12 10:20", message_id="rw-in2")
    s.resolve("resolved", "2024-11-12 10:30", category="billing", by="a2")
    # tie_in: inbound and agent message at the same instant; ids order them (t1-a, then t1-b): a reply of 0 s by
    # a1, and a1's turn t1-b waits for the contact (open contact reply).
    s.conversation("tie_in", "c1")
    s.inbound("tie_in", "2024-11-12 11:00", message_id="t1-a")
    s.outbound("tie_in", "2024-11-12 11:00", agent="a1", message_id="t1-b")
    # tie_out: the agent first (t2-a, a2), the contact at the same instant (t2-b): a contact reply of 0 s
    # credited to a2, and t2-b waits for an agent (open reply).
    s.conversation("tie_out", "c1")
    s.outbound("tie_out", "2024-11-12 12:00", agent="a2", message_id="t2-a")
    s.inbound("tie_out", "2024-11-12 12:00", message_id="t2-b")
    return s.store()


def listed(frame: pd.DataFrame, columns: list[str]) -> list[list]:
    part = frame[columns].astype(object)
    return part.where(part.notna(), None).values.tolist()


def test_open_rows_of_last_turns_by_hand(waits: Store) -> None:
    replies = rt.reply_times(waits, LATER).sort_values(["conversation_id", "from_at"])
    assert listed(replies, ["conversation_id", "from_message_id", "to_message_id", "agent_id", "open", "seconds"]) == [
        ["answered", "aw-in1", "aw-out1", "a1", False, 600.0],
        ["answered", "aw-in2", None, None, True, None],
        ["one", "one-in1", None, None, True, None],
        ["resolved", "rw-in1", "rw-out1", "a2", False, 300.0],
        ["tie_in", "t1-a", "t1-b", "a1", False, 0.0],
        ["tie_out", "t2-b", None, None, True, None]]
    # The open rows carry the channel of the waiting turn's first message and its (unresolved) cycle.
    opened = replies[replies["open"]].set_index("conversation_id")
    assert opened.loc[["answered", "one", "tie_out"], "channel"].tolist() == ["sms", "sms", "whatsapp"]
    assert opened["cycle"].tolist() == [1, 1, 1]
    contact = rt.contact_reply_times(waits, LATER).sort_values(["conversation_id", "from_at"])
    assert listed(contact, ["conversation_id", "from_message_id", "to_message_id", "agent_id", "open", "seconds"]) == [
        ["agent_only", "ao-out1", None, "a1", True, None],
        ["answered", "aw-out1", "aw-in2", "a1", False, 1200.0],
        ["resolved", "rw-out1", "rw-in2", "a2", False, 900.0],
        ["tie_in", "t1-b", None, "a1", True, None],
        ["tie_out", "t2-a", "t2-b", "a2", False, 0.0]]
    assert contact.set_index("conversation_id").loc["agent_only", "channel"] == "email"


def test_lean_summaries_by_hand(waits: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    by_agent = assert_same(waits, "reply_time", ["agent"], LATER, monkeypatch)
    # a1: 600 and 0 s (mean 300); a2: 300 s; the three open rows have no agent.
    assert listed(by_agent, ["agent_id", "count", "open", "mean"]) == [["a1", 2, 0, 300.0], ["a2", 1, 0, 300.0],
                                                                       [None, 0, 3, None]]
    contact = assert_same(waits, "contact_reply_time", ["agent"], LATER, monkeypatch)
    # a1: 1200 s measured, two agent turns waiting (agent_only, tie_in); a2: 900 and 0 s (mean 450).
    assert listed(contact, ["agent_id", "count", "open", "mean"]) == [["a1", 1, 2, 1200.0], ["a2", 2, 0, 450.0]]
    # Assignee at the reply: `answered` has conversations.assignee_id a2 and no assigned event, so a1's reply
    # and the waiting turn are both a2's; the other conversations have no assignee.
    by_assignee = assert_same(waits, "reply_time", ["assignee"], LATER, monkeypatch)
    assert listed(by_assignee, ["assignee_at_response", "count", "open"]) == [["a2", 1, 1], [None, 2, 2]]
    # Category: only resolved cycles with a ticket have one; `resolved` (billing) holds rw's 300 s reply.
    by_category = assert_same(waits, "reply_time", ["category"], LATER, monkeypatch)
    assert listed(by_category, ["category", "count", "open"]) == [["billing", 1, 0], [None, 2, 3]]
    billing = assert_same(waits, "reply_time", ["agent"], Filters(as_of=LATER.as_of, categories=("billing",)),
                          monkeypatch)
    assert listed(billing, ["agent_id", "count", "mean"]) == [["a2", 1, 300.0]]
    # Channels: the open rows of `answered` and `one` start on sms; every answered reply is on whatsapp.
    sms = assert_same(waits, "reply_time", [], Filters(as_of=LATER.as_of, channels=("sms",)), monkeypatch)
    assert listed(sms, ["count", "open"]) == [[0, 2]]
    # Team green: a2's reply, plus the rows whose assignee (a2) is green: a1's reply and the open row in `answered`.
    green = assert_same(waits, "reply_time", ["agent"], Filters(as_of=LATER.as_of, teams=("green",)), monkeypatch)
    assert listed(green, ["agent_id", "count", "open"]) == [["a1", 1, 0], ["a2", 1, 0], [None, 0, 1]]
    # The period keeps rows by their clock start: Tuesday 11-12 drops `one` (Monday).
    tuesday = assert_same(waits, "reply_time", ["day"], Filters(start="2024-11-12", end="2024-11-12",
                                                                as_of=LATER.as_of), monkeypatch)
    assert listed(tuesday, ["count", "open"]) == [[3, 2]]


@pytest.mark.parametrize("by, filters", [
    (["agent"], Filters()),
    ([], Filters()),
    (["assignee"], Filters()),
    (["channel"], Filters(start=dt.date(2026, 11, 9), end=dt.date(2026, 11, 22))),
    (["category"], Filters()),
    (["team"], Filters(channels=("whatsapp", "sms"))),
    (["weekday", "hour"], Filters(start=dt.date(2026, 11, 16), end=dt.date(2026, 11, 22))),
    (["day"], Filters(end=dt.date(2026, 11, 15))),
    (["agent"], Filters(agents=("a01", "a03"))),
    (["agent"], Filters(teams=("Vendas",))),
    (["month"], Filters(categories=("cat01", "cat03"))),
    (["cycle"], Filters()),
    (["contact_id"], Filters(start=dt.date(2026, 11, 9))),
])
def test_lean_equals_full_on_the_demo_store(demo_store: Store, monkeypatch: pytest.MonkeyPatch,
                                            by: list[str], filters: Filters) -> None:
    lean = summaries(demo_store, METRICS, by, filters, False, monkeypatch)
    full = summaries(demo_store, METRICS, by, filters, True, monkeypatch)
    for metric, mine, theirs in zip(METRICS, lean, full):
        assert len(mine) and mine["count"].sum() > 0, (metric, by)
        pd.testing.assert_frame_equal(mine, theirs, check_exact=False, rtol=1e-9, obj=metric)


def test_demo_store_has_what_the_combinations_filter_on(demo_store: Store) -> None:
    # The filter values above select rows (else lean == full would hold vacuously).
    agents = set(demo_store.df("SELECT agent_id FROM agents")["agent_id"])
    teams = set(demo_store.df("SELECT team FROM agents")["team"])
    categories = set(demo_store.df("SELECT DISTINCT category FROM tickets")["category"])
    assert {"a01", "a03"} <= agents and "Vendas" in teams and {"cat01", "cat03"} <= categories
    for chosen in (Filters(agents=("a01", "a03")), Filters(teams=("Vendas",)), Filters(categories=("cat01", "cat03"))):
        assert rt.summarize("reply_time", [], source=demo_store, filters=chosen).loc[0, "count"] > 0


def test_business_seconds_the_same_by_buckets_and_by_asof(waits: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    by_buckets = rt.reply_times(waits, LATER)
    monkeypatch.setattr(calendar, "_MAX_BUCKETS", 0)  # the clock falls back to ASOF joins on the intervals
    by_asof = rt.reply_times(waits, LATER)
    pd.testing.assert_series_equal(by_buckets["business_seconds"], by_asof["business_seconds"])
    # answered: Tue 09:00 -> 09:10 inside business hours: 600 business seconds.
    assert by_asof.set_index("from_message_id").loc["aw-in1", "business_seconds"] == 600


def test_latest_responses_at_one_instant_are_ordered_by_message_id() -> None:
    s = Scenario()
    s.contact("c1")
    s.agent("a1")
    # x: in 09:00, agent 10:00 (x-b), contact 10:00 (x-c): the two latest responses share 10:00; by id x-c is
    # last, so the contact's turn x-c waits for an agent (open reply), and a1's 10:00 reply took 3600 s.
    s.conversation("x", "c1")
    s.inbound("x", "2024-11-11 09:00", message_id="x-a")
    s.outbound("x", "2024-11-11 10:00", agent="a1", message_id="x-b")
    s.inbound("x", "2024-11-11 10:00", message_id="x-c")
    # y: in 09:00, agent 09:30, contact 10:00 (y-3), agent 10:00 (y-4): y-4 is last, so no reply waits, and
    # a1's turn y-4 waits for the contact (open contact reply credited to a1).
    s.conversation("y", "c1")
    s.inbound("y", "2024-11-11 09:00", message_id="y-1")
    s.outbound("y", "2024-11-11 09:30", agent="a1", message_id="y-2")
    s.inbound("y", "2024-11-11 10:00", message_id="y-3", channel="sms")
    s.outbound("y", "2024-11-11 10:00", agent="a1", message_id="y-4", channel="email")
    store = s.store()
    replies = rt.reply_times(store, LATER).sort_values(["conversation_id", "from_at", "open"])
    # x: x-a -> x-b 3600 s, x-c open; y: y-1 -> y-2 1800 s, y-3 -> y-4 0 s.
    assert listed(replies, ["conversation_id", "from_message_id", "to_message_id", "open", "seconds"]) == [
        ["x", "x-a", "x-b", False, 3600.0], ["x", "x-c", None, True, None],
        ["y", "y-1", "y-2", False, 1800.0], ["y", "y-3", "y-4", False, 0.0]]
    contact = rt.contact_reply_times(store, LATER).sort_values(["conversation_id", "from_at", "open"])
    # x: x-b -> x-c 0 s; y: y-2 -> y-3 1800 s, then y-4 waits (channel email, a1).
    assert listed(contact, ["conversation_id", "from_message_id", "to_message_id", "agent_id", "open", "channel"]) == [
        ["x", "x-b", "x-c", "a1", False, "whatsapp"], ["y", "y-2", "y-3", "a1", False, "sms"],
        ["y", "y-4", None, "a1", True, "email"]]


def expected_open_rows(store: Store, as_of: str | None, waiting: str) -> set[tuple]:
    """Open rows worked out in pandas from core.status.cycles, the stored ledger and the messages (a plain
    reference): the last turn of each conversation, when its first message is `waiting` (inbound: it waits for
    an agent) and its cycle is unresolved. Rows: (conversation_id, from_message_id, from_at, cycle)."""
    cut = Filters(as_of=as_of).params(store.settings)["as_of"]
    cycles = status.cycles(store, Filters(as_of=cut))
    open_cycles = cycles[cycles["resolved_at"].isna()].set_index("conversation_id")
    turns = store.df("SELECT conversation_id, message_id, sent_at, direction FROM messages "
                     "WHERE sender_type IN ('contact', 'agent') AND sent_at <= $as_of", {"as_of": cut})
    turns = turns.sort_values(["conversation_id", "sent_at", "message_id"])
    starts = turns[turns["direction"] != turns.groupby("conversation_id")["direction"].shift()]
    last = starts.groupby("conversation_id").tail(1)  # the first message of each conversation's last turn
    rows = set()
    for row in last[last["direction"] == waiting].itertuples():
        if row.conversation_id in open_cycles.index:
            cycle = open_cycles.loc[row.conversation_id]
            if row.sent_at >= cycle["started_at"]:
                rows.add((row.conversation_id, row.message_id, row.sent_at, int(cycle["cycle"])))
    return rows


@pytest.mark.parametrize("as_of", [None, "2026-11-10 12:00", "2026-10-20 09:30"])
def test_open_rows_equal_a_reference_from_cycles_and_messages(demo_store: Store, as_of: str | None) -> None:
    # At the demo's end every conversation's stored state holds (the open cycles come from it); at the earlier
    # cut-offs a few hundred conversations have a later input and are folded. Each case has open rows in
    # reopened cycles (cycle > 1, whose start is read), and open rows in first cycles.
    for fn, waiting in ((rt.reply_times, "inbound"), (rt.contact_reply_times, "outbound")):
        frame = fn(demo_store, Filters(as_of=as_of))
        opened = frame[frame["open"]]
        got = set(zip(opened["conversation_id"], opened["from_message_id"], opened["from_at"], opened["cycle"]))
        expected = expected_open_rows(demo_store, as_of, waiting)
        assert len(expected) > 30 and got == expected
        assert (opened["cycle"] > 1).any() and (opened["cycle"] == 1).any()
