"""The persisted interaction ledger (derived.interaction_ledger) always equals a fresh computation of it.

Every writer of messages refreshes the conversations it touched; these tests check the table against
derived.ledger_sql() run over the messages as they are, and hand-worked rows for the turns.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeone_analytics import derived
from pipeone_analytics.config import Settings
from pipeone_analytics.store import Store
from tests.scenario import Scenario

ORDER = ["conversation_id", "to_at", "to_message_id"]
SHOWN = ["conversation_id", "direction", "from_message_id", "to_message_id", "seconds", "agent_id"]


def table(store: Store) -> pd.DataFrame:
    """The stored ledger, in a stable order."""
    return store.df(f"SELECT * FROM interaction_ledger ORDER BY {', '.join(ORDER)}")


def fresh(store: Store) -> pd.DataFrame:
    """The ledger computed now from the messages, in the same order."""
    return store.df(f"SELECT * FROM ({derived.ledger_sql()}) ORDER BY {', '.join(ORDER)}")


def assert_fresh(store: Store) -> pd.DataFrame:
    stored = table(store)
    pd.testing.assert_frame_equal(stored, fresh(store))
    return stored


def _two_conversations() -> tuple[Scenario, dict[str, str]]:
    scn = Scenario()
    scn.contact("c")
    scn.contact("d")
    scn.conversation("v", "c")
    scn.conversation("w", "d")
    ids = {
        "in1": scn.inbound("v", "2026-11-02 10:00", message_id="in1"),
        "in2": scn.inbound("v", "2026-11-02 10:03", message_id="in2"),
        "auto": scn.automation("v", "2026-11-02 10:04", message_id="auto"),
        "note": scn.note("v", "2026-11-02 10:05", agent="ann", message_id="note"),
        "out1": scn.outbound("v", "2026-11-02 10:20", agent="bob", message_id="out1"),
        "out2": scn.outbound("v", "2026-11-02 10:30", agent="ann", message_id="out2"),
        "in3": scn.inbound("v", "2026-11-02 11:00", message_id="in3"),
        "w_in": scn.inbound("w", "2026-11-02 09:00", message_id="w_in"),
        "w_out": scn.outbound("w", "2026-11-02 09:10", agent="ann", message_id="w_out"),
    }
    return scn, ids


def _insert(store: Store, rows: list[dict], refresh: list[str] | None) -> int:
    """Insert messages as a writer would, then refresh the listed conversations (all when None)."""
    with store.write() as con:
        if rows:
            con.register("_new", pd.DataFrame(rows))
            con.execute("INSERT INTO messages BY NAME SELECT * FROM _new")
            con.unregister("_new")
        if refresh is None:
            return derived.refresh_ledger(con)
        con.execute("CREATE TEMP TABLE touched (conversation_id VARCHAR)")
        con.executemany("INSERT INTO touched VALUES (?)", [[c] for c in refresh])
        written = derived.refresh_ledger(con, "touched")
        con.execute("DROP TABLE touched")
        return written


def _message(mid: str, conv: str, when: str, direction: str, sender: str, agent: str | None = None) -> dict:
    return {"message_id": mid, "conversation_id": conv, "contact_id": None, "channel": "sms",
            "direction": direction, "sent_at": pd.Timestamp(when, tz="America/Sao_Paulo"), "sender_type": sender,
            "agent_id": agent}


def test_from_frames_builds_the_table():
    scn, _ = _two_conversations()
    rows = assert_fresh(scn.store())
    # v: turns [in1 in2] [out1 out2] [in3] (automation and note ignored); w: [w_in] [w_out]
    # in1 10:00 -> out1 10:20 = 1200 s credited to bob; out1 10:20 -> in3 11:00 = 2400 s credited to bob
    # w_in 09:00 -> w_out 09:10 = 600 s credited to ann
    assert rows[SHOWN].values.tolist() == [
        ["v", "agent_reply", "in1", "out1", 1200.0, "bob"],
        ["v", "contact_reply", "out1", "in3", 2400.0, "bob"],
        ["w", "agent_reply", "w_in", "w_out", 600.0, "ann"],
    ]
    assert rows["contact_id"].tolist() == ["c", "c", "d"]


def test_a_message_inserted_mid_conversation_changes_the_turns_after_it():
    scn, _ = _two_conversations()
    store = scn.store()
    before_w = table(store).query("conversation_id == 'w'").reset_index(drop=True)
    # an inbound at 10:25 splits the agent turn: [in1 in2] [out1] [mid] [out2] [in3]
    written = _insert(store, [_message("mid", "v", "2026-11-02 10:25", "inbound", "contact")], ["v"])
    rows = assert_fresh(store)
    # in1 10:00 -> out1 10:20 = 1200 s (bob); out1 10:20 -> mid 10:25 = 300 s (contact reply to bob's turn);
    # mid 10:25 -> out2 10:30 = 300 s (ann); out2 10:30 -> in3 11:00 = 1800 s (contact reply to ann's turn)
    assert rows[SHOWN].values.tolist() == [
        ["v", "agent_reply", "in1", "out1", 1200.0, "bob"],
        ["v", "contact_reply", "out1", "mid", 300.0, "bob"],
        ["v", "agent_reply", "mid", "out2", 300.0, "ann"],
        ["v", "contact_reply", "out2", "in3", 1800.0, "ann"],
        ["w", "agent_reply", "w_in", "w_out", 600.0, "ann"],
    ]
    assert written == 4  # only v's rows were rewritten
    # the message's contact_id was NULL: the ledger takes the conversation's contact
    assert rows.loc[rows["to_message_id"] == "mid", "contact_id"].tolist() == ["c"]
    pd.testing.assert_frame_equal(rows.query("conversation_id == 'w'").reset_index(drop=True), before_w)


def test_refresh_touches_only_the_listed_conversations():
    scn, _ = _two_conversations()
    store = scn.store()
    # a reply in w that is not refreshed stays out of the table: the table is only as fresh as its writers
    _insert(store, [_message("w_in2", "w", "2026-11-02 09:20", "inbound", "contact")], ["v"])
    assert "w_in2" not in table(store)["to_message_id"].tolist()
    assert len(fresh(store)) == len(table(store)) + 1
    _insert(store, [], ["w", "w"])  # duplicates in the list are fine
    assert_fresh(store)


def test_a_notes_and_automation_only_insert_changes_nothing():
    scn, _ = _two_conversations()
    store = scn.store()
    before = table(store)
    _insert(store, [_message("n2", "v", "2026-11-02 10:25", "outbound", "note", "ann"),
                    _message("a2", "v", "2026-11-02 10:26", "outbound", "automation")], ["v"])
    pd.testing.assert_frame_equal(assert_fresh(store), before)


def test_migrate_builds_the_ledger_of_an_existing_store(tmp_path: Path):
    scn, _ = _two_conversations()
    path = tmp_path / "old.duckdb"
    store = Store(path, Settings(db_path=path))
    with store.write() as con:  # a store as migration 001 left it, holding messages
        for name, frame in scn.frames().items():
            con.register("_frame", frame)
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _frame")
            con.unregister("_frame")
        con.execute("DROP TABLE interaction_ledger")
        con.execute("DELETE FROM schema_migrations WHERE version = 2")
    assert Store(path, Settings(db_path=path)).migrate() == [2]
    assert len(assert_fresh(store)) == 3


def test_refresh_rejects_a_table_name_that_is_not_an_identifier():
    import pytest

    with Store.memory().write() as con, pytest.raises(ValueError, match="not a plain table name"):
        derived.refresh_ledger(con, "touched; DROP TABLE messages")


# Random batches of messages into three conversations, each batch refreshed for the conversations it
# touched only: the table must equal a full rebuild after every batch.
MESSAGE = st.tuples(st.sampled_from(["p", "q", "r"]), st.integers(0, 40),
                    st.sampled_from(["contact", "agent", "automation", "note"]), st.sampled_from(["a1", "a2"]))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(MESSAGE, min_size=1, max_size=6), min_size=1, max_size=4))
def test_incremental_refresh_equals_a_full_rebuild(batches: list[list[tuple[str, int, str, str]]]):
    scn = Scenario()
    scn.contact("k")
    for conv in ("p", "q", "r"):
        scn.conversation(conv, "k")
    store = scn.store()
    n = 0
    for batch in batches:
        rows = []
        for conv, minute, sender, agent in batch:
            n += 1
            direction = "inbound" if sender == "contact" else "outbound"
            # equal times happen (minute collisions): message_id breaks the tie
            rows.append(_message(f"m{n:03d}", conv, f"2026-11-02 10:{minute:02d}", direction, sender,
                                 agent if direction == "outbound" else None))
        _insert(store, rows, sorted({r["conversation_id"] for r in rows}))
        incremental = table(store)
        with store.write() as con:
            derived.refresh_ledger(con)
        pd.testing.assert_frame_equal(incremental, table(store))


def test_refresh_since_rebuilds_only_the_rows_from_then_on():
    scn, _ = _two_conversations()
    store = scn.store()
    # a contact message at 11:10 adds nothing (same turn as in3 11:00); an agent reply at 11:15 answers in3:
    # in3 11:00 -> late 11:15 = 900 s credited to ann
    _insert(store, [_message("more", "v", "2026-11-02 11:10", "inbound", "contact"),
                    _message("late", "v", "2026-11-02 11:15", "outbound", "agent", "ann")], None)
    with store.write() as con:
        con.execute("DELETE FROM interaction_ledger WHERE to_message_id = 'late'")  # as before the reply
        con.execute("CREATE TEMP TABLE touched AS SELECT 'v' AS conversation_id")
        since = pd.Timestamp("2026-11-02 11:10", tz="America/Sao_Paulo")
        assert derived.refresh_ledger(con, "touched", since=since) == 1  # only the 11:15 row is rewritten
    rows = assert_fresh(store)
    assert rows[SHOWN].values.tolist()[-2] == ["v", "agent_reply", "in3", "late", 900.0, "ann"]
