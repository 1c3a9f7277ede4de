"""Inbox actions: each is one appended event (plus a ticket for resolve), validated against the current state."""
from __future__ import annotations

import json

import pandas as pd
import pytest

from ops_team import as_user, counts
from pipeone_analytics.core.status import status_as_of
from pipeone_analytics.errors import PermissionDenied, ValidationError
from pipeone_analytics.ops import conversations
from pipeone_analytics.store import Store


def _state(store: Store, conv: str) -> tuple[str, str | None, int]:
    row = status_as_of(store, None, conversation_ids=[conv]).iloc[0]
    return row["status"], (None if pd.isna(row["assignee_id"]) else row["assignee_id"]), int(row["cycle"])


def test_take_appends_an_assigned_event_and_audits_it(inbox: Store) -> None:
    ana = as_user(inbox, "ana")
    result = conversations.take(inbox, ana, "c_free")
    events = inbox.df('SELECT event_id, conversation_id, actor_id, kind, value, "at" FROM events')
    assert events[["event_id", "conversation_id", "actor_id", "kind", "value"]].values.tolist() == [
        [result.event_id, "c_free", "ana", "assigned", "ana"]]
    assert _state(inbox, "c_free") == ("new", "ana", 1)  # an assignment changes the assignee, not the status
    audit = inbox.df("SELECT * FROM audit_log").iloc[0]
    assert (audit["audit_id"], audit["actor_id"], audit["role"], audit["action"], audit["target_type"],
            audit["target_id"]) == (result.audit_id, "ana", "agent", "take", "conversation", "c_free")
    assert json.loads(audit["before"]) == {"status": "new", "assignee_id": None}
    assert json.loads(audit["after"]) == {"status": "new", "assignee_id": "ana", "event_id": result.event_id,
                                          "kind": "assigned", "value": "ana"}
    assert audit["created_at"] == events["at"].iloc[0]
    # the conversations table keeps what the export said: state lives in events only
    snapshot = inbox.df("SELECT assignee_id FROM conversations WHERE conversation_id = 'c_free'")
    assert snapshot["assignee_id"].isna().all()


def test_transfer_moves_the_conversation_and_the_agent_loses_it(inbox: Store) -> None:
    ana = as_user(inbox, "ana")
    conversations.transfer(inbox, ana, "c_ana", "bob")
    assert _state(inbox, "c_ana")[1] == "bob"
    with pytest.raises(PermissionDenied, match="assigned to bob"):
        conversations.set_status(inbox, ana, "c_ana", "on_hold")
    conversations.set_status(inbox, as_user(inbox, "bob"), "c_ana", "on_hold")
    assert _state(inbox, "c_ana") == ("on_hold", "bob", 1)


@pytest.mark.parametrize("call, message", [
    (lambda s, a: conversations.transfer(s, a, "c_ana", "old"), "old is deactivated and cannot be given"),
    (lambda s, a: conversations.assign(s, a, "c_ana", "zed"), "no teammate zed"),
    (lambda s, a: conversations.assign(s, a, "c_ana", "ana"), "c_ana is already assigned to ana"),
    (lambda s, a: conversations.transfer(s, a, "c_free", "bob"), "c_free is unassigned: assign it instead"),
    (lambda s, a: conversations.take(s, a, "c_nope"), "no conversation c_nope"),
    (lambda s, a: conversations.set_status(s, a, "c_ana", "resolved"), "status 'resolved' cannot be set"),
    (lambda s, a: conversations.set_status(s, a, "c_sms", "in_progress"), "c_sms is already 'In progress'"),
    (lambda s, a: conversations.reopen(s, a, "c_ana"), "c_ana is not resolved, so it cannot be reopened"),
    (lambda s, a: conversations.resolve(s, a, "c_ana", "bug"), "unknown ticket type 'bug'"),
    (lambda s, a: conversations.resolve(s, a, "c_ana", "task", "legacy"), "category 'Legacy' is deactivated"),
    (lambda s, a: conversations.resolve(s, a, "c_ana", "task", "nope"), "no category nope"),
])
def test_invalid_actions_are_one_clear_error_and_write_nothing(inbox: Store, call, message: str) -> None:
    before = counts(inbox)
    with pytest.raises(ValidationError, match=message) as err:
        call(inbox, as_user(inbox, "mia"))
    assert "\n" not in str(err.value)
    assert counts(inbox) == before


def test_resolve_writes_the_ticket_and_the_event_at_the_same_instant(inbox: Store) -> None:
    mia = as_user(inbox, "mia")
    result = conversations.resolve(inbox, mia, "c_bob", "incident", "billing", "  card declined  ")
    ticket = inbox.df("SELECT * FROM tickets").iloc[0]
    event = inbox.df('SELECT * FROM events').iloc[0]
    assert (ticket["ticket_id"], ticket["conversation_id"], ticket["resolved_by"], ticket["type"], ticket["category"],
            ticket["note"]) == (result.ticket_id, "c_bob", "mia", "incident", "billing", "card declined")
    assert (event["event_id"], event["kind"], event["value"]) == (result.event_id, "resolved", "resolved")
    assert ticket["resolved_at"] == event["at"]
    assert _state(inbox, "c_bob") == ("resolved", "bob", 1)
    with pytest.raises(ValidationError, match="c_bob is already resolved"):
        conversations.resolve(inbox, mia, "c_bob", "question")
    with pytest.raises(ValidationError, match="c_bob is resolved: reopen it first"):
        conversations.set_status(inbox, mia, "c_bob", "in_progress")


def test_reopen_starts_a_new_cycle_and_a_second_resolve_gets_a_second_ticket(inbox: Store) -> None:
    ana = as_user(inbox, "ana")
    first = conversations.resolve(inbox, ana, "c_ana", "question", note="")
    conversations.reopen(inbox, ana, "c_ana")
    assert _state(inbox, "c_ana") == ("new", "ana", 2)
    conversations.set_status(inbox, ana, "c_ana", "in_progress")
    second = conversations.resolve(inbox, ana, "c_ana", "task")
    tickets = inbox.df("SELECT ticket_id, type, note FROM tickets ORDER BY resolved_at")
    assert tickets.values.tolist() == [[first.ticket_id, "question", None], [second.ticket_id, "task", None]]
    assert _state(inbox, "c_ana") == ("resolved", "ana", 2)
    kinds = inbox.df("SELECT kind, value FROM events ORDER BY \"at\"").values.tolist()
    assert kinds == [["resolved", "resolved"], ["reopened", "new"], ["status_changed", "in_progress"],
                     ["resolved", "resolved"]]


def test_a_deactivated_category_keeps_its_tickets(inbox: Store) -> None:
    from pipeone_analytics.ops import admin

    conversations.resolve(inbox, as_user(inbox, "ana"), "c_ana", "problem", "billing")
    admin.deactivate_category(inbox, as_user(inbox, "root"), "billing")
    assert inbox.df("SELECT category FROM tickets")["category"].tolist() == ["billing"]
    with pytest.raises(ValidationError, match="category 'Billing' is deactivated"):
        conversations.resolve(inbox, as_user(inbox, "bob"), "c_bob", "problem", "billing")


def test_the_ticket_and_the_transfer_show_on_the_contacts_timeline(inbox: Store) -> None:
    from pipeone_analytics.core.timeline import timeline

    ana = as_user(inbox, "ana")
    conversations.take(inbox, ana, "c_free")
    moved = conversations.transfer(inbox, ana, "c_free", "bob")
    resolved = conversations.resolve(inbox, as_user(inbox, "bob"), "c_free", "incident", "billing", "refund sent")
    items = timeline(inbox, "k1").items
    ours = items[items["conversation_id"] == "c_free"]
    transfer = ours[ours["item_id"] == moved.event_id].iloc[0]
    assert (transfer["kind"], transfer["from_agent"], transfer["value"]) == ("transfer", "ana", "bob")
    ticket = ours[ours["kind"] == "ticket"].iloc[0]
    assert (ticket["item_id"], ticket["ticket_type"], ticket["category"], ticket["note"], ticket["agent_id"]) == (
        resolved.ticket_id, "incident", "Billing", "refund sent", "bob")
