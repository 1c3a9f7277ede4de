"""DuckDB relations over one source (CSV, NDJSON, JSON array, Parquet, DataFrame): every column as text.

Each relation has the source's own column names plus `_file`, `_n` (row number in the source), `_line`
(line of a CSV or NDJSON file, row of a Parquet file or frame), `_bad` (why the row is unreadable) and
`_text` (the raw line, for rejects).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from ..errors import ImportFailed
from .sources import Part, csv_header


def q(name: str) -> str:
    """A quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


@dataclass
class Relation:
    """SQL of a SELECT over one source, its bound parameters, its column names and its CSV rejects table."""

    sql: str
    params: dict[str, Any]
    names: list[str]
    rejects: str | None = None
    header: list[str] = field(default_factory=list)  # CSV column names by position, for the rejects


def _as_text(name: str, type_: str) -> str:
    """A column cast to text; nested values become JSON."""
    nested = type_.endswith("]") or type_.startswith(("STRUCT", "MAP", "UNION"))
    return f"{'to_json' if nested else ''}({q(name)})::VARCHAR AS {q(name)}"


def csv_relation(part: Part, idx: int) -> Relation:
    """All columns of a CSV file as VARCHAR; malformed lines go to a rejects table instead of failing."""
    header, delim = csv_header(part)
    columns = ", ".join(f"'c{i}': 'VARCHAR'" for i in range(len(header)))
    names = [n for n in header if not n.startswith("_")]
    select = "".join(f"c{i} AS {q(n)}, " for i, n in enumerate(header) if not n.startswith("_"))
    rejects = f"_ingest_rejects_{idx}"
    sql = (f"SELECT {select}$file AS _file, row_number() OVER () AS _n, row_number() OVER () + 1 AS _line, "
           f"NULL::VARCHAR AS _bad, NULL::VARCHAR AS _text "
           f"FROM read_csv($path, delim=$delim, header=true, quote='\"', escape='\"', auto_detect=false, "
           f"columns={{{columns}}}, store_rejects=true, rejects_table='{rejects}', "
           f"rejects_scan='_ingest_scan_{idx}')")
    return Relation(sql, {"path": str(part.path), "file": part.label, "delim": delim}, names, rejects, header)


def _json_lines(part: Part, idx: int) -> tuple[str, dict[str, Any], str | None]:
    """A relation (line, _n) over a JSON file: one row per line of NDJSON, or per element of a JSON array."""
    assert part.path is not None
    with open(part.path, "rb") as fh:
        head = fh.read(4096).removeprefix(b"\xef\xbb\xbf").lstrip()
    if head.startswith(b"["):
        return ("SELECT json::VARCHAR AS line, row_number() OVER () AS _n "
                "FROM read_json_objects($path, format='array')", {"path": str(part.path)}, None)
    rejects = f"_ingest_rejects_{idx}"
    # \x1f cannot occur in valid JSON (control characters must be escaped), so each line is one field.
    return ("SELECT line, row_number() OVER () AS _n FROM read_csv($path, columns={'line': 'VARCHAR'}, "
            "header=false, delim='\x1f', quote='', escape='', auto_detect=false, "
            f"store_rejects=true, rejects_table='{rejects}', rejects_scan='_ingest_scan_{idx}')",
            {"path": str(part.path)}, rejects)


def json_relation(con: duckdb.DuckDBPyConnection, part: Part, idx: int) -> Relation:
    """The keys of every JSON object as VARCHAR columns; invalid lines and non-objects get a `_bad` reason."""
    lines, params, rejects = _json_lines(part, idx)
    checked = (f"SELECT line, _n, CASE WHEN json_valid(line) THEN json_type(line::JSON) = 'OBJECT' "
               f"ELSE FALSE END AS _ok, CASE WHEN json_valid(line) THEN 'not a JSON object' "
               f"ELSE 'not valid JSON' END AS _why FROM ({lines}) WHERE nullif(trim(line), '') IS NOT NULL")
    try:
        names = [row[0] for row in con.execute(
            f"SELECT k FROM (SELECT unnest(json_keys(line)) AS k, _n FROM ({checked}) WHERE _ok) "
            f"GROUP BY k ORDER BY min(_n), k", params).fetchall() if not row[0].startswith("_")]
    except duckdb.Error as exc:
        raise ImportFailed(f"{part.label}: cannot read as JSON: {str(exc).splitlines()[0]}") from None
    if rejects:
        con.execute(f"DROP TABLE IF EXISTS {rejects}")
        con.execute(f"DROP TABLE IF EXISTS _ingest_scan_{idx}")
    paths = ['$."' + n.replace('"', '\\"') + '"' for n in names]
    select = "".join(f"_v[{i + 1}] AS {q(n)}, " for i, n in enumerate(names))
    sql = (f"SELECT {select}$file AS _file, _n, _n AS _line, CASE WHEN NOT _ok THEN _why END AS _bad, "
           f"CASE WHEN NOT _ok THEN line END AS _text "
           f"FROM (SELECT *, CASE WHEN _ok THEN json_extract_string(line, $paths) END AS _v FROM ({checked}))")
    params = {**params, "file": part.label, "paths": paths or ["$"]}
    return Relation(sql, params, names, rejects)


def parquet_relation(con: duckdb.DuckDBPyConnection, part: Part) -> Relation:
    """Every column of a Parquet file as text, with its row number."""
    try:
        schema = con.execute("DESCRIBE SELECT * FROM read_parquet($path)", {"path": str(part.path)}).fetchall()
    except duckdb.Error as exc:
        raise ImportFailed(f"{part.label}: cannot read as Parquet: {str(exc).splitlines()[0]}") from None
    names = [row[0] for row in schema if not row[0].startswith("_")]
    select = "".join(_as_text(name, type_) + ", " for name, type_, *_ in schema if name in names)
    sql = (f"SELECT {select}$file AS _file, file_row_number + 1 AS _n, file_row_number + 1 AS _line, "
           f"NULL::VARCHAR AS _bad, NULL::VARCHAR AS _text "
           f"FROM read_parquet($path, file_row_number=true)")
    return Relation(sql, {"path": str(part.path), "file": part.label}, names)


def frame_relation(con: duckdb.DuckDBPyConnection, part: Part, idx: int) -> Relation:
    """Every column of a registered DataFrame as text; its `_file` and `_line` columns locate the rows, and
    `_bad` (a reason) with `_text` (the source line) mark rows an adapter could not read."""
    view = f"_ingest_frame_{idx}"
    con.register(view, part.frame)
    schema = con.execute(f"DESCRIBE SELECT * FROM {view}").fetchall()
    names = [row[0] for row in schema if not row[0].startswith("_")]
    has = {row[0] for row in schema}
    select = "".join(_as_text(name, type_) + ", " for name, type_, *_ in schema if name in names)
    file_ = "coalesce(_file::VARCHAR, $file)" if "_file" in has else "$file"
    line = "coalesce(TRY_CAST(_line AS BIGINT), row_number() OVER ())" if "_line" in has else "row_number() OVER ()"
    bad = "_bad::VARCHAR" if "_bad" in has else "NULL::VARCHAR"
    text = "_text::VARCHAR" if "_text" in has else "NULL::VARCHAR"
    sql = (f"SELECT {select}{file_} AS _file, row_number() OVER () AS _n, {line} AS _line, "
           f"{bad} AS _bad, {text} AS _text FROM {view}")
    return Relation(sql, {"file": part.label}, names)


def relation(con: duckdb.DuckDBPyConnection, part: Part, idx: int) -> Relation:
    """The text relation of any part."""
    if part.fmt == "csv":
        return csv_relation(part, idx)
    if part.fmt == "json":
        return json_relation(con, part, idx)
    if part.fmt == "parquet":
        return parquet_relation(con, part)
    return frame_relation(con, part, idx)
