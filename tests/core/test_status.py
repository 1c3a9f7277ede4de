"""DESIGN 4.2 status fold, cycles, time in status, backlog and assignees, on hand-built scenarios.

All times are America/Sao_Paulo wall clock (UTC-3 all year since 2019).
"""
from __future__ import annotations

import pandas as pd
import pytest

from pipeone_analytics.core import status
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.exports import export
from scenario import Scenario

TZ = "America/Sao_Paulo"


def ts(value: str) -> pd.Timestamp:
    return pd.Timestamp(value, tz=TZ)


def row(frame: pd.DataFrame, conversation_id: str) -> pd.Series:
    match = frame[frame["conversation_id"] == conversation_id]
    assert len(match) == 1, f"{conversation_id}: {len(match)} rows"
    return match.iloc[0]


def two_cycles() -> Scenario:
    """c1: resolved, reopened by an inbound message, resolved again; automation and notes in between."""
    s = Scenario()
    s.contact("k1")
    s.agent("a1", team="blue")
    s.agent("a2", team="red")
    s.conversation("c1", "k1")
    s.inbound("c1", "2026-11-02 09:00")
    s.automation("c1", "2026-11-02 09:01", channel="sms")     # changes nothing
    s.note("c1", "2026-11-02 09:02", channel="email")         # changes nothing
    s.outbound("c1", "2026-11-02 09:05")                      # new -> in_progress
    s.resolve("c1", "2026-11-02 10:00", type="question")      # -> resolved, ticket 1
    s.automation("c1", "2026-11-02 10:01")                    # changes nothing while resolved
    s.inbound("c1", "2026-11-03 08:00")                       # resolved -> new, cycle 2
    s.outbound("c1", "2026-11-03 08:30", agent="a2")          # new -> in_progress
    s.resolve("c1", "2026-11-03 09:00", type="incident", by="a2")  # -> resolved, ticket 2
    return s


def test_automation_and_notes_change_nothing() -> None:
    s = Scenario()
    s.contact("k1")
    s.conversation("c1", "k1")
    s.inbound("c1", "2026-11-02 09:00")
    s.automation("c1", "2026-11-02 09:01", channel="sms")
    s.note("c1", "2026-11-02 09:02", channel="email")
    got = row(status.status_as_of(s.store(), Filters(as_of="2026-11-02 12:00")), "c1")
    assert got["status"] == "new" and got["status_since"] == ts("2026-11-02 09:00")
    # the automation reply is not an agent turn: the contact's turn is still the last one
    assert bool(got["unanswered"]) is True
    assert got["last_message_at"] == ts("2026-11-02 09:01")   # notes are not messages
    assert got["last_activity_at"] == ts("2026-11-02 09:02")  # but they are activity
    assert got["last_channel"] == "sms"                       # the automation message, not the note
    assert (got["messages_in"], got["messages_out"]) == (1, 1)
    assert (got["cycle"], got["reopens"]) == (1, 0)


def test_agent_message_moves_new_to_in_progress() -> None:
    s = two_cycles()
    got = row(status.status_as_of(s.store(), Filters(as_of="2026-11-02 09:30")), "c1")
    assert got["status"] == "in_progress" and got["status_since"] == ts("2026-11-02 09:05")
    assert bool(got["unanswered"]) is False


def test_resolve_inbound_resolve_gives_two_cycles() -> None:
    store = two_cycles().store()
    got = row(status.status_as_of(store, Filters(as_of="2026-11-04")), "c1")
    assert got["status"] == "resolved" and got["status_since"] == ts("2026-11-03 09:00")
    assert (got["cycle"], got["reopens"]) == (2, 1)
    cyc = status.cycles(store, Filters(as_of="2026-11-04"))
    assert cyc["cycle"].tolist() == [1, 2]
    assert cyc["started_at"].tolist() == [ts("2026-11-02 09:00"), ts("2026-11-03 08:00")]
    assert cyc["resolved_at"].tolist() == [ts("2026-11-02 10:00"), ts("2026-11-03 09:00")]
    assert cyc["resolved_by"].tolist() == ["a1", "a2"]
    assert cyc["next_started_at"].iloc[0] == ts("2026-11-03 08:00") and pd.isna(cyc["next_started_at"].iloc[1])
    assert cyc["reopened"].tolist() == [True, False]


@pytest.mark.parametrize("as_of, expected", [
    # (status, since, cycle, unanswered) worked out from the two_cycles() script above
    ("2026-11-02 09:00", ("new", "2026-11-02 09:00", 1, True)),
    ("2026-11-02 09:04", ("new", "2026-11-02 09:00", 1, True)),
    ("2026-11-02 10:00", ("resolved", "2026-11-02 10:00", 1, False)),
    ("2026-11-02 23:59", ("resolved", "2026-11-02 10:00", 1, False)),
    ("2026-11-03 08:10", ("new", "2026-11-03 08:00", 2, True)),
    ("2026-11-03 08:45", ("in_progress", "2026-11-03 08:30", 2, False)),
])
def test_status_as_of_a_time_in_the_middle(as_of: str, expected: tuple) -> None:
    got = row(status.status_as_of(two_cycles().store(), Filters(as_of=as_of)), "c1")
    assert (got["status"], got["status_since"], got["cycle"], bool(got["unanswered"])) == (
        expected[0], ts(expected[1]), expected[2], expected[3])
    assert got["reopens"] == expected[2] - 1


def test_before_its_first_activity_a_conversation_is_absent() -> None:
    assert status.status_as_of(two_cycles().store(), Filters(as_of="2026-11-02 08:59")).empty


def test_inbound_while_on_hold_stays_on_hold_and_unanswered() -> None:
    s = Scenario()
    s.contact("k1")
    s.conversation("c1", "k1")
    s.inbound("c1", "2026-11-02 10:00")
    s.outbound("c1", "2026-11-02 10:05")
    s.event("c1", "2026-11-02 10:10", "status_changed", "on_hold")
    s.inbound("c1", "2026-11-02 10:20")
    s.outbound("c1", "2026-11-02 10:30")  # an agent message does not leave on_hold either
    store = s.store()
    got = row(status.status_as_of(store, Filters(as_of="2026-11-02 10:25")), "c1")
    assert (got["status"], got["status_since"], bool(got["unanswered"])) == ("on_hold", ts("2026-11-02 10:10"), True)
    got = row(status.status_as_of(store, Filters(as_of="2026-11-02 11:00")), "c1")
    assert (got["status"], got["status_since"], bool(got["unanswered"])) == ("on_hold", ts("2026-11-02 10:10"), False)
    assert got["cycle"] == 1


def test_status_changed_sets_any_status_and_moves_out_of_resolved_start_cycles() -> None:
    s = Scenario()
    s.contact("k1")
    s.conversation("c1", "k1")
    s.inbound("c1", "2026-11-02 10:00")
    s.outbound("c1", "2026-11-02 10:01")                              # in_progress
    s.event("c1", "2026-11-02 10:02", "status_changed", "new")        # back to new
    s.outbound("c1", "2026-11-02 10:03")                              # new -> in_progress again
    s.event("c1", "2026-11-02 10:04", "status_changed", "resolved")   # resolved, no ticket
    s.event("c1", "2026-11-02 10:05", "status_changed", "on_hold")    # out of resolved: cycle 2
    s.event("c1", "2026-11-02 10:06", "resolved")                     # resolved
    s.event("c1", "2026-11-02 10:07", "reopened")                     # reopened event: new, cycle 3
    s.event("c1", "2026-11-02 10:08", "status_changed", "bogus")      # not a status: ignored
    iv = status.status_intervals(s.store(), Filters(as_of="2026-11-02 12:00"))
    assert list(zip(iv["status"], iv["cycle"], iv["entered_at"].dt.strftime("%H:%M"))) == [
        ("new", 1, "10:00"), ("in_progress", 1, "10:01"), ("new", 1, "10:02"), ("in_progress", 1, "10:03"),
        ("resolved", 1, "10:04"), ("on_hold", 2, "10:05"), ("resolved", 2, "10:06"), ("new", 3, "10:07")]
    # each interval but the current one lasted one minute, except the first (10:00 -> 10:01) too
    assert iv["seconds"].iloc[:-1].tolist() == [60.0] * 7 and pd.isna(iv["seconds"].iloc[-1])
    assert pd.isna(iv["left_at"].iloc[-1])


def test_message_and_event_at_the_same_instant_fold_messages_first() -> None:
    s = Scenario()
    s.contact("k1")
    s.conversation("c1", "k1")
    s.inbound("c1", "2026-11-02 10:00")
    s.resolve("c1", "2026-11-02 11:00")
    s.inbound("c1", "2026-11-02 11:00")  # same instant as the resolve: it comes first, so no reopen
    got = row(status.status_as_of(s.store(), Filters(as_of="2026-11-02 12:00")), "c1")
    assert (got["status"], got["cycle"]) == ("resolved", 1)


def test_snapshot_without_events_is_a_status_change_at_last_activity() -> None:
    s = Scenario()
    s.contact("k1")
    s.agent("a1")
    s.conversation("snap", "k1", status="on_hold", assignee_id="a1")
    s.inbound("snap", "2026-11-02 10:00")
    s.outbound("snap", "2026-11-02 10:05")           # in_progress until the snapshot
    s.note("snap", "2026-11-02 10:07")                # last activity: the snapshot lands here
    s.conversation("evented", "k1", status="resolved")
    s.inbound("evented", "2026-11-02 10:00")
    s.event("evented", "2026-11-02 10:01", "status_changed", "on_hold")  # has a status event: snapshot unused
    s.conversation("assigned_only", "k1", status="resolved")
    s.inbound("assigned_only", "2026-11-02 10:00")
    s.event("assigned_only", "2026-11-02 10:20", "assigned", "a1")       # last activity; not a status event
    store = s.store()
    before = status.status_as_of(store, Filters(as_of="2026-11-02 10:06"))
    assert row(before, "snap")["status"] == "in_progress"
    after = status.status_as_of(store, Filters(as_of="2026-11-02 11:00"))
    assert (row(after, "snap")["status"], row(after, "snap")["status_since"]) == ("on_hold", ts("2026-11-02 10:07"))
    assert row(after, "snap")["assignee_id"] == "a1"   # assignee snapshot, no assigned events
    assert row(after, "evented")["status"] == "on_hold"
    got = row(after, "assigned_only")
    assert (got["status"], got["status_since"]) == ("resolved", ts("2026-11-02 10:20"))
    cyc = status.cycles(store, Filters(as_of="2026-11-02 11:00"))
    resolved = row(cyc, "assigned_only")
    assert resolved["resolved_at"] == ts("2026-11-02 10:20") and pd.isna(resolved["resolved_by"])


def transfer_chain() -> Scenario:
    s = Scenario()
    s.contact("k1")
    for a in ("a1", "a2", "a3", "a4"):
        s.agent(a)
    s.conversation("c1", "k1", assignee_id="a9")   # snapshot ignored: the conversation has assigned events
    s.inbound("c1", "2026-11-02 09:00")
    s.event("c1", "2026-11-02 09:01", "assigned", "a1", actor="m1")  # first assignment: not a transfer
    s.event("c1", "2026-11-02 09:02", "assigned", "a2", actor="a1")  # a1 -> a2: transfer 1
    s.event("c1", "2026-11-02 09:03", "assigned", "a3", actor="a2")  # a2 -> a3: transfer 2
    s.event("c1", "2026-11-02 09:04", "assigned", "a3", actor="a3")  # a3 -> a3: not a transfer
    s.event("c1", "2026-11-02 09:05", "assigned", "", actor="m1")    # unassigned
    s.event("c1", "2026-11-02 09:06", "assigned", "a1", actor="m1")  # from nobody: not a transfer
    s.outbound("c1", "2026-11-02 09:07", agent="a1")
    s.note("c1", "2026-11-02 09:08", agent="a4")                     # a4 touched it with a note
    return s


def test_transfer_chain() -> None:
    store = transfer_chain().store()
    hist = status.assignee_history(store, Filters(as_of="2026-11-03"))
    assert hist["to_agent"].fillna("-").tolist() == ["a1", "a2", "a3", "a3", "-", "a1"]
    assert hist["from_agent"].fillna("-").tolist() == ["-", "a1", "a2", "a3", "a3", "-"]
    assert hist["is_transfer"].tolist() == [False, True, True, False, False, False]
    summary = row(status.assignment_summary(store, Filters(as_of="2026-11-03")), "c1")
    # a1, a2, a3 were assignees, a1 wrote, a4 wrote a note; the a9 snapshot does not count
    assert (summary["transfers"], summary["agents_touched"]) == (2, 4)
    assignee = {t: row(status.status_as_of(store, Filters(as_of=t)), "c1")["assignee_id"]
                for t in ("2026-11-02 09:00", "2026-11-02 09:02", "2026-11-02 09:05", "2026-11-02 09:30")}
    assert pd.isna(assignee["2026-11-02 09:00"])  # nobody before the first assigned event
    assert (assignee["2026-11-02 09:02"], assignee["2026-11-02 09:30"]) == ("a2", "a1")
    assert pd.isna(assignee["2026-11-02 09:05"])
    early = status.assignment_summary(store, Filters(as_of="2026-11-02 09:02"))
    assert (row(early, "c1")["transfers"], row(early, "c1")["agents_touched"]) == (1, 2)


def test_conversation_ids_restrict_and_agree_with_the_whole_store() -> None:
    s = two_cycles()
    s.conversation("c2", "k1", status="on_hold")
    s.inbound("c2", "2026-11-02 12:00", channel="sms")
    store = s.store()
    whole = status.status_as_of(store, Filters(as_of="2026-11-05"))
    one = status.status_as_of(store, Filters(as_of="2026-11-05"), conversation_ids=["c2"])
    assert one["conversation_id"].tolist() == ["c2"]
    pd.testing.assert_frame_equal(one.reset_index(drop=True),
                                  whole[whole["conversation_id"] == "c2"].reset_index(drop=True))
    assert status.status_as_of(store, conversation_ids=[]).empty


def test_status_filters_by_assignee_team_channel_and_period() -> None:
    s = two_cycles()
    s.conversation("c2", "k1", assignee_id="a2")
    s.inbound("c2", "2026-11-05 12:00", channel="sms")
    s.conversation("c3", "k1", assignee_id="a1")
    s.inbound("c3", "2026-11-06 12:00", channel="sms")
    store = s.store()
    ids = lambda **kw: status.status_as_of(store, Filters(as_of="2026-11-10", **kw))["conversation_id"].tolist()
    assert ids(agents=("a2",)) == ["c2"]
    assert ids(teams=("blue",)) == ["c3"]
    assert ids(channels=("sms",)) == ["c2", "c3"]
    assert ids(start="2026-11-05", end="2026-11-05") == ["c2"]


def test_backlog_across_midnight_in_sao_paulo() -> None:
    s = Scenario()
    s.contact("k1")
    s.conversation("x", "k1")
    s.inbound("x", "2026-11-02 20:00")
    s.resolve("x", "2026-11-02 23:30")            # 02:30 UTC on the 3rd, but the 2nd in Sao Paulo
    s.conversation("y", "k1")
    s.inbound("y", "2026-11-03 00:30")            # the 3rd locally (03:30 UTC)
    s.outbound("y", "2026-11-04 00:00")           # exactly at the midnight ending the 3rd: counts for the 3rd
    s.conversation("z", "k1")
    s.inbound("z", "2026-11-01 12:00")            # new before the period starts, never answered
    got = status.backlog(s.store(), Filters(start="2026-11-02", end="2026-11-04", as_of="2026-11-10"))
    table = got.pivot(index="day", columns="status", values="conversations")
    days = [pd.Timestamp("2026-11-02"), pd.Timestamp("2026-11-03"), pd.Timestamp("2026-11-04")]
    assert list(table.index) == days
    # end of the 2nd: x resolved, z new; y has not started
    assert table.loc[days[0]].to_dict() == {"in_progress": 0, "new": 1, "on_hold": 0, "resolved": 1}
    # end of the 3rd (midnight included): x resolved, y in_progress (answered at 00:00), z new
    assert table.loc[days[1]].to_dict() == {"in_progress": 1, "new": 1, "on_hold": 0, "resolved": 1}
    assert table.loc[days[2]].to_dict() == {"in_progress": 1, "new": 1, "on_hold": 0, "resolved": 1}
    assert got["status"].iloc[:4].tolist() == ["new", "in_progress", "on_hold", "resolved"]


def test_export_conversations_one_row_each(tmp_path) -> None:
    s = two_cycles()
    s.category("billing", "Billing")
    s.rows["tickets"][-1]["category"] = "billing"   # the second resolve's ticket
    s.conversation("c2", "k1")
    s.inbound("c2", "2026-11-04 10:00", channel="sms")
    out = tmp_path / "conversations.csv"
    assert export(s.store(), "conversations", out, as_of="2026-11-05") == 2
    got = pd.read_csv(out).set_index("conversation_id")
    c1, c2 = got.loc["c1"], got.loc["c2"]
    assert (c1["status"], c1["cycles"], c1["reopens"], c1["last_ticket_type"], c1["last_ticket_category"]) == (
        "resolved", 2, 1, "incident", "billing")
    # c1: in = 09:00 and 08:00; out = two automation and two agent messages (the note is not a message)
    assert (c1["messages_in"], c1["messages_out"], c1["last_channel"], bool(c1["unanswered"])) == (
        2, 4, "whatsapp", False)
    assert pd.Timestamp(c1["first_message_at"]) == ts("2026-11-02 09:00")
    assert pd.Timestamp(c1["last_message_at"]) == ts("2026-11-03 08:30")
    assert (c2["status"], c2["last_channel"], bool(c2["unanswered"]), c2["cycles"]) == ("new", "sms", True, 1)
    assert pd.isna(c2["last_ticket_type"])


def test_agent_messages_on_both_sides_of_the_reopening_message() -> None:
    s = Scenario()
    s.contact("k1")
    s.conversation("c1", "k1")
    s.inbound("c1", "2026-11-02 09:00")
    s.outbound("c1", "2026-11-02 09:05")                      # in_progress
    s.resolve("c1", "2026-11-02 10:00")                       # resolved, end of cycle 1
    s.outbound("c1", "2026-11-02 10:10")                      # while resolved: changes nothing
    s.inbound("c1", "2026-11-02 10:20")                       # reopens: new, cycle 2
    s.outbound("c1", "2026-11-02 10:30")                      # the first agent message after it: in_progress
    store = s.store()
    got = row(status.status_as_of(store, Filters(as_of="2026-11-02 11:00")), "c1")
    assert (got["status"], got["status_since"], got["cycle"]) == ("in_progress", ts("2026-11-02 10:30"), 2)
    got = row(status.status_as_of(store, Filters(as_of="2026-11-02 10:25")), "c1")
    assert (got["status"], got["status_since"], got["cycle"]) == ("new", ts("2026-11-02 10:20"), 2)
    iv = status.status_intervals(store, Filters(as_of="2026-11-02 11:00"))
    assert list(zip(iv["status"], iv["cycle"], iv["entered_at"].dt.strftime("%H:%M"))) == [
        ("new", 1, "09:00"), ("in_progress", 1, "09:05"), ("resolved", 1, "10:00"), ("new", 2, "10:20"),
        ("in_progress", 2, "10:30")]


@pytest.mark.parametrize("agent_id, expected", [
    # agent m-a before inbound m-b at 10:20: the agent message changes nothing (resolved), the inbound reopens
    ("m-a", ("new", 2, True, "whatsapp")),
    # inbound m-b before agent m-c at 10:20: the inbound reopens, the agent message makes it in_progress
    ("m-c", ("in_progress", 2, False, "sms")),
])
def test_messages_at_the_same_instant_fold_by_message_id(agent_id: str, expected: tuple) -> None:
    s = Scenario()
    s.contact("k1")
    s.conversation("c1", "k1")
    s.inbound("c1", "2026-11-02 09:00", message_id="m-0")
    s.resolve("c1", "2026-11-02 10:00")
    s.inbound("c1", "2026-11-02 10:20", channel="whatsapp", message_id="m-b")
    s.outbound("c1", "2026-11-02 10:20", channel="sms", message_id=agent_id)
    got = row(status.status_as_of(s.store(), Filters(as_of="2026-11-02 11:00")), "c1")
    assert (got["status"], got["cycle"], bool(got["unanswered"]), got["last_channel"]) == expected
    assert got["status_since"] == ts("2026-11-02 10:20")
