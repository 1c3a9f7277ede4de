"""Inbox actions on a conversation, each appended as one event (never an in-place edit) and audited.

Every action validates against the state core/status.py derives inside the same write transaction,
so two processes cannot both act on a stale state; a caller may hand back the state it holds (`held`,
with its version), which is used only when its version is still the store's (ops/state.py). Each
result carries the conversation's state after the action (status and assignee as audited, and the
version computed inside the same transaction) and the value of the caller's `read_after` (audit.py).
Event kinds and values written:
- take, assign, transfer: `assigned`, value = the new assignee's agent_id;
- set_status: `status_changed`, value = in_progress or on_hold;
- resolve: `resolved`, value = resolved, plus one `tickets` row at the same instant;
- reopen: `reopened`, value = new.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Mapping

import pandas as pd

from .. import derived, i18n
from ..store import Store
from .audit import Operation, ReadAfter, audited, new_id, plain
from .permissions import Actor
from .state import STATE_KEYS, conversation_version, state_row

SETTABLE_STATUSES = ("in_progress", "on_hold")


@dataclasses.dataclass(frozen=True)
class ActionResult:
    """What one conversation action wrote."""

    action: str
    conversation_id: str
    event_id: str
    audit_id: str
    at: pd.Timestamp
    state: dict[str, Any]
    held_current: bool
    ticket_id: str | None = None
    read: Any = None


Held = Mapping[str, Any] | None


def _state(op: Operation) -> dict[str, Any]:
    state = op.conversation or {}
    return {"status": plain(state.get("status")), "assignee_id": plain(state.get("assignee_id"))}


def _event(op: Operation, kind: str, value: str, after: dict[str, Any] | None,
           ticket_id: str | None = None) -> ActionResult:
    """Append the event and audit it; `after` is its effect on status and assignee, None when the fold decides
    it (then the state is read again inside the transaction)."""
    event_id = new_id()
    op.con.execute('INSERT INTO events (event_id, conversation_id, "at", actor_id, kind, value) '
                   "VALUES (?, ?, ?, ?, ?, ?)", [event_id, op.target_id, op.at, op.actor.agent_id, kind, value])
    op.con.execute("CREATE OR REPLACE TEMP TABLE _acted AS SELECT ?::VARCHAR AS conversation_id", [op.target_id])
    derived.refresh(op.con, "_acted", since=op.at, changed={"events", "tickets"})  # its stored state (DESIGN 4.2)
    op.before = _state(op)
    if after is None:
        state = state_row(op.store, op.target_id, op.at)
        after = {"status": state["status"], "assignee_id": plain(state["assignee_id"])}
    else:
        state = {k: plain((op.conversation or {}).get(k)) for k in STATE_KEYS}
        state["version"] = conversation_version(op.store, op.target_id, op.at)
    op.after = {**op.before, **after, "event_id": event_id, "kind": kind, "value": value}
    state |= {k: op.after[k] for k in ("status", "assignee_id")}
    return ActionResult(op.action, op.target_id, event_id, op.audit_id, op.at, state, op.held_current, ticket_id,
                        op.read())


def _active_agent(op: Operation, agent_id: str) -> None:
    rows = op.con.execute("SELECT active FROM agents WHERE agent_id = ?", [agent_id]).fetchall()
    if not rows:
        raise op.fail("ops_unknown_agent", agent=agent_id)
    if not rows[0][0]:
        raise op.fail("ops_inactive_agent", agent=agent_id)


def _assign(store: Store, actor: Actor | None, conversation_id: str, agent_id: str | None, action: str,
            held: Held, read_after: ReadAfter) -> ActionResult:
    permission = "take" if action == "take" else "assign"
    with audited(store, actor, action, "conversation", conversation_id, permission=permission,
                 conversation_id=conversation_id, held=held, read_after=read_after) as op:
        target = op.actor.agent_id if agent_id is None else agent_id
        current = _state(op)["assignee_id"]
        if action == "transfer" and current is None:
            raise op.fail("ops_transfer_unassigned", conversation=conversation_id)
        if current == target:
            raise op.fail("ops_already_assigned", conversation=conversation_id, agent=target)
        _active_agent(op, target)
        return _event(op, "assigned", target, {"assignee_id": target})


def take(store: Store, actor: Actor | None, conversation_id: str, held: Held = None,
         read_after: ReadAfter = None) -> ActionResult:
    """Assign the conversation to the acting user (an agent may take only unassigned ones)."""
    return _assign(store, actor, conversation_id, None, "take", held, read_after)


def assign(store: Store, actor: Actor | None, conversation_id: str, agent_id: str, held: Held = None,
           read_after: ReadAfter = None) -> ActionResult:
    """Assign the conversation to an active teammate; on an assigned conversation this is a transfer."""
    return _assign(store, actor, conversation_id, agent_id, "assign", held, read_after)


def transfer(store: Store, actor: Actor | None, conversation_id: str, agent_id: str, held: Held = None,
             read_after: ReadAfter = None) -> ActionResult:
    """Move an assigned conversation to another active teammate (an error when it is unassigned)."""
    return _assign(store, actor, conversation_id, agent_id, "transfer", held, read_after)


def set_status(store: Store, actor: Actor | None, conversation_id: str, status: str, held: Held = None,
               read_after: ReadAfter = None) -> ActionResult:
    """Set in_progress or on_hold; a resolved conversation must be reopened first."""
    with audited(store, actor, "set_status", "conversation", conversation_id,
                 conversation_id=conversation_id, held=held, read_after=read_after) as op:
        if status not in SETTABLE_STATUSES:
            raise op.fail("ops_bad_status", status=status, allowed=", ".join(SETTABLE_STATUSES))
        current = _state(op)["status"]
        if current == "resolved":
            raise op.fail("ops_resolved_reopen_first", conversation=conversation_id)
        if current == status:
            raise op.fail("ops_same_status", conversation=conversation_id,
                          status=i18n.label("status", status, op.locale))
        return _event(op, "status_changed", status, {"status": status})


def resolve(store: Store, actor: Actor | None, conversation_id: str, type: str, category: str | None = None,
            note: str | None = None, held: Held = None, read_after: ReadAfter = None) -> ActionResult:
    """Resolve with a ticket (type question|incident|problem|task, optional active category_id, note)."""
    with audited(store, actor, "resolve", "conversation", conversation_id, conversation_id=conversation_id,
                 held=held, read_after=read_after) as op:
        if _state(op)["status"] == "resolved":
            raise op.fail("ops_already_resolved", conversation=conversation_id)
        if type not in i18n.TICKET_TYPES:
            raise op.fail("ops_bad_ticket_type", type=type, allowed=", ".join(i18n.TICKET_TYPES))
        if category is not None:
            rows = op.con.execute("SELECT name, active FROM categories WHERE category_id = ?", [category]).fetchall()
            if not rows:
                raise op.fail("ops_unknown_category", category=category)
            if not rows[0][1]:
                raise op.fail("ops_inactive_category", category=rows[0][0])
        note = note.strip() if note and note.strip() else None
        ticket_id = new_id()
        op.con.execute("INSERT INTO tickets (ticket_id, conversation_id, resolved_at, resolved_by, type, category, "
                       "note) VALUES (?, ?, ?, ?, ?, ?, ?)",
                       [ticket_id, conversation_id, op.at, op.actor.agent_id, type, category, note])
        return _event(op, "resolved", "resolved", {"status": "resolved", "ticket_id": ticket_id, "type": type,
                                                   "category": category, "note": note}, ticket_id)


def reopen(store: Store, actor: Actor | None, conversation_id: str, held: Held = None,
           read_after: ReadAfter = None) -> ActionResult:
    """Reopen a resolved conversation: it becomes new again and starts a new cycle."""
    with audited(store, actor, "reopen", "conversation", conversation_id, conversation_id=conversation_id,
                 held=held, read_after=read_after) as op:
        if _state(op)["status"] != "resolved":
            raise op.fail("ops_not_resolved", conversation=conversation_id)
        return _event(op, "reopened", "new", None)  # new, or in_progress after a snapshot (core/status.py)
