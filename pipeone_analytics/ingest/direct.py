"""A clean part straight from its typed select, with no stage: one INSERT into an empty table, or no write
at all when every row is already stored as it is. Any reject, duplicate or change returns None instead, and
the importer stages the part (the table is left as it was)."""
from __future__ import annotations

from typing import Any, Callable

import duckdb

from .readers import Relation, q
from .tables import VOCABULARIES, TableSpec
from .upsert import compared, insert, row_key


def clean(spec: TableSpec, extra: str) -> tuple[str, dict[str, Any]]:
    """SQL true for a row of staging.checked_select that is ok, has canonical vocabulary words (staging would
    normalize others) and meets `extra`; its parameters."""
    conds, params = ["_ok", extra], {}
    for i, col in enumerate(spec.columns):
        if col.kind in VOCABULARIES:
            params[f"_words{i}"] = list(dict.fromkeys(VOCABULARIES[col.kind].values()))
            conds.append(f"({q(col.name)} IS NULL OR list_contains($_words{i}, {q(col.name)}))")
    return " AND ".join(conds), params


def _reader_rejected(con: duckdb.DuckDBPyConnection, rel: Relation) -> int:
    """Lines the reader rejected during the reads so far; its tables are dropped, so that staging reads anew."""
    if rel.rejects is None:
        return 0
    n = con.execute(f"SELECT count(*) FROM {rel.rejects}").fetchall()[0][0]
    con.execute(f"DROP TABLE {rel.rejects}")
    con.execute(f"DROP TABLE IF EXISTS {rel.rejects.replace('rejects', 'scan')}")
    return n


def insert_fresh(con: duckdb.DuckDBPyConnection, spec: TableSpec, rel: Relation, sql: str,
                 params: dict[str, Any], extra: str, most: Callable[[], int | None]) -> int | None:
    """Insert every row of a part into its empty table; None (and the table emptied again) when a row is not
    clean or a key repeats. Returns the rows inserted. `most()` bounds the part's rows, when known: rows
    inserted up to that bound were all the rows, and the part is not read again to count them."""
    where, words = clean(spec, extra)
    # Pushed below the typed projection, the filter would compute every trim and cast again (measured: 20%
    # more CPU for the whole INSERT); above it, it reads the typed values. (No `finally`: after an error the
    # transaction only takes ROLLBACK.)
    con.execute("SET disabled_optimizers = 'filter_pushdown'")
    inserted = insert(con, spec, f"({sql})", where, {**params, **words})
    con.execute("RESET disabled_optimizers")
    read = inserted
    if inserted != most():  # count the part's rows: read it again
        read = con.execute(f"SELECT count(*) FROM ({rel.sql})", rel.params).fetchall()[0][0]
    keys = con.execute(f"SELECT count(DISTINCT hash({q(spec.key)})) FROM {spec.name}").fetchall()[0][0]
    if _reader_rejected(con, rel) or read != inserted or keys != inserted:  # equal hashes: maybe one key
        con.execute(f"DELETE FROM {spec.name}")
        return None
    return inserted


def all_unchanged(con: duckdb.DuckDBPyConnection, spec: TableSpec, rel: Relation, sql: str,
                  params: dict[str, Any], extra: str, present: list[str]) -> int | None:
    """The rows of a part when every one is clean, its key unique in the part, and already stored with the
    same values (by row_key); else None. Reads the part once and writes nothing."""
    where, words = clean(spec, extra)
    names = compared(spec, present)
    n, good, keys, same = con.execute(
        f"SELECT count(*), count(*) FILTER (WHERE {where}), count(DISTINCT hash(x.{q(spec.key)})), "
        f"count(*) FILTER (WHERE {row_key(spec, names, 'x', True)} IN "
        f"(SELECT {row_key(spec, names, 'y', False)} FROM {spec.name} y)) FROM ({sql}) x",
        {**params, **words}).fetchall()[0]
    if _reader_rejected(con, rel) or not n == good == keys == same:
        return None
    return n
