"""Property: after any sequence of writes that refresh what they touched, the engagement tables equal a fresh
computation and ratings() equals counting every contact from the messages and the ledger."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeone_analytics import derived
from pipeone_analytics.core import ratings as R
from pipeone_analytics.store import Store
from tests.core.test_ratings_property import ZONES
from tests.core.test_ratings_table import assert_tables_fresh, counted
from tests.scenario import Scenario

SENDERS = {"contact": "inbound", "agent": "outbound", "automation": "outbound", "note": "outbound"}
CONVERSATIONS = ["v0", "v1", "v2"]
CONTACTS = ["c0", "c1", "c2"]
PHONES = ["+55 11 91234-5678", "123", None]

minutes = st.integers(0, 600)
someone = st.sampled_from([*CONTACTS, None])  # None: the message takes its conversation's contact
writes = st.lists(st.one_of(
    st.tuples(st.just("insert"), st.sampled_from(CONVERSATIONS), minutes, st.sampled_from(sorted(SENDERS)), someone,
              st.sampled_from(["whatsapp", "sms"]), st.booleans()),
    st.tuples(st.just("contact"), st.integers(0, 50), someone),
    st.tuples(st.just("conversation"), st.integers(0, 50), st.sampled_from(CONVERSATIONS)),
    st.tuples(st.just("retime"), st.integers(0, 50), minutes),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("reassign"), st.sampled_from(CONVERSATIONS), st.sampled_from(CONTACTS)),
), min_size=1, max_size=8)


def _write(store: Store, write: tuple, number: int, base: pd.Timestamp) -> None:
    """Apply one write in its own transaction and refresh what it touched, as every writer does."""
    kind, since = write[0], None
    with store.write() as con:
        ids = [r[0] for r in con.execute("SELECT message_id FROM messages ORDER BY message_id").fetchall()]
        picked = ids[write[1] % len(ids)] if ids and kind in ("contact", "conversation", "retime", "delete") else None
        if kind != "insert" and kind != "reassign" and picked is None:
            return
        touched = [r[0] for r in con.execute("SELECT conversation_id FROM messages WHERE message_id = ?",
                                             [picked]).fetchall()]
        if kind == "insert":
            _, conversation, minute, sender, contact, channel, since_it = write
            at = base + pd.Timedelta(minutes=minute)
            con.execute("INSERT INTO messages (message_id, conversation_id, contact_id, channel, direction, sent_at, "
                        "sender_type) VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [f"m{number:03d}", conversation, contact, channel, SENDERS[sender], at, sender])
            touched, since = [conversation], (at if since_it else None)  # an insert: every change is at `at`
        elif kind == "contact":
            con.execute("UPDATE messages SET contact_id = ? WHERE message_id = ?", [write[2], picked])
        elif kind == "conversation":
            con.execute("UPDATE messages SET conversation_id = ? WHERE message_id = ?", [write[2], picked])
            touched.append(write[2])
        elif kind == "retime":
            con.execute("UPDATE messages SET sent_at = ? WHERE message_id = ?",
                        [base + pd.Timedelta(minutes=write[2]), picked])
        elif kind == "delete":
            con.execute("DELETE FROM messages WHERE message_id = ?", [picked])
        else:
            con.execute("UPDATE conversations SET contact_id = ? WHERE conversation_id = ?", [write[2], write[1]])
            touched = [write[1]]
        con.execute("CREATE OR REPLACE TEMP TABLE touched (conversation_id VARCHAR)")
        con.executemany("INSERT INTO touched VALUES (?)", [[c] for c in touched])
        derived.refresh(con, "touched", since=since,
                        changed={"conversations"} if kind == "reassign" else {"messages"})
        con.execute("DROP TABLE touched")


cases = dict(phones=st.lists(st.sampled_from(PHONES), min_size=3, max_size=3),
             owners=st.lists(st.sampled_from(CONTACTS), min_size=3, max_size=3), writes=writes, cut=minutes,
             zone=st.sampled_from(ZONES))


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**cases)
def test_random_writes_keep_the_tables_fresh(phones: list, owners: list, writes: list, cut: int, zone: tuple) -> None:
    check(phones, owners, writes, cut, zone)


@pytest.mark.slow
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**cases)
def test_random_writes_keep_the_tables_fresh_many(phones: list, owners: list, writes: list, cut: int,
                                                  zone: tuple) -> None:
    check(phones, owners, writes, cut, zone)


def check(phones: list, owners: list, writes: list, cut: int, zone: tuple) -> None:
    """Apply the writes to three contacts' conversations, checking the tables after each, then rate at two times.

    Minutes count from zone's start, so they cross local midnights and, in two of the zones, a DST change."""
    timezone, start = zone
    base = pd.Timestamp(start).tz_localize(timezone)
    scn = Scenario(timezone=timezone)
    for contact, phone in zip(CONTACTS, phones):
        scn.contact(contact, phone)
    for conversation, owner in zip(CONVERSATIONS, owners):
        scn.conversation(conversation, owner)
    store = scn.store()
    for number, write in enumerate(writes):
        _write(store, write, number, base)
        assert_tables_fresh(store)
        pd.testing.assert_frame_equal(store.df("SELECT * FROM interaction_ledger ORDER BY to_message_id"),
                                      store.df(f"SELECT * FROM ({derived.ledger_sql()}) ORDER BY to_message_id"))
    copy = counted(store)
    for as_of in (None, base + pd.Timedelta(minutes=cut)):
        pd.testing.assert_frame_equal(R.ratings(store, as_of=as_of), R.ratings(copy, as_of=as_of))
