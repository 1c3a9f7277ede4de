"""The conversations an import changes, whose derived rows (interaction ledger, conversation state) it rebuilds
before it commits."""
from __future__ import annotations

from typing import Iterable

import duckdb

from .. import derived
from .staging import stage_name
from .tables import TableSpec

TOUCHED = "_ingest_touched"  # temp table (conversation_id) of the conversations to rebuild
READ = frozenset().union(*(module.READS for module in derived.TABLES))  # the tables some derived table reads


def start(con: duckdb.DuckDBPyConnection) -> None:
    """An empty list of touched conversations."""
    con.execute(f"CREATE OR REPLACE TEMP TABLE {TOUCHED} (conversation_id VARCHAR)")


def reads_empty(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    """True when a derived table reads `table` and it has no rows yet (rows inserted there may change every
    derived row, so its readers are rebuilt whole)."""
    return table in READ and not con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def touch_changed(con: duckdb.DuckDBPyConnection, spec: TableSpec, changed: str) -> None:
    """Record the conversations of the staged rows whose keys table `changed` (column key) lists, before they
    are written: a new or changed row's conversation and, for a changed one, the conversation it was in
    (messages, events, tickets, conversations)."""
    if spec.name not in READ or spec.name == "contacts":
        return
    stage, key = stage_name(spec), spec.key
    con.execute(f"INSERT INTO {TOUCHED} SELECT s.conversation_id FROM {stage} s WHERE s._reject IS NULL "
                f"AND s.{key} IN (SELECT key FROM {changed}) UNION SELECT t.conversation_id "
                f"FROM {spec.name} t WHERE t.{key} IN (SELECT key FROM {changed})")


def refresh(con: duckdb.DuckDBPyConnection, whole: Iterable[str], changed: Iterable[str]) -> dict[str, int]:
    """Rebuild, for every conversation, the derived tables that read a table in `whole` (it was empty and got
    rows), then, for the touched conversations, those that read a `changed` table (one the import wrote) and
    were not rebuilt whole; rows written per derived table."""
    whole = set(whole)
    rows = derived.refresh(con, changed=whole) if whole else {}
    rest = {t for t in changed if any(t in m.READS and not m.READS & whole for m in derived.TABLES)}
    if rest and con.execute(f"SELECT count(*) FROM (SELECT 1 FROM {TOUCHED} LIMIT 1)").fetchall()[0][0]:
        rows |= derived.refresh(con, TOUCHED, changed=rest)
    con.execute(f"DROP TABLE {TOUCHED}")
    return rows
