"""The only module that opens DuckDB: short-lived connections, lock retry, transactions, migrations."""
from __future__ import annotations

import contextlib
import random
import re
import threading
import time
from importlib import resources
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import duckdb
import pandas as pd

from . import derived
from .config import Settings, load_settings
from .errors import StoreError, StoreLocked

LOCK_MESSAGE = "Could not set lock"
CANONICAL_TABLES = ("contacts", "agents", "conversations", "messages", "events", "tickets",
                    "categories", "templates")


def migrations() -> list[tuple[int, str, str]]:
    """(version, name, sql) of every file in migrations/, in order."""
    found = []
    for entry in resources.files("pipeone_analytics.migrations").iterdir():
        match = re.fullmatch(r"(\d+)_(\w+)\.sql", entry.name)
        if match:
            found.append((int(match[1]), match[2], entry.read_text(encoding="utf-8")))
    return sorted(found)


class Store:
    """A DuckDB file (or an in-memory database) opened for one unit of work at a time."""

    def __init__(self, path: str | Path | None = None, settings: Settings | None = None) -> None:
        self.settings = settings or load_settings()
        self.path = None if path == ":memory:" else Path(path or self.settings.db_path)
        self._memory = duckdb.connect(":memory:") if self.path is None else None
        self._migrated = False
        self._lock = threading.Lock()
        if self._memory is not None:
            self._configure(self._memory)
            self.migrate()

    @classmethod
    def memory(cls, settings: Settings | None = None) -> "Store":
        """An in-memory store, migrated and empty; it lives as long as this object."""
        return cls(":memory:", settings)

    @classmethod
    def from_frames(cls, frames: Mapping[str, pd.DataFrame], settings: Settings | None = None) -> "Store":
        """An in-memory store holding canonical DataFrames (naive times are account-local)."""
        store = cls.memory(settings)
        with store.write() as con:
            for table, frame in frames.items():
                if table not in CANONICAL_TABLES:
                    raise StoreError(f"unknown table '{table}'; expected one of {', '.join(CANONICAL_TABLES)}")
                frame = frame.copy()
                if table == "messages" and "sender_type" not in frame:
                    frame["sender_type"] = None
                if table == "messages":
                    frame["sender_type"] = frame["sender_type"].where(
                        frame["sender_type"].notna(),
                        frame["direction"].map({"inbound": "contact", "outbound": "agent"}))
                if table == "contacts" and "phone" in frame and "phone_valid" not in frame:
                    from .phones import normalize_phones

                    checked = normalize_phones(frame["phone"], store.settings.phone_region)
                    frame["phone_e164"] = checked["phone_e164"].to_numpy()
                    frame["phone_valid"] = checked["phone_valid"].to_numpy()
                con.register("_frame", frame)
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
                con.unregister("_frame")
            derived.refresh(con, changed=set(frames))  # every derived table that reads a table given
        return store

    def _configure(self, con: duckdb.DuckDBPyConnection) -> None:
        con.execute("SET TimeZone = ?", [self.settings.timezone])

    def _connect(self, read_only: bool) -> duckdb.DuckDBPyConnection:
        assert self.path is not None
        if read_only and not self.path.exists():
            raise StoreError(f"no store at {self.path}: run `pipeone import` or `pipeone demo` first")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + self.settings.lock_deadline_seconds
        delay = 0.01
        while True:
            try:
                con = duckdb.connect(str(self.path), read_only=read_only,
                                     config={"memory_limit": self.settings.memory_limit})
                break
            except duckdb.IOException as exc:
                if LOCK_MESSAGE not in str(exc):
                    raise StoreError(f"cannot open store {self.path}: {str(exc).splitlines()[0]}") from None
                if time.monotonic() >= deadline:
                    holder = re.search(r"Conflicting lock is held in (.*?\(PID \d+\))", str(exc))
                    who = holder[1] if holder else "another process"
                    raise StoreLocked(
                        f"store {self.path} stayed locked by {who} for "
                        f"{self.settings.lock_deadline_seconds:g} s; close that process or try again") from None
                time.sleep(random.uniform(delay / 2, delay))
                delay = min(delay * 2, 0.25)
            except duckdb.Error as exc:
                raise StoreError(f"cannot open store {self.path}: {str(exc).splitlines()[0]}") from None
        self._configure(con)
        return con

    @contextlib.contextmanager
    def read(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-only connection for one unit of work, closed on exit."""
        if self._memory is not None:
            with self._lock:
                cursor = self._memory.cursor()
            try:
                self._configure(cursor)
                yield cursor
            finally:
                cursor.close()
            return
        con = self._connect(read_only=True)
        if not self._migrated:
            if self._pending(con):  # only then take the write lock; readers share the file otherwise
                con.close()
                self.migrate()
                con = self._connect(read_only=True)
            self._migrated = True
        try:
            yield con
        finally:
            con.close()

    @contextlib.contextmanager
    def write(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """A read-write connection inside one transaction: committed on success, rolled back on error."""
        if self._memory is not None:
            with self._lock:
                cursor = self._memory.cursor()
            con = cursor
        else:
            if not self._migrated:
                self.migrate()
            con = self._connect(read_only=False)
        try:
            self._configure(con)
            con.execute("BEGIN TRANSACTION")
            try:
                yield con
            except BaseException:
                con.execute("ROLLBACK")
                raise
            con.execute("COMMIT")
        finally:
            con.close()

    @staticmethod
    def _pending(con: duckdb.DuckDBPyConnection) -> list[int]:
        """Versions of migrations not yet applied to the database behind con."""
        exists = con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'schema_migrations'"
                             ).fetchone()[0]
        done = {r[0] for r in con.execute("SELECT version FROM schema_migrations").fetchall()} if exists else set()
        return [version for version, _, _ in migrations() if version not in done]

    def migrate(self) -> list[int]:
        """Apply pending migrations in order, each recorded in schema_migrations; returns versions applied."""
        con = self._memory.cursor() if self._memory is not None else self._connect(read_only=False)
        applied: list[int] = []
        try:
            con.execute("CREATE TABLE IF NOT EXISTS schema_migrations "
                        "(version INTEGER PRIMARY KEY, name VARCHAR, applied_at TIMESTAMPTZ)")
            pending = set(self._pending(con))
            for version, name, sql in migrations():
                if version not in pending:
                    continue
                con.execute("BEGIN TRANSACTION")
                try:
                    con.execute(sql)
                    derived.after_migration(con, version)
                    con.execute("INSERT INTO schema_migrations VALUES (?, ?, now())", [version, name])
                    con.execute("COMMIT")
                except duckdb.Error:
                    con.execute("ROLLBACK")
                    raise
                applied.append(version)
        finally:
            con.close()
        self._migrated = True
        return applied

    def df(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None,
           frames: Mapping[str, pd.DataFrame] | None = None) -> pd.DataFrame:
        """Run one read query with bound parameters (and optional registered DataFrames); return a DataFrame."""
        with self.read() as con:
            for name, frame in (frames or {}).items():
                con.register(name, frame)
            return con.execute(sql, params or []).df()

    def execute(self, sql: str, params: Sequence[Any] | Mapping[str, Any] | None = None) -> None:
        """Run one write statement with bound parameters in its own transaction."""
        with self.write() as con:
            con.execute(sql, params or [])

    def __repr__(self) -> str:
        return f"Store({str(self.path) if self.path else ':memory:'})"


def as_store(source: "Store | Mapping[str, pd.DataFrame]", settings: Settings | None = None) -> Store:
    """A Store as it is, or an in-memory Store built from canonical DataFrames."""
    if isinstance(source, Store):
        return source
    return Store.from_frames(source, settings)
