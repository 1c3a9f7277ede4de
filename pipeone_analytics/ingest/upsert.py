"""Upsert of a deduplicated stage into its store table by hash join: insert new keys, update changed rows."""
from __future__ import annotations

import duckdb

from .touched import touch_changed
from .readers import q
from .staging import stage_name
from .tables import DEFAULTS, DERIVED, TableSpec


def staged(spec: TableSpec, column: str, alias: str) -> str:
    """A stage column as it is stored: its value, or its default (tables.DEFAULTS) when absent."""
    default = DEFAULTS.get((spec.name, column))
    value = f"{alias}.{q(column)}"
    if default is None:
        return value
    return f"coalesce({value}, {default.format(**{c.name: f'{alias}.{q(c.name)}' for c in spec.columns})})"


def columns(spec: TableSpec) -> list[str]:
    """Every column a new row of the table takes: the canonical ones, then the derived ones."""
    return [c.name for c in spec.columns] + list(DERIVED.get(spec.name, ()))


def compared(spec: TableSpec, present: list[str]) -> list[str]:
    """The columns an upsert compares and updates: those the export has, except the key."""
    return [c for c in columns(spec) if c in present and c != spec.key]


def row_key(spec: TableSpec, names: list[str], alias: str, stage_side: bool) -> str:
    """One 128-bit value per row: the key's hash, then the hash of the key and `names` (stage values with their
    defaults when stage_side). Equal for an unchanged row; a row with another key matches only if both collide."""
    key = f"{alias}.{q(spec.key)}"
    values = (staged(spec, c, alias) if stage_side else f"{alias}.{q(c)}" for c in names)
    return f"(hash({key})::UHUGEINT << 64 | hash({', '.join([key, *values])}))"


def insert_sql(spec: TableSpec, source: str, where: str) -> str:
    """INSERT of every column of the rows of `source` (aliased s) kept by `where`, defaults applied."""
    names = ", ".join(q(c) for c in columns(spec))
    values = ", ".join(staged(spec, c, "s") for c in columns(spec))
    return f"INSERT INTO {spec.name} ({names}) SELECT {values} FROM {source} s WHERE {where}"


def insert(con: duckdb.DuckDBPyConnection, spec: TableSpec, source: str, where: str,
           params: dict | None = None) -> int:
    """Run insert_sql in parallel (row order means nothing here); returns the rows inserted."""
    con.execute("SET preserve_insertion_order = false")
    n = con.execute(insert_sql(spec, source, where), params or {}).fetchall()[0][0]
    con.execute("RESET preserve_insertion_order")
    return n


def upsert(con: duckdb.DuckDBPyConnection, spec: TableSpec, present: list[str]) -> tuple[int, int, int]:
    """Write the stage's good rows into the table; (inserted, updated, unchanged).

    Only the `present` columns (those the export has) are compared and updated; a new row takes every column.
    The conversations whose derived rows change are recorded (touched.touch_changed) before anything is written.
    """
    stage, table, key = stage_name(spec), spec.name, q(spec.key)
    good = con.execute(f"SELECT count(*) FROM {stage} WHERE _reject IS NULL").fetchone()[0]
    existing = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    names = compared(spec, present)
    if existing == 0:
        inserted, updated = good, 0
    else:
        # New or changed rows, by an anti-join on one 128-bit value per row (small and fast); the string keys
        # are joined only for those rows.
        con.execute(f"CREATE OR REPLACE TEMP TABLE _ingest_changed AS SELECT x.{key} AS key FROM {stage} x "
                    f"WHERE _reject IS NULL AND {row_key(spec, names, 'x', True)} NOT IN "
                    f"(SELECT {row_key(spec, names, 'y', False)} FROM {table} y)")
        changed = con.execute("SELECT count(*) FROM _ingest_changed").fetchone()[0]
        inserted = 0
        if changed:
            inserted = con.execute(f"SELECT count(*) FROM _ingest_changed c WHERE NOT EXISTS "
                                   f"(SELECT 1 FROM {table} t WHERE t.{key} = c.key)").fetchone()[0]
            touch_changed(con, spec, "_ingest_changed")
        con.execute("DROP TABLE _ingest_changed")
        updated = changed - inserted
        if updated:
            sets = ", ".join(f"{q(c)} = {staged(spec, c, 's')}" for c in names)
            con.execute(f"UPDATE {table} SET {sets} FROM {stage} s WHERE s._reject IS NULL "
                        f"AND {table}.{key} = s.{key} AND {row_key(spec, names, table, False)} <> "
                        f"{row_key(spec, names, 's', True)}")
    if inserted:
        new = "" if existing == 0 else f"AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = s.{key})"
        insert(con, spec, stage, f"_reject IS NULL {new}")
    return inserted, updated, good - inserted - updated
