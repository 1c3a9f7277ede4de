"""Every writer keeps the stored status fold equal to a fresh fold: the import (first, again, and one that changes a
message, an event, a ticket or a conversation), every inbox action, and random sequences of writes each followed
by the refresh of the conversations it touched (a hypothesis property test)."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeone_analytics import derived
from pipeone_analytics.ingest import import_path
from pipeone_analytics.ops import compose, conversations
from pipeone_analytics.store import Store
from scenario import Scenario
from tests.core.test_status_table import assert_reads_are_the_fold, assert_stored_is_fresh
from tests.ingest.canonical_fixtures import FULL, write
from tests.ops.ops_team import as_user, team

TZ = "America/Sao_Paulo"


def _state(store: Store, cid: str) -> tuple:
    row = store.df("SELECT status, assignee_id, cycle, last_ticket_type FROM conversation_state "
                   "WHERE conversation_id = ?", [cid]).iloc[0]
    return row["status"], row["assignee_id"], int(row["cycle"]), row["last_ticket_type"]


def test_import_reimport_and_changed_rows(store: Store, tmp_path: Path) -> None:
    import_path(store, write(tmp_path / "v1", FULL))
    assert_stored_is_fresh(store)
    # cv1: new at 23:30, in_progress at a1's answer 23:40; it has no status event (only `assigned`), so the
    # export's in_progress is a snapshot at the last activity (the 23:45 note), which changes nothing.
    # Assignee a1 (event e1), one cycle, the ticket t1 is a question.
    assert _state(store, "cv1") == ("in_progress", "a1", 1, "question")
    import_path(store, write(tmp_path / "v2", FULL))  # the same files again: nothing changes
    assert_stored_is_fresh(store)
    # one event changed (now a resolve), one ticket changed (type), one message moved to cv2, one conversation
    # changed (cv2 assigned to a2 by the export)
    changed = {**FULL,
               "events.csv": "event_id,conversation_id,at,actor_id,kind,value\ne1,cv1,2024-03-10 23:50,a2,resolved,\n",
               "tickets.csv": FULL["tickets.csv"].replace("question", "incident"),
               "messages.csv": FULL["messages.csv"].replace("m3,cv1,k1", "m3,cv2,k2"),
               "conversations.csv": FULL["conversations.csv"].replace("cv2,k2,2024-03-11 06:00,,",
                                                                      "cv2,k2,2024-03-11 06:00,a2,")}
    result = import_path(store, write(tmp_path / "v3", changed))
    assert {t: result.counts[t]["updated"] for t in ("events", "tickets", "messages", "conversations")} == \
        {"events": 1, "tickets": 1, "messages": 1, "conversations": 1}
    assert_stored_is_fresh(store)
    # cv1: new 23:30, in_progress 23:40, resolved by e1 at 23:50 (now a status event, so no snapshot); without
    # an assigned event its assignee is the export's a1; t1 is an incident now. cv2 is assigned to a2.
    assert _state(store, "cv1") == ("resolved", "a1", 1, "incident")
    assert _state(store, "cv2")[1] == "a2"
    # the same files plus one new event (into a table that has rows): cv2, new so far, is put on hold, which its
    # inbound message does not undo.
    more = {**changed, "events.csv": changed["events.csv"] + "e2,cv2,2024-03-11 10:00,a2,status_changed,on_hold\n"}
    import_path(store, write(tmp_path / "v4", more))
    assert_stored_is_fresh(store)
    assert _state(store, "cv2")[0] == "on_hold"


def test_every_inbox_action_refreshes_its_conversation() -> None:
    store = team().store(locale="en")
    assert_stored_is_fresh(store)
    ana, mia = as_user(store, "ana"), as_user(store, "mia")
    steps = [
        (lambda: conversations.take(store, ana, "c_free"), "c_free", ("new", "ana", 1, None)),
        (lambda: conversations.transfer(store, mia, "c_free", "bob"), "c_free", ("new", "bob", 1, None)),
        (lambda: conversations.set_status(store, ana, "c_ana", "on_hold"), "c_ana", ("on_hold", "ana", 1, None)),
        (lambda: conversations.resolve(store, ana, "c_ana", "incident", "billing", "done"), "c_ana",
         ("resolved", "ana", 1, "incident")),
        (lambda: conversations.reopen(store, ana, "c_ana"), "c_ana", ("new", "ana", 2, "incident")),
        (lambda: compose.compose(store, ana, "c_ana", body="oi"), "c_ana", ("in_progress", "ana", 2, "incident")),
        (lambda: conversations.set_status(store, mia, "c_bob", "in_progress"), "c_bob",
         ("in_progress", "bob", 1, None)),
    ]
    for act, cid, expected in steps:
        act()
        assert _state(store, cid) == expected
        assert_stored_is_fresh(store)
    assert_reads_are_the_fold(store, pd.Timestamp.now(tz=TZ))


# Random writes into three conversations (p and q have a conversations row, r has none), each followed by the
# refresh of the conversation it touched, as every writer does: the tables equal a fresh fold after each, and the
# readers equal the fold as of a time among the inputs.
WRITE = st.one_of(
    st.tuples(st.just("message"), st.sampled_from("pqr"), st.integers(0, 30),
              st.sampled_from(["contact", "agent", "automation", "note"])),
    st.tuples(st.just("event"), st.sampled_from("pqr"), st.integers(0, 30),
              st.sampled_from([("resolved", None), ("reopened", "new"), ("status_changed", "on_hold"),
                               ("status_changed", "in_progress"), ("assigned", "a2")])),
    st.tuples(st.just("ticket"), st.sampled_from("pqr"), st.integers(0, 30), st.sampled_from(["question", "task"])),
    st.tuples(st.just("conversation"), st.sampled_from("pq"), st.one_of(st.none(), st.integers(0, 40)),
              st.sampled_from([None, "resolved", "on_hold"])),
)
BASE = pd.Timestamp("2026-11-02 09:00", tz=TZ)


def _write(con, n: int, write: tuple) -> str:
    kind, cid, minute, what = write
    at = None if minute is None else BASE + pd.Timedelta(minutes=minute)
    if kind == "message":
        direction = "inbound" if what == "contact" else "outbound"
        con.execute("INSERT INTO messages (message_id, conversation_id, contact_id, channel, direction, sent_at, "
                    "sender_type, agent_id) VALUES (?, ?, 'k', ?, ?, ?, ?, 'a1')",
                    [f"m{n}", cid, ["sms", "email"][n % 2], direction, at, what])
    elif kind == "event":
        con.execute('INSERT INTO events (event_id, conversation_id, "at", actor_id, kind, value) '
                    "VALUES (?, ?, ?, 'a1', ?, ?)", [f"e{n}", cid, at, what[0], what[1]])
    elif kind == "ticket":
        con.execute("INSERT INTO tickets (ticket_id, conversation_id, resolved_at, resolved_by, type) "
                    "VALUES (?, ?, ?, 'a1', ?)", [f"t{n}", cid, at, what])
    else:  # the export's conversations row changes (created_at, status snapshot)
        con.execute("UPDATE conversations SET created_at = ?, status = ? WHERE conversation_id = ?", [at, what, cid])
    return cid


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(WRITE, min_size=1, max_size=4), min_size=1, max_size=4), st.integers(0, 35))
def test_random_writes_keep_the_tables_fresh(batches: list[list[tuple]], minute: int) -> None:
    s = Scenario()
    s.contact("k")
    s.conversation("p", "k")
    s.conversation("q", "k")
    store = s.store()
    n = 0
    for batch in batches:  # one writer's transaction each, refreshing the conversations it touched
        with store.write() as con:
            touched = []
            for write_ in batch:
                n += 1
                touched.append(_write(con, n, write_))
            con.execute("CREATE TEMP TABLE touched AS SELECT unnest(?::VARCHAR[]) AS conversation_id", [touched])
            derived.refresh(con, "touched", changed={"messages", "events", "tickets", "conversations"})
    assert_stored_is_fresh(store)
    assert_reads_are_the_fold(store, BASE + pd.Timedelta(minutes=minute))
