"""Derived tables of the store: rows computed from the canonical tables and kept up to date by every writer.

Each derived table has a module here holding THE SQL that computes it, the canonical tables it READS, the
MIGRATIONS after which it is rebuilt whole, and a refresh(con, conversations, since) that rebuilds the rows
of some conversations. Whoever writes canonical rows calls refresh() below for the conversations it changed,
inside its own transaction, naming the tables it changed: the import, ops (inbox actions, compose),
Store.from_frames, and Store.migrate when a migration creates a table. Nothing setting-dependent (timezone,
business hours) is stored unless the row says which setting it was computed with. These modules take a
DuckDB connection and import nothing of the package outside this folder.
"""
from __future__ import annotations

import datetime as dt
from typing import Iterable

import duckdb

from . import engagement, ledger
from . import status
from .ledger import LEDGER_COLUMNS, LEDGER_TABLE, ledger_sql, messages_sql
from .ledger import refresh as refresh_ledger

__all__ = ["LEDGER_COLUMNS", "LEDGER_TABLE", "ledger_sql", "messages_sql", "refresh_ledger", "refresh",
           "after_migration", "TABLES"]

# Every derived table's module, in refresh order (a later one may read an earlier one).
TABLES = (ledger, status, engagement)
CANONICAL = frozenset({"contacts", "conversations", "messages", "events", "tickets"})


def refresh(con: duckdb.DuckDBPyConnection, conversations: str | None = None, since: dt.datetime | None = None,
            changed: Iterable[str] = CANONICAL) -> dict[str, int]:
    """Rebuild, for the conversations listed in table `conversations` (all when None), every derived table that
    reads one of the `changed` tables; rows written per table.

    With `since`, every changed row is dated at or after since (a table may use it to rebuild less). Runs in the
    caller's transaction, after its writes and before COMMIT.
    """
    changed = set(changed)
    return {module.__name__.rsplit(".", 1)[-1]: module.refresh(con, conversations, since)
            for module in TABLES if module.READS & changed}


def after_migration(con: duckdb.DuckDBPyConnection, version: int) -> None:
    """Build every derived table that a just-applied migration created or redefined, whole."""
    for module in TABLES:
        if version in module.MIGRATIONS:
            module.refresh(con, None, None)
