"""Upsert of a deduplicated stage into its store table by hash join: insert new keys, update changed rows."""
from __future__ import annotations

import duckdb

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


def upsert(con: duckdb.DuckDBPyConnection, spec: TableSpec, present: list[str]) -> tuple[int, int, int]:
    """Write the stage's good rows into the table; (inserted, updated, unchanged).

    Only the `present` columns (those the export has) are compared and updated; a new row takes every column.
    """
    stage, table, key = stage_name(spec), spec.name, q(spec.key)
    good = con.execute(f"SELECT count(*) FROM {stage} WHERE _reject IS NULL").fetchone()[0]
    existing = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    columns = [c.name for c in spec.columns] + list(DERIVED.get(table, ()))
    names = ", ".join(q(c) for c in columns)
    compared = [c for c in columns if c in present and c != spec.key]
    if existing == 0:
        inserted, updated = good, 0
    elif not compared:
        inserted = con.execute(f"SELECT count(*) FROM {stage} s WHERE _reject IS NULL AND NOT EXISTS "
                               f"(SELECT 1 FROM {table} t WHERE t.{key} = s.{key})").fetchone()[0]
        updated = 0
    else:
        def row_hash(alias: str, stage_side: bool) -> str:
            values = (staged(spec, c, alias) if stage_side else f"{alias}.{q(c)}" for c in compared)
            return f"hash({alias}.{key}, {', '.join(values)})"

        # Unchanged rows first, by a semi-join on one 64-bit hash of the whole row (small and fast); the
        # string keys are joined only when some rows are new or changed.
        unchanged = con.execute(
            f"SELECT count(*) FROM {stage} x WHERE _reject IS NULL AND {row_hash('x', True)} IN "
            f"(SELECT {row_hash('y', False)} FROM {table} y)").fetchone()[0]
        inserted = 0
        if unchanged < good:
            inserted = con.execute(f"SELECT count(*) FROM {stage} s WHERE _reject IS NULL AND NOT EXISTS "
                                   f"(SELECT 1 FROM {table} t WHERE t.{key} = s.{key})").fetchone()[0]
        updated = good - unchanged - inserted
        if updated:
            sets = ", ".join(f"{q(c)} = {staged(spec, c, 's')}" for c in compared)
            con.execute(f"UPDATE {table} SET {sets} FROM {stage} s WHERE s._reject IS NULL "
                        f"AND {table}.{key} = s.{key} AND {row_hash(table, False)} <> {row_hash('s', True)}")
    if inserted:
        new = "" if existing == 0 else f"AND NOT EXISTS (SELECT 1 FROM {table} t WHERE t.{key} = s.{key})"
        values = ", ".join(staged(spec, c, "s") for c in columns)
        con.execute("SET preserve_insertion_order = false")  # row order means nothing here: insert in parallel
        con.execute(f"INSERT INTO {table} ({names}) SELECT {values} FROM {stage} s WHERE _reject IS NULL {new}")
        con.execute("RESET preserve_insertion_order")
    return inserted, updated, good - inserted - updated
