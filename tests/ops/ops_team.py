"""A small team and inbox for the ops tests, as an in-memory store or a store file."""
from __future__ import annotations

import json
from pathlib import Path

from pipeone_analytics import derived
from pipeone_analytics.ops.permissions import Actor, acting_user
from pipeone_analytics.store import Store
from scenario import Scenario

TABLES = ("events", "tickets", "audit_log", "outbox", "messages", "conversations", "contacts", "agents", "categories",
          "templates", "settings", "interaction_ledger")


def team() -> Scenario:
    """ana and bob are agents, mia a manager, root an admin, old a deactivated agent.

    c_ana is assigned to ana, c_bob to bob, c_free to nobody; each has one inbound WhatsApp message.
    k_sms last wrote by SMS; k_none never wrote (its conversation c_none has only an agent note).
    Category billing is active, legacy is deactivated.
    """
    sc = Scenario()
    sc.agent("ana", team="A", name="Ana Lima")
    sc.agent("bob", team="B", name="Bob Reis")
    sc.agent("mia", role="manager", name="Mia Costa")
    sc.agent("root", role="admin", name="Root Admin")
    sc.add("agents", agent_id="old", name="Old Timer", role="agent", team="A", active=False)
    sc.add("contacts", contact_id="k1", name="Joana Silva", phone="+55 11 98765-4321", email="joana@example.com",
           attributes=json.dumps({"plan": "gold", "city": "Recife"}))
    sc.add("contacts", contact_id="k_sms", name="Caio", phone="+5511912345678", email=None, attributes=None)
    sc.add("contacts", contact_id="k_none", name=None, phone=None, email=None, attributes=None)
    for conv, assignee in (("c_ana", "ana"), ("c_bob", "bob"), ("c_free", None)):
        sc.conversation(conv, "k1", created_at="2026-01-05 09:00", assignee_id=assignee)
        sc.inbound(conv, "2026-01-05 09:00", channel="whatsapp")
    sc.conversation("c_sms", "k_sms", created_at="2026-01-06 10:00", assignee_id="ana")
    sc.inbound("c_sms", "2026-01-06 10:00", channel="whatsapp")
    sc.inbound("c_sms", "2026-01-06 10:05", channel="sms")
    sc.outbound("c_sms", "2026-01-06 10:10", agent="ana", channel="whatsapp")
    sc.conversation("c_none", "k_none", created_at="2026-01-07 10:00", assignee_id="ana")
    sc.note("c_none", "2026-01-07 10:00", agent="ana")
    sc.category("billing", "Billing")
    sc.category("legacy", "Legacy", active=False)
    return sc


def to_file(source: Store, path: Path) -> Store:
    """A store file holding the same rows as an in-memory store."""
    store = Store(path, source.settings)
    with store.write() as con:
        for table in TABLES:
            frame = source.df(f"SELECT * FROM {table}")
            con.register("_rows", frame)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _rows")
            con.unregister("_rows")
        derived.refresh(con)  # rows written directly: their derived tables too (docs/DEVELOPING.md)
    return store


def counts(store: Store) -> dict[str, int]:
    """Row count of every table ops writes to."""
    row = store.df("SELECT " + ", ".join(f"(SELECT count(*) FROM {t}) AS {t}" for t in TABLES)).iloc[0]
    return {t: int(row[t]) for t in TABLES}


def as_user(store: Store, agent_id: str) -> Actor:
    """The actor for PIPEONE_USER=agent_id."""
    actor = acting_user(store, {"PIPEONE_USER": agent_id})
    assert actor is not None
    return actor

