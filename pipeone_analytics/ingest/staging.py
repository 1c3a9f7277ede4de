"""Staging: one table per canonical table with typed values, and a reject reason for every bad row."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
import pandas as pd

from ..phones import normalize_phones
from .readers import Relation, q
from .tables import CHANNELS, DERIVED, SEPARATORS, VOCABULARIES, ColumnMap, TableSpec

# _reject is NULL for a good row, else {"reason", "column", "raw"} as JSON text: one column, not three, keeps
# the stage (held in memory) small.
META = "_part INTEGER, _n BIGINT, _file VARCHAR, _line BIGINT, _reject VARCHAR"
NORM = "regexp_replace(lower({}), $separators, '', 'g')"  # the SQL twin of tables.norm_key


def stage_name(spec: TableSpec) -> str:
    return f"_ingest_stage_{spec.name}"


def create_vocabulary(con: duckdb.DuckDBPyConnection) -> None:
    """The temp table _ingest_vocab(kind, key, value) of accepted spellings."""
    rows = [(kind, key, value) for kind, words in VOCABULARIES.items() for key, value in words.items()]
    frame = pd.DataFrame(rows, columns=["kind", "key", "value"])
    con.register("_ingest_vocab_frame", frame)
    con.execute("CREATE OR REPLACE TEMP TABLE _ingest_vocab AS SELECT * FROM _ingest_vocab_frame")
    con.unregister("_ingest_vocab_frame")


def create_stage(con: duckdb.DuckDBPyConnection, spec: TableSpec, temporary: bool = True) -> None:
    """An empty stage table (in memory, or compressed in the store file): the canonical columns typed,
    derived columns, and the META columns."""
    cols = [f"{q(c.name)} {c.sql_type}" for c in spec.columns]
    cols += [f"{q(d)} {'BOOLEAN' if d.endswith('valid') else 'VARCHAR'}" for d in DERIVED.get(spec.name, ())]
    kind = "TEMP TABLE" if temporary else "TABLE"
    con.execute(f"CREATE OR REPLACE {kind} {stage_name(spec)} ({', '.join(cols)}, {META})")


def _expected(kind: str) -> str:
    values = CHANNELS if kind == "channel" else tuple(dict.fromkeys(VOCABULARIES[kind].values()))
    return ", ".join(values)


@dataclass
class Typed:
    """The pieces of a part's typed select: raw and typed column expressions, reject checks, ok terms."""

    raws: list[str] = field(default_factory=list)
    typed: list[str] = field(default_factory=list)
    checks: list[tuple[str, str, str]] = field(default_factory=list)  # (bad when, reason, column)
    oks: list[str] = field(default_factory=list)  # all true exactly when no check is
    params: dict[str, Any] = field(default_factory=dict)

    def levels(self, rel: Relation) -> str:
        """SELECT of the source columns, then the raw text (_r0...) and the typed values (_t0...)."""
        level1 = f"SELECT r.*, {', '.join(self.raws)} FROM ({rel.sql}) r"
        return f"SELECT l1.*, {', '.join(self.typed)} FROM ({level1}) l1"


def _typed(spec: TableSpec, cmap: ColumnMap, rel: Relation) -> Typed:
    """Raw and typed expressions of every canonical column, with the checks that reject a row."""
    out = Typed(params=dict(rel.params))
    for i, col in enumerate(spec.columns):
        r = f"_r{i}"
        if col.name in cmap.columns:
            out.raws.append(f"r.{q(cmap.columns[col.name])} AS {r}")
        elif col.name in cmap.flags:
            source, (yes, no) = cmap.flags[col.name]
            out.raws.append(f"CASE TRY_CAST(trim(r.{q(source)}) AS BOOLEAN) WHEN TRUE THEN '{yes}' "
                            f"WHEN FALSE THEN '{no}' ELSE r.{q(source)} END AS {r}")
        else:
            out.raws.append(f"NULL::VARCHAR AS {r}")
        bad = None
        if col.kind == "timestamp":
            value = f"TRY_CAST(trim({r}) AS TIMESTAMPTZ)"
            bad = f"'{col.name}: cannot read ' || to_json({r}) || ' as a timestamp'"
        elif col.kind == "bool":
            value = f"TRY_CAST(trim({r}) AS BOOLEAN)"
            bad = f"'{col.name}: cannot read ' || to_json({r}) || ' as true or false'"
        elif col.kind == "json":
            value = f"CASE WHEN json_valid({r}) THEN {r}::JSON ELSE to_json({r}) END"
        elif col.required or col.kind in VOCABULARIES:  # vocabulary words are normalized after staging
            value = f"nullif(trim({r}), '')"
        else:
            value = r
        if col.name == "attributes" and spec.keep_extras and cmap.extras:
            out.params["akeys"] = list(cmap.extras)
            extras = ", ".join(f"r.{q(n)}" for n in cmap.extras)
            out.raws.append(f"json_merge_patch('{{}}', to_json(map($akeys, [{extras}]))) AS _extras")
            value = f"nullif(json_merge_patch(coalesce({value}, '{{}}'), _extras)::VARCHAR, '{{}}')::JSON"
        out.typed.append(f"{value} AS _t{i}")
        if col.required:
            out.checks.append((f"_t{i} IS NULL AND nullif(trim(_r{i}), '') IS NULL", f"'missing {col.name}'",
                               col.name))
        if bad:
            out.checks.append((f"_t{i} IS NULL AND nullif(trim(_r{i}), '') IS NOT NULL", bad, col.name))
        if col.required:
            out.oks.append(f"_t{i} IS NOT NULL")
        elif bad:
            out.oks.append(f"(_t{i} IS NOT NULL OR nullif(trim(_r{i}), '') IS NULL)")
    return out


def _outs(spec: TableSpec) -> str:
    return ", ".join(f"_t{i} AS {q(c.name)}" for i, c in enumerate(spec.columns))


def typed_select(spec: TableSpec, cmap: ColumnMap, rel: Relation, part_idx: int) -> tuple[str, dict[str, Any]]:
    """SELECT typed canonical columns and `_reject` (the first bad value's reason and column, the raw row)."""
    t = _typed(spec, cmap, rel)
    reason = " ".join(f"WHEN {cond} THEN {msg}" for cond, msg, _ in t.checks)
    column = " ".join(f"WHEN {cond} THEN '{name}'" for cond, _, name in t.checks)
    if rel.names:
        t.params["names"] = rel.names
        raw = f"to_json(map($names, [{', '.join(q(n) for n in rel.names)}]))::VARCHAR"
    else:
        raw = "NULL::VARCHAR"
    level3 = (f"SELECT *, CASE WHEN _bad IS NOT NULL THEN _bad {reason} END AS _reason, "
              f"CASE WHEN _bad IS NOT NULL THEN NULL {column} END AS _column FROM ({t.levels(rel)}) l2")
    t.params["part"] = part_idx
    sql = (f"SELECT {_outs(spec)}, $part AS _part, _n, _file, _line, CASE WHEN _reason IS NOT NULL THEN "
           f"json_object('reason', _reason, 'column', _column, 'raw', coalesce(_text, {raw}))::VARCHAR END AS _reject "
           f"FROM ({level3})")
    return sql, t.params


def checked_select(spec: TableSpec, cmap: ColumnMap, rel: Relation) -> tuple[str, dict[str, Any]]:
    """SELECT typed canonical columns and `_ok`: true exactly when typed_select gives no `_reject` (cheaper:
    no reasons)."""
    t = _typed(spec, cmap, rel)
    ok = " AND ".join(["_bad IS NULL", *t.oks])
    return f"SELECT {_outs(spec)}, {ok} AS _ok FROM ({t.levels(rel)}) l2", t.params


def reject(reason: str, column: str, row: str) -> str:
    """SQL of a `_reject` value: a reason expression, a constant column name, the row as a struct literal body."""
    return f"json_object('reason', {reason}, 'column', '{column}', 'raw', to_json({{{row}}})::VARCHAR)::VARCHAR"


def normalize_vocabularies(con: duckdb.DuckDBPyConnection, spec: TableSpec) -> None:
    """Map each distinct spelling of a vocabulary column to its canonical word (once per distinct value, not
    per row); reject rows whose word is unknown."""
    stage = stage_name(spec)
    row = ", ".join(f"'{c.name}': {q(c.name)}" for c in spec.columns)
    for col in spec.columns:
        if col.kind not in VOCABULARIES:
            continue
        name = q(col.name)
        con.execute(f"CREATE OR REPLACE TEMP TABLE _ingest_words AS SELECT d.word, v.value "
                    f"FROM (SELECT DISTINCT {name} AS word FROM {stage} WHERE {name} IS NOT NULL) d "
                    f"LEFT JOIN _ingest_vocab v ON v.kind = $kind AND v.key = {NORM.format('d.word')} "
                    f"WHERE v.value IS DISTINCT FROM d.word", {"kind": col.kind, "separators": SEPARATORS})
        if con.execute("SELECT count(*) FROM _ingest_words").fetchone()[0]:
            bad = f"'{col.name}: unknown value ' || to_json(w.word) || ' (expected {_expected(col.kind)})'"
            con.execute(f"UPDATE {stage} SET {name} = w.value, _reject = CASE WHEN _reject IS NULL AND w.value IS NULL "
                        f"THEN {reject(bad, col.name, row)} ELSE _reject END "
                        f"FROM _ingest_words w WHERE {stage}.{name} = w.word")
        con.execute("DROP TABLE _ingest_words")


def stage_part(con: duckdb.DuckDBPyConnection, spec: TableSpec, sql: str, params: dict[str, Any]) -> int:
    """Append one part's typed rows to the stage; returns how many rows it read."""
    return con.execute(f"INSERT INTO {stage_name(spec)} BY NAME {sql}", params).fetchone()[0]


def reader_rejects(con: duckdb.DuckDBPyConnection, spec: TableSpec, rel: Relation, part_idx: int,
                   run_id: int, header_lines: int) -> int:
    """Move the lines DuckDB's reader rejected into import_rejects, fix the line numbers of the rows after them
    (a rejected line is missing from the row count); returns the number of rejected lines."""
    assert rel.rejects is not None
    rejects, stage = rel.rejects, stage_name(spec)
    n = con.execute(f"SELECT count(DISTINCT line) FROM {rejects}").fetchone()[0]
    if n:
        if rel.header:
            column = ("$header[TRY_CAST(substr(first(column_name ORDER BY byte_position, column_idx), 2) AS INTEGER)"
                      " + 1]")
            reason = "first(error_type || ': ' || error_message ORDER BY byte_position, column_idx)"
            params = {"header": rel.header}
        else:
            column = "NULL"
            reason = ("CASE WHEN bool_or(error_type = 'INVALID ENCODING') THEN 'INVALID ENCODING: ' || "
                      "first(error_message ORDER BY error_type <> 'INVALID ENCODING') ELSE 'not valid JSON' END")
            params = {}
        con.execute(f"INSERT INTO import_rejects SELECT $run, $table, $file, line, {column}, {reason}, "
                    f"first(csv_line ORDER BY byte_position) FROM {rejects} GROUP BY line",
                    {**params, "run": run_id, "table": spec.name, "file": rel.params["file"]})
        con.execute(f"CREATE OR REPLACE TEMP TABLE _ingest_gaps AS SELECT line - $offset - row_number() OVER "
                    f"(ORDER BY line) AS g FROM (SELECT DISTINCT line FROM {rejects})", {"offset": header_lines})
        con.execute(f"UPDATE {stage} SET _line = {stage}._line + c.k FROM (SELECT s._n, count(*) AS k "
                    f"FROM {stage} s JOIN _ingest_gaps gp ON gp.g < s._n WHERE s._part = $part GROUP BY s._n) c "
                    f"WHERE {stage}._part = $part AND {stage}._n = c._n", {"part": part_idx})
        con.execute("DROP TABLE _ingest_gaps")
    con.execute(f"DROP TABLE {rejects}")
    con.execute(f"DROP TABLE IF EXISTS {rejects.replace('rejects', 'scan')}")
    return n


def reject_duplicates(con: duckdb.DuckDBPyConnection, spec: TableSpec) -> None:
    """Reject every later row whose key an earlier row (in file order, then line order) already has."""
    stage, key = stage_name(spec), q(spec.key)
    row = ", ".join(f"'{c.name}': {q(c.name)}" for c in spec.columns)
    con.execute(f"CREATE OR REPLACE TEMP TABLE _ingest_dups AS SELECT _part, _n, "
                f"first_value(_file) OVER w AS first_file, first_value(_line) OVER w AS first_line "
                f"FROM {stage} WHERE _reject IS NULL AND {key} IN (SELECT {key} FROM {stage} "
                f"WHERE _reject IS NULL GROUP BY {key} HAVING count(*) > 1) "
                f"WINDOW w AS (PARTITION BY {key} ORDER BY _part, _n) QUALIFY row_number() OVER w > 1")
    if con.execute("SELECT count(*) FROM _ingest_dups").fetchone()[0]:
        reason = f"'duplicate {spec.key} ' || to_json({stage}.{key}) || ' also at ' || d.first_file || ':' || d.first_line"
        con.execute(f"UPDATE {stage} SET _reject = {reject(reason, spec.key, row)} FROM _ingest_dups d "
                    f"WHERE {stage}._part = d._part AND {stage}._n = d._n")
    con.execute("DROP TABLE _ingest_dups")


def derive_phones(con: duckdb.DuckDBPyConnection, spec: TableSpec, region: str) -> int:
    """Fill phone_e164 and phone_valid of staged contacts, parsing each distinct phone once; returns how many."""
    stage = stage_name(spec)
    distinct = con.execute(f"SELECT DISTINCT phone FROM {stage} WHERE phone IS NOT NULL AND _reject IS NULL").df()
    checked = normalize_phones(distinct["phone"], region)
    con.register("_ingest_phones", checked)
    con.execute(f"UPDATE {stage} SET phone_e164 = p.phone_e164, phone_valid = p.phone_valid "
                f"FROM _ingest_phones p WHERE {stage}.phone = p.phone")
    con.unregister("_ingest_phones")
    return len(distinct)


def fill_message_contacts(con: duckdb.DuckDBPyConnection, spec: TableSpec) -> None:
    """A message without contact_id takes its conversation's contact_id (from the store, after this import)."""
    stage = stage_name(spec)
    if con.execute(f"SELECT count(*) FROM {stage} WHERE contact_id IS NULL AND _reject IS NULL").fetchone()[0]:
        con.execute(f"UPDATE {stage} SET contact_id = c.contact_id FROM conversations c "
                    f"WHERE {stage}.contact_id IS NULL AND {stage}._reject IS NULL "
                    f"AND {stage}.conversation_id = c.conversation_id")


def stage_rejects(con: duckdb.DuckDBPyConnection, spec: TableSpec, run_id: int) -> int:
    """Copy the staged rows that have a reject reason into import_rejects; returns how many."""
    return con.execute(f"INSERT INTO import_rejects SELECT $run, $table, _file, _line, _reject->>'column', "
                       f"_reject->>'reason', _reject->>'raw' FROM {stage_name(spec)} WHERE _reject IS NOT NULL",
                       {"run": run_id, "table": spec.name}).fetchone()[0]
