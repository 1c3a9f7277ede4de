"""Compose: a draft (channel, rendered body, SMS segments, checked attachments), then send.

The channel is the one given, else the contact's default reply channel (DESIGN §4.2); when the
contact has none the caller must choose one. A body is either free text (sent as typed) or a
template rendered with the contact's and the agent's variables (ops/templates.py). A template tied
to a channel can only be sent on that channel. Sending writes one `outbox` row (status queued) and
the outbound agent message, in one transaction; nothing is sent to a real network here: a gateway
picks the outbox up (ops/outbox.py).
"""
from __future__ import annotations

import dataclasses
import json
from typing import Any, Iterable, Mapping

import pandas as pd

from .. import i18n
from ..core.channels import default_reply_channel
from .. import derived
from ..errors import ValidationError
from ..store import Store
from .attachments import check_attachments
from .audit import Operation, ReadAfter, audited, new_id, plain
from .permissions import Actor
from .sms import sms_segments
from .state import STATE_KEYS, conversation_state, conversation_version, state_row
from .templates import render, template_variables


@dataclasses.dataclass(frozen=True)
class Draft:
    """A message ready to send; encoding and segments are set for SMS only."""

    conversation_id: str
    contact_id: str
    channel: str
    body: str
    template_id: str | None
    attachments: tuple[dict[str, Any], ...]
    encoding: str | None
    segments: int | None


@dataclasses.dataclass(frozen=True)
class Sent:
    """What compose wrote: the outbox row, the message, and the audit row; the conversation's list row after it
    (with its version, read inside the same transaction), whether the caller's held state was current, and the
    value of the caller's read_after (audit.py)."""

    draft: Draft
    outbox_id: str
    message_id: str
    audit_id: str
    at: pd.Timestamp
    state: dict[str, Any]
    held_current: bool
    read: Any = None


def _row(store: Store, sql: str, keys: list[Any]) -> dict[str, Any] | None:
    """The one row a lookup by keys finds, as a dict (None when none): no DataFrame for one small row."""
    with store.read() as con:
        rows = con.execute(sql, keys).fetchall()
        return dict(zip([d[0] for d in con.description], rows[0])) if rows else None


def _draft(store: Store, actor: Actor | None, conversation: Mapping[str, Any], body: str | None,
           template_id: str | None, channel: str | None, attachments: Iterable[Any]) -> Draft:
    locale = store.settings.locale

    def fail(key: str, **values: Any) -> ValidationError:
        return ValidationError(i18n.t(key, locale, **values))

    conversation_id, contact_id = conversation["conversation_id"], conversation["contact_id"]
    if (body is None) == (template_id is None):
        raise fail("ops_body_or_template")
    if channel is None:
        found = default_reply_channel(store, [contact_id])
        channel = plain(found["channel"].iloc[0]) if len(found) else None
        if channel is None:
            raise fail("ops_choose_channel", contact=contact_id)
    if channel not in i18n.CHANNELS:
        raise fail("ops_unknown_channel", channel=channel, known=", ".join(i18n.CHANNELS))
    extra = list(attachments)
    if template_id is not None:
        # the template and the contact in one read (the contact's columns are NULL when it has no row)
        template = _row(store, "SELECT t.body, t.channel, t.attachments, c.* FROM "
                               "(SELECT body, channel, attachments FROM templates WHERE template_id = ?) t LEFT JOIN "
                               "(SELECT name, phone, phone_e164, phone_valid, email, attributes FROM contacts "
                               "WHERE contact_id = ?) c ON TRUE", [template_id, contact_id])
        if template is None:
            raise fail("ops_unknown_template", template=template_id)
        if template["channel"] is not None and template["channel"] != channel:
            raise fail("ops_template_channel", template=template_id, template_channel=template["channel"],
                       channel=channel)
        variables = template_variables(template, actor)
        body = render(template["body"], variables, locale)
        extra = (json.loads(template["attachments"]) if template["attachments"] else []) + extra
    if not body or not body.strip():
        raise fail("ops_body_required")
    encoding, segments = sms_segments(body) if channel == "sms" else (None, None)
    return Draft(conversation_id, contact_id, channel, body, template_id,
                 tuple(check_attachments(extra, channel, locale)), encoding, segments)


def _after(op: Operation, d: Draft) -> dict[str, Any]:
    """The conversation's list row after the message (with its version). The message is its newest, and an
    agent message moves only a `new` conversation (to in_progress, unless an export snapshot holds it:
    core/status.py), so a held state that was current and not new keeps its status and assignee, and takes
    the message as its preview, last channel and answer; otherwise the row is read again."""
    if not op.held_current or op.conversation["status"] == "new":
        return state_row(op.store, d.conversation_id, op.at)
    kept = {k: op.conversation[k] for k in STATE_KEYS}
    return kept | {"unanswered": False, "last_channel": d.channel, "preview": d.body, "preview_direction": "outbound",
                   "preview_sender": "agent", "version": conversation_version(op.store, d.conversation_id, op.at)}


def draft(store: Store, actor: Actor | None, conversation_id: str, body: str | None = None,
          template_id: str | None = None, channel: str | None = None, attachments: Iterable[Any] = ()) -> Draft:
    """The message compose would send, without writing anything (for the preview and segment count)."""
    return _draft(store, actor, conversation_state(store, conversation_id), body, template_id, channel, attachments)


def compose(store: Store, actor: Actor | None, conversation_id: str, body: str | None = None,
            template_id: str | None = None, channel: str | None = None, attachments: Iterable[Any] = (),
            held: Mapping[str, Any] | None = None, read_after: ReadAfter = None) -> Sent:
    """Send: one outbox row (queued) plus the outbound message by the acting agent, in one transaction.

    held: the conversation's state as the caller holds it, with its version (ops/state.py); read_after: a read
    run on the transaction after the write (audit.py)."""
    with audited(store, actor, "compose", "conversation", conversation_id, conversation_id=conversation_id,
                 held=held, read_after=read_after) as op:
        d = _draft(op.store, op.actor, op.conversation, body, template_id, channel, attachments)
        message_id, outbox_id = new_id(), new_id()
        files = json.dumps(list(d.attachments)) if d.attachments else None
        op.con.execute("INSERT INTO messages (message_id, conversation_id, contact_id, channel, direction, sent_at, "
                       "sender_type, agent_id, body, template_id, attachments) "
                       "VALUES (?, ?, ?, ?, 'outbound', ?, 'agent', ?, ?, ?, ?)",
                       [message_id, conversation_id, d.contact_id, d.channel, op.at, op.actor.agent_id, d.body,
                        d.template_id, files])
        op.con.execute("CREATE TEMP TABLE _composed AS SELECT ?::VARCHAR AS conversation_id", [conversation_id])
        derived.refresh(op.con, "_composed", since=op.at, changed={"messages"})  # it may answer the last turn (DESIGN 4.1)
        op.con.execute("DROP TABLE _composed")
        op.con.execute("INSERT INTO outbox (outbox_id, created_at, conversation_id, contact_id, message_id, agent_id, "
                       "channel, template_id, body, attachments, encoding, segments, status) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued')",
                       [outbox_id, op.at, conversation_id, d.contact_id, message_id, op.actor.agent_id, d.channel,
                        d.template_id, d.body, files, d.encoding, d.segments])
        op.after = {"message_id": message_id, "outbox_id": outbox_id, "channel": d.channel,
                    "template_id": d.template_id, "segments": d.segments,
                    "attachments": [a["name"] for a in d.attachments]}
        return Sent(d, outbox_id, message_id, op.audit_id, op.at, _after(op, d), op.held_current, op.read())
