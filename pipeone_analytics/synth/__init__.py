"""Generator of realistic synthetic PipeOne exports (export v1, DESIGN 3.1), seeded, at any scale.

`generate(out, ...)` writes contacts, agents, conversations, messages, events, tickets, categories and
templates as CSV or Parquet, in chunks of contacts, so memory stays bounded at 10M messages. The same
arguments give the same bytes. Templates use the Jinja variables {{ name }}, {{ first_name }},
{{ agent_name }} and {{ company }}; messages sent from a template carry its rendered text.
"""
from __future__ import annotations

import datetime as dt
import json
import re
import zoneinfo
from pathlib import Path
from typing import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from ..config import Settings
from ..errors import ValidationError
from . import catalog
from .clock import DAY, Clock
from .conversations import (EVENT_KINDS, PROFILE_CONVERSATIONS, SENDERS, STATUSES, TEXTS, Frame,
                            allocate_profiles, build, mean_messages)
from .people import People, make_people
from .writer import SCHEMAS, TableWriters, ids, schemas_for, timestamps

__all__ = ["generate"]

CHUNK_CONTACTS = 25_000
HISTORY_DAYS = 800      # contacts may have been created up to ~2 years before the period
AFTER_DAYS = 60         # conversations are simulated past the end, then cut at the end
MESSAGES_PER_CONTACT_DAY = 1 / 3   # default volume: 2,000 contacts x 90 days -> about 60k messages


def _end_date(end: dt.date | str | None, settings: Settings) -> dt.date:
    if end is None:
        return dt.datetime.now(zoneinfo.ZoneInfo(settings.timezone)).date() - dt.timedelta(days=1)
    if isinstance(end, dt.date):
        return end
    try:
        return dt.date.fromisoformat(str(end))
    except ValueError:
        raise ValidationError(f"end '{end}' is not a date as YYYY-MM-DD") from None


def _conversation_rate(contacts: int, target: float) -> float:
    """Conversations per contact (before profile weights) that give about `target` messages."""
    share = np.bincount(allocate_profiles(np.random.default_rng(0), min(contacts, 100_000)), minlength=6)
    share = share / share.sum()
    per_conv = mean_messages(share)

    def expected(rate: float) -> float:
        per_contact = rate * PROFILE_CONVERSATIONS    # the mean of _per_contact, above or below 1
        return contacts * float(np.sum(share * per_contact * per_conv))

    lo, hi = 0.0, 1000.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if expected(mid) < target else (lo, mid)
    return (lo + hi) / 2


def _per_contact(rng: np.random.Generator, profile: np.ndarray, rate: float) -> np.ndarray:
    """Conversations of each contact: at least one when the expected count is 1 or more."""
    lam = rate * PROFILE_CONVERSATIONS[profile]
    at_least_one = 1 + rng.poisson(np.maximum(lam - 1, 0))
    return np.where(lam >= 1, at_least_one, rng.random(len(lam)) < lam).astype(np.int64)


def _render(template_rows: dict[int, np.ndarray], names: pa.Array, first: pa.Array, contact: np.ndarray,
            agent: np.ndarray) -> tuple[np.ndarray, pa.Array]:
    """Rendered template bodies: (row positions ascending, texts in that order)."""
    agent_names = pa.array([a[1] for a in catalog.AGENTS])
    positions, texts = [], []
    for t, rows in template_rows.items():
        values = {"name": pc.take(names, pa.array(contact[rows])),
                  "first_name": pc.take(first, pa.array(contact[rows])),
                  "agent_name": pc.take(agent_names, pa.array(np.maximum(agent[rows], 0))),
                  "company": catalog.COMPANY}
        pieces = re.split(r"\{\{\s*(\w+)\s*\}\}", catalog.TEMPLATES[t][2])
        parts = [values[p] if i % 2 else p for i, p in enumerate(pieces) if p]
        texts.append(pc.binary_join_element_wise(*parts, "") if len(parts) > 1
                     else pa.array(np.full(len(rows), parts[0], object), pa.string()))
        positions.append(rows)
    if not positions:
        return np.zeros(0, np.int64), pa.array([], pa.string())
    pos = np.concatenate(positions)
    order = np.argsort(pos, kind="stable")
    return pos[order], pc.take(pa.concat_arrays(texts), pa.array(order))


def _coded(codes: np.ndarray, values: list | tuple) -> pa.Array:
    """values[code], null where code < 0."""
    codes = np.asarray(codes)
    return pc.take(pa.array(list(values), pa.string()), pa.array(codes, mask=codes < 0))


def _messages_table(m: Frame, stamp: Callable[[np.ndarray], pa.Array], conv_ids: pa.Array,
                    contact_ids: pa.Array, people: People, first_id: int, schema: pa.Schema) -> pa.Table:
    """The messages table of one chunk, with template texts rendered."""
    c = m.cols
    n = len(m)
    sender = c["sender"]
    body = _coded(c["text"], TEXTS)
    tpl = c["template"]
    template_rows = {t: np.nonzero(tpl == t)[0] for t in range(len(catalog.TEMPLATES))}
    template_rows = {t: r for t, r in template_rows.items() if len(r)}
    pos, rendered = _render(template_rows, people.name, people.first_name, c["contact"], c["agent"])
    if len(pos):
        mask = np.zeros(n, bool)
        mask[pos] = True
        body = pc.replace_with_mask(body, pa.array(mask), rendered)
    tpl_attach = [json.dumps(t[4], ensure_ascii=False) if t[4] else None for t in catalog.TEMPLATES]
    attach_values = list(catalog.CONTACT_ATTACHMENTS) + tpl_attach
    has_tpl_attach = np.array([a is not None for a in tpl_attach])
    attach = np.where(c["attach"] >= 0, c["attach"],
                      np.where((tpl >= 0) & has_tpl_attach[np.maximum(tpl, 0)],
                               len(catalog.CONTACT_ATTACHMENTS) + tpl, -1))
    return pa.table({
        "message_id": ids("m", first_id, n, 9),
        "conversation_id": pc.take(conv_ids, pa.array(c["conv"])),
        "contact_id": pc.take(contact_ids, pa.array(c["contact"])),
        "channel": _coded(c["channel"], catalog.CHANNELS),
        "direction": _coded((sender > 0).astype(np.int64), ("inbound", "outbound")),
        "sent_at": stamp(c["sent"]),
        "sender_type": _coded(sender, SENDERS),
        "agent_id": _coded(c["agent"], [a[0] for a in catalog.AGENTS]),
        "body": body,
        "template_id": _coded(tpl, [t[0] for t in catalog.TEMPLATES]),
        "attachments": _coded(attach, attach_values),
    }, schema=schema)


def _cut_at_end(frames: dict[str, Frame], end: int) -> tuple[Frame, Frame, Frame, np.ndarray, np.ndarray]:
    """Messages, events and tickets before `end`; which conversations give a status snapshot instead of
    events (a few that finished before the end); and the assignee of each conversation at the end."""
    conv, msgs, events, tickets = (frames[k] for k in ("conversations", "messages", "events", "tickets"))
    late = np.zeros(len(conv), bool)
    late[msgs.cols["conv"][msgs.cols["sent"] >= end]] = True
    late[events.cols["conv"][events.cols["at"] >= end]] = True
    snapshot = conv.cols["snapshot"] & ~late
    msgs = msgs.take(np.nonzero(msgs.cols["sent"] < end)[0])
    events = events.take(np.nonzero(events.cols["at"] < end)[0])
    tickets = tickets.take(np.nonzero(tickets.cols["at"] < end)[0])
    assigned = np.nonzero(events.cols["kind"] == EVENT_KINDS.index("assigned"))[0]
    assignee = np.full(len(conv), -1)
    assignee[events.cols["conv"][assigned]] = events.cols["value"][assigned]   # sorted by time: last wins
    events = events.take(np.nonzero(~snapshot[events.cols["conv"]])[0])
    tickets = tickets.take(np.nonzero(~snapshot[tickets.cols["conv"]])[0])
    return msgs, events, tickets, snapshot, assignee


def _contacts_created(rng: np.random.Generator, clock: Clock, first_day: int, last_day: int, n: int,
                      conv_contact: np.ndarray, conv_created: np.ndarray) -> np.ndarray:
    """Local creation time of each contact: before their first conversation (a third of them just before,
    as new leads), or any time in the year before the period for contacts who never wrote."""
    never = np.iinfo(np.int64).max
    first_start = np.full(n, never)
    np.minimum.at(first_start, conv_contact, conv_created)
    silent = first_start == never
    lead = np.where(rng.random(n) < 0.35, rng.integers(30, 600, n), rng.exponential(200 * DAY, n).astype(np.int64))
    created = np.maximum(np.where(silent, 0, first_start - lead), clock.start_of(0) + DAY)
    span = (last_day - first_day + 366) * DAY
    return np.where(silent, clock.start_of(first_day - 365) + rng.integers(0, span, n), created)


def _chunk(rng: np.random.Generator, clock: Clock, first_day: int, last_day: int, first_contact: int,
           n: int, rate: float, offsets: dict[str, int], fmt: str) -> dict[str, pa.Table]:
    """All tables of one chunk of n contacts; offsets hold the ids used so far (updated)."""
    schemas = schemas_for(fmt)

    def stamp(local: np.ndarray) -> pa.Array:
        return timestamps(local, clock.to_utc(local), fmt)

    people = make_people(rng, first_contact, n)
    profile = allocate_profiles(rng, n)
    per_contact = _per_contact(rng, profile, rate)
    frames = build(rng, clock, first_day, last_day, profile, people.channel, people.has_phone,
                   people.has_email, per_contact)
    conv = frames["conversations"]
    n_conv = len(conv)
    msgs, events, tickets, snapshot, assignee = _cut_at_end(frames, clock.start_of(last_day + 1))
    conv_ids = ids("cv", offsets["conversations"], n_conv, 8)
    contact_ids = people.table.column("contact_id").combine_chunks()
    created = _contacts_created(rng, clock, first_day, last_day, n, conv.cols["contact"], conv.cols["created"])
    contacts = people.table.append_column("created_at", stamp(created))
    contacts = contacts.select(schemas["contacts"].names).cast(schemas["contacts"])

    agent_ids = [a[0] for a in catalog.AGENTS]
    ev = events.cols
    # Event values: an agent index, -1 for none, or -2 - (index of a status) for status_changed.
    value_codes = np.where(ev["value"] >= -1, ev["value"], len(agent_ids) - 2 - ev["value"])
    tables = {
        "contacts": contacts,
        "conversations": pa.table({
            "conversation_id": conv_ids,
            "contact_id": pc.take(contact_ids, pa.array(conv.cols["contact"])),
            "created_at": stamp(conv.cols["created"]),
            "assignee_id": _coded(assignee, agent_ids),
            "status": _coded(np.where(snapshot, conv.cols["status"], -1), STATUSES),
        }, schema=schemas["conversations"]),
        "messages": _messages_table(msgs, stamp, conv_ids, contact_ids, people, offsets["messages"],
                                    schemas["messages"]),
        "events": pa.table({
            "event_id": ids("ev", offsets["events"], len(events), 8),
            "conversation_id": pc.take(conv_ids, pa.array(ev["conv"])),
            "at": stamp(ev["at"]),
            "actor_id": _coded(ev["actor"], agent_ids),
            "kind": _coded(ev["kind"], EVENT_KINDS),
            "value": _coded(value_codes, agent_ids + list(STATUSES)),
        }, schema=schemas["events"]),
        "tickets": pa.table({
            "ticket_id": ids("tk", offsets["tickets"], len(tickets), 7),
            "conversation_id": pc.take(conv_ids, pa.array(tickets.cols["conv"])),
            "resolved_at": stamp(tickets.cols["at"]),
            "resolved_by": _coded(tickets.cols["resolver"], agent_ids),
            "type": _coded(tickets.cols["type"], catalog.TICKET_TYPES),
            "category": _coded(tickets.cols["category"], [c[0] for c in catalog.CATEGORIES]),
            "note": _coded(tickets.cols["note"], catalog.TICKET_NOTES),
        }, schema=schemas["tickets"]),
    }
    for name in ("conversations", "messages", "events", "tickets"):
        offsets[name] += tables[name].num_rows
    return tables


def _fixed_tables() -> dict[str, pa.Table]:
    """Agents, categories and templates: the same small tables in every export."""
    def email(name: str) -> str:
        first, *rest = catalog.ascii_fold(name).split()
        return f"{first}.{rest[-1]}@aurora.com.br"

    return {
        "agents": pa.table({
            "agent_id": [a[0] for a in catalog.AGENTS], "name": [a[1] for a in catalog.AGENTS],
            "email": [email(a[1]) for a in catalog.AGENTS], "role": [a[2] for a in catalog.AGENTS],
            "team": [a[3] for a in catalog.AGENTS]}, schema=SCHEMAS["agents"]),
        "categories": pa.table({
            "category_id": [c[0] for c in catalog.CATEGORIES], "name": [c[1] for c in catalog.CATEGORIES],
            "active": [c[2] for c in catalog.CATEGORIES]}, schema=SCHEMAS["categories"]),
        "templates": pa.table({
            "template_id": [t[0] for t in catalog.TEMPLATES], "name": [t[1] for t in catalog.TEMPLATES],
            "body": [t[2] for t in catalog.TEMPLATES], "channel": [t[3] for t in catalog.TEMPLATES],
            "attachments": [json.dumps(t[4], ensure_ascii=False) if t[4] else None for t in catalog.TEMPLATES]},
            schema=SCHEMAS["templates"]),
    }


def generate(out: Path, contacts: int = 2000, days: int = 90, seed: int = 7, fmt: str = "csv",
             end: dt.date | str | None = None, settings: Settings | None = None,
             messages: int | None = None, progress: bool = False) -> dict[str, int]:
    """Write a canonical export v1 folder at `out`; returns the number of rows of each table.

    `end` is the last day of data (default: yesterday in the account timezone); `messages` is the
    approximate total number of messages (default: contacts x days / 3, about 60k for the demo).
    """
    settings = settings or Settings()
    if contacts < 1 or days < 1:
        raise ValidationError("contacts and days must be at least 1")
    if messages is not None and messages < 1:
        raise ValidationError("messages must be at least 1")
    if fmt not in ("csv", "parquet"):
        raise ValidationError(f"format '{fmt}' is not csv or parquet")
    last = _end_date(end, settings)
    first = last - dt.timedelta(days=days - 1)
    clock = Clock(settings, first - dt.timedelta(days=HISTORY_DAYS), last + dt.timedelta(days=AFTER_DAYS))
    first_day, last_day = HISTORY_DAYS, HISTORY_DAYS + days - 1
    target = messages if messages is not None else contacts * days * MESSAGES_PER_CONTACT_DAY
    rate = _conversation_rate(contacts, target)
    offsets = dict.fromkeys(("conversations", "messages", "events", "tickets"), 0)
    chunks = range(0, contacts, CHUNK_CONTACTS)
    if progress:
        from tqdm import tqdm
        chunks = tqdm(chunks, desc="generating", unit="chunk", total=len(chunks))
    with TableWriters(Path(out), fmt) as writers:
        for table, data in _fixed_tables().items():
            writers.write(table, data)
        for number, first_contact in enumerate(chunks):
            rng = np.random.default_rng([seed, number])
            n = min(CHUNK_CONTACTS, contacts - first_contact)
            for table, data in _chunk(rng, clock, first_day, last_day, first_contact, n, rate, offsets, fmt).items():
                writers.write(table, data)
        return writers.counts()
