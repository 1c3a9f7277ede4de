"""The conversations an import changes, whose interaction ledger rows it rebuilds before it commits."""
from __future__ import annotations

import duckdb

from .. import derived
from .staging import stage_name
from .tables import TableSpec

TOUCHED = "_ingest_touched"  # temp table (conversation_id) of the conversations to rebuild
LEDGER_TABLES = ("conversations", "messages")  # what the ledger reads: every message, a conversation's contact


def start(con: duckdb.DuckDBPyConnection) -> None:
    """An empty list of touched conversations."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {TOUCHED} (conversation_id VARCHAR)")


def reads_empty(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when the ledger reads `table` and it has no rows yet (rows inserted there change every ledger row)."""
    return table in LEDGER_TABLES and not con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def touch_changed(con: duckdb.DuckDBPyConnection, spec: TableSpec, changed: str) -> None:
    """Record the conversations of the staged rows whose keys table `changed` (column key) lists, before they
    are written: a new or changed message's conversation and, for a changed one, the conversation it was in;
    a new conversation, or one whose contact_id changes."""
    stage = stage_name(spec)
    if spec.name == "messages":
        con.execute(f"INSERT INTO {TOUCHED} SELECT s.conversation_id FROM {stage} s WHERE s._reject IS NULL "
                    f"AND s.message_id IN (SELECT key FROM {changed}) UNION SELECT t.conversation_id "
                    f"FROM messages t WHERE t.message_id IN (SELECT key FROM {changed})")
    elif spec.name == "conversations":
        con.execute(f"INSERT INTO {TOUCHED} SELECT s.conversation_id FROM {stage} s WHERE s._reject IS NULL "
                    f"AND s.conversation_id IN (SELECT key FROM {changed}) AND NOT EXISTS (SELECT 1 FROM "
                    f"conversations t WHERE t.conversation_id = s.conversation_id AND t.contact_id = s.contact_id)")


def refresh(con: duckdb.DuckDBPyConnection, everything: bool) -> int:
    """Rebuild the ledger rows of every conversation (a table that was empty got rows), else of the touched
    ones; nothing when none was touched. Returns the rows written."""
    rows = 0
    if everything:
        rows = sum(derived.refresh(con, changed=LEDGER_TABLES).values())
    elif con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {TOUCHED} LIMIT 1)").fetchall()[0][0]:
        rows = sum(derived.refresh(con, TOUCHED, changed=LEDGER_TABLES).values())
    con.execute(f"DROP TABLE {TOUCHED}")
    return rows
