"""Import an export (folder, .zip, or an adapter's DataFrames) into the store in one transaction (DESIGN 3.2)."""
from __future__ import annotations

import datetime as dt
import json
import re
import time
import zoneinfo
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

import duckdb
import pandas as pd
from tqdm import tqdm

from ..errors import ImportFailed
from ..store import Store
from . import adapters, direct, touched
from .readers import Relation, relation
from .result import ImportResult
from .sources import Part, file_info, find_parts, opened
from .staging import (checked_select, create_stage, create_vocabulary, derive_phones, fill_message_contacts,
                      normalize_vocabularies, reader_rejects, reject_duplicates, stage_name, stage_part,
                      stage_rejects, typed_select)
from .tables import DERIVED, ORDER, TABLES, ColumnMap, TableSpec, map_columns
from .upsert import upsert

# During an import DuckDB's buffer pool may use this share of Settings.memory_limit; the rest is left for
# Python, pandas and the allocations DuckDB does not count, so that the whole process stays near the limit.
IMPORT_MEMORY_SHARE = 0.8
# A table's stage is held in memory (a temp table, uncompressed: fastest) while its estimated size stays
# under half the import's memory; a bigger stage is a compressed table in the store file instead, dropped
# before commit (spilling a temp table to disk was slower, and bounded memory matters more).
STAGE_BYTES_PER_FILE_BYTE = 1.6  # measured: a 133 MB messages CSV staged in 203 MB of memory
UNITS = {"b": 1, "kb": 1e3, "mb": 1e6, "gb": 1e9, "tb": 1e12, "kib": 2**10, "mib": 2**20, "gib": 2**30,
         "tib": 2**40}


def import_memory_bytes(limit: str) -> int | None:
    """IMPORT_MEMORY_SHARE of a DuckDB memory limit such as '2GB', in bytes; None when it is not a size."""
    match = re.fullmatch(r"\s*([\d.]+)\s*([a-zA-Z]*)\s*", limit)
    if not match or match[2].lower() not in UNITS:
        return None
    return int(float(match[1]) * UNITS[match[2].lower()] * IMPORT_MEMORY_SHARE)


def import_path(store: Store, path: Path, fmt: str | None = None, timezone: str | None = None,
                options: dict[str, Any] | None = None) -> ImportResult:
    """Import a canonical export (folder or .zip of CSV, NDJSON, Parquet tables) or a file an adapter reads."""
    path = Path(path)
    fmt = fmt or adapters.detect_format(path)
    if fmt != "canonical":
        adapter = adapters.ADAPTERS.get(fmt) or adapters.ADAPTERS.get(fmt.replace("-", "_"))
        if adapter is None:
            known = ", ".join(["canonical", *sorted(adapters.ADAPTERS)])
            raise ImportFailed(f"unknown import format '{fmt}'; expected one of {known}")
        if not path.exists():
            raise ImportFailed(f"no such file or folder: {path}")
        tables = adapter(path, dict(options or {}), store.settings)
        return import_tables(store, tables, source=str(path), fmt=fmt, timezone=timezone)
    with opened(path) as root:
        parts, warnings = find_parts(root)
        return _import(store, parts, str(path), "canonical", timezone, warnings)


def import_tables(store: Store, tables: Mapping[str, pd.DataFrame], source: str, fmt: str,
                  timezone: str | None = None) -> ImportResult:
    """Import canonical DataFrames (raw text values allowed; optional _file and _line columns locate rows)."""
    unknown = sorted(set(tables) - set(TABLES))
    if unknown:
        raise ImportFailed(f"unknown table '{unknown[0]}'; expected one of {', '.join(ORDER)}")
    parts = [Part(table, Path(source).name or source, "frame", frame=frame) for table, frame in tables.items()]
    return _import(store, parts, source, fmt, timezone, [])


def _check(parts: list[Part], source: str, warnings: list[str]) -> list[Part]:
    """The parts worth reading; fatal when there are no messages or the messages file is empty."""
    if not any(p.table == "messages" for p in parts):
        raise ImportFailed(f"no messages table in {source}: an export needs messages.csv, .jsonl, .ndjson, "
                           f".json or .parquet")
    kept = []
    for part in parts:
        if part.is_empty():
            if part.table == "messages":
                raise ImportFailed(f"{part.label} is empty: the messages table needs at least its header row")
            warnings.append(f"{part.label} is empty: read as a table with no rows")
            continue
        kept.append(part)
    return kept


def _import(store: Store, parts: list[Part], source: str, fmt: str, timezone: str | None,
            warnings: list[str]) -> ImportResult:
    tz = timezone or store.settings.timezone
    try:
        zoneinfo.ZoneInfo(tz)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ImportFailed(f"unknown timezone '{tz}': use an IANA name such as America/Sao_Paulo") from None
    parts = _check(parts, source, warnings)
    tables = [t for t in ORDER if any(p.table == t for p in parts)]
    started = dt.datetime.now(dt.timezone.utc)
    # The files are hashed (and their lines counted) on a thread while DuckDB reads them (hashlib releases the GIL).
    with ThreadPoolExecutor(1) as pool, store.write() as con:
        scans = {id(p): pool.submit(file_info, p) for t in tables for p in parts if p.table == t and p.path}
        con.execute("SET TimeZone = ?", [tz])
        memory = import_memory_bytes(store.settings.memory_limit) if store.path is not None else None
        if memory:  # a file store: its connection closes with the import
            con.execute("SET memory_limit = ?", [f"{memory // 10**6}MB"])
        create_vocabulary(con)
        touched.start(con)
        whole, changed = set(), set()  # tables that were empty and got rows; tables written
        run_id = con.execute("SELECT coalesce(max(run_id), 0) + 1 FROM import_runs").fetchall()[0][0]
        result = ImportResult(run_id, source, fmt, tz, warnings=warnings)
        for table in tqdm(tables, desc="import", unit="table", disable=None, leave=False):
            t0 = time.perf_counter()
            mine = [(i, p) for i, p in enumerate(parts) if p.table == table]
            empty = touched.reads_empty(con, table)
            result.counts[table] = _import_table(con, store, run_id, table, mine, warnings, memory, scans)
            whole |= {table} if empty and result.counts[table]["inserted"] > 0 else set()
            changed |= {table} if result.counts[table]["inserted"] + result.counts[table]["updated"] else set()
            result.seconds[table] = time.perf_counter() - t0
        t0 = time.perf_counter()
        result.derived_rows = touched.refresh(con, whole, changed)
        result.derived_seconds = time.perf_counter() - t0
        _record_run(con, result, started, [scan.result()[0] for scan in scans.values()])
    return result


def _import_table(con: duckdb.DuckDBPyConnection, store: Store, run_id: int, table: str,
                  mine: list[tuple[int, Part]], warnings: list[str], memory: int | None,
                  scans: dict[int, Future]) -> dict[str, int]:
    """Import every part of one table: straight from a single clean part when it can (direct), else staged;
    the table's counts. `scans` holds each file's file_info, by id of its part."""
    spec = TABLES[table]
    sources = [_source(con, spec, idx, part, warnings) for idx, part in mine]
    present = set().union(*(s.present for s in sources))
    if table == "contacts" and "phone" in present:
        present |= set(DERIVED["contacts"])
    direct_ok = len(sources) == 1 and table not in DERIVED  # contacts' phones are parsed in Python, staged
    counts = _import_direct(con, spec, sources, sorted(present), scans) if direct_ok else None
    counts = counts or _import_staged(con, store, run_id, spec, sources, sorted(present), memory)
    for source in sources:  # not in a `finally`: after a DuckDB error the transaction only takes ROLLBACK
        if source.part.frame is not None:
            con.unregister(f"_ingest_frame_{source.idx}")
    return counts


@dataclass
class Source:
    """One part of a table read as text: its relation, its column map and the columns it has."""

    idx: int
    part: Part
    rel: Relation
    cmap: ColumnMap
    present: set[str]


def _source(con: duckdb.DuckDBPyConnection, spec: TableSpec, idx: int, part: Part, warnings: list[str]) -> Source:
    """A part's relation and column map; fatal when it lacks a required column."""
    rel = relation(con, part, idx)
    cmap = map_columns(spec, rel.names)
    missing = [c for c in spec.columns if c.required and c.name not in cmap.columns and c.name not in cmap.flags]
    if missing:
        col = missing[0]
        also = f" (or {', '.join(col.aliases + tuple(col.flags))})" if col.aliases or col.flags else ""
        raise ImportFailed(f"{part.label}: missing required column {col.name}{also}")
    if cmap.ignored:
        warnings.append(f"{part.label}: ignored column(s) {', '.join(cmap.ignored)}")
    present = set(cmap.columns) | set(cmap.flags) | ({"attributes"} if cmap.extras else set())
    if spec.name == "messages":
        present |= {"contact_id", "sender_type"}
    return Source(idx, part, rel, cmap, present)


def _import_direct(con: duckdb.DuckDBPyConnection, spec: TableSpec, sources: list[Source],
                   present: list[str], scans: dict[int, Future]) -> dict[str, int] | None:
    """Counts of a single clean part written without a stage (direct), or None when it must be staged."""
    [source] = sources
    scan = scans.get(id(source.part))

    def most() -> int | None:
        """At most this many records in a CSV file: its lines but the header (known once it is hashed)."""
        return scan.result()[1] - 1 if scan is not None and source.part.fmt == "csv" else None

    extra = "TRUE"
    if spec.name == "messages" and con.execute("SELECT count(*) FROM conversations").fetchone()[0]:
        extra = "contact_id IS NOT NULL"  # else staging fills it from the conversation (fill_message_contacts)
    sql, params = checked_select(spec, source.cmap, source.rel)
    try:
        if con.execute(f"SELECT count(*) FROM {spec.name}").fetchone()[0] == 0:
            n = direct.insert_fresh(con, spec, source.rel, sql, params, extra, most)
            return None if n is None else {"read": n, "inserted": n, "updated": 0, "unchanged": 0, "rejected": 0}
        n = direct.all_unchanged(con, spec, source.rel, sql, params, extra, present)
    except duckdb.Error as exc:
        raise ImportFailed(f"{source.part.label}: cannot read: {str(exc).splitlines()[0]}") from None
    return None if n is None else {"read": n, "inserted": 0, "updated": 0, "unchanged": n, "rejected": 0}


def _import_staged(con: duckdb.DuckDBPyConnection, store: Store, run_id: int, spec: TableSpec,
                   sources: list[Source], present: list[str], memory: int | None) -> dict[str, int]:
    """Stage every part, reject bad rows and duplicates, upsert the rest; the table's counts."""
    size = sum(s.part.path.stat().st_size for s in sources if s.part.path is not None)
    create_stage(con, spec, temporary=memory is None or size * STAGE_BYTES_PER_FILE_BYTE <= memory / 2)
    read = rejected = 0
    for source in sources:
        try:
            read += stage_part(con, spec, *typed_select(spec, source.cmap, source.rel, source.idx))
        except duckdb.Error as exc:
            raise ImportFailed(f"{source.part.label}: cannot read: {str(exc).splitlines()[0]}") from None
        if source.rel.rejects:
            bad_lines = reader_rejects(con, spec, source.rel, source.idx, run_id,
                                       header_lines=1 if source.part.fmt == "csv" else 0)
            read += bad_lines
            rejected += bad_lines
    normalize_vocabularies(con, spec)
    if spec.name == "contacts" and "phone" in present:
        derive_phones(con, spec, store.settings.phone_region)
    if spec.name == "messages":
        fill_message_contacts(con, spec)
    reject_duplicates(con, spec)
    rejected += stage_rejects(con, spec, run_id)
    inserted, updated, unchanged = upsert(con, spec, present)
    con.execute(f"DROP TABLE {stage_name(spec)}")
    return {"read": read, "inserted": inserted, "updated": updated, "unchanged": unchanged, "rejected": rejected}


def _record_run(con: duckdb.DuckDBPyConnection, result: ImportResult, started: dt.datetime,
                files: list[dict[str, Any]]) -> None:
    con.execute("INSERT INTO import_runs (run_id, started_at, finished_at, source, format, timezone, files, counts, "
                "rows_read, inserted, updated, unchanged, rejected) "
                "VALUES (?, ?, ?, ?, ?, ?, ?::JSON, ?::JSON, ?, ?, ?, ?, ?)",
                [result.run_id, started, dt.datetime.now(dt.timezone.utc), result.source, result.fmt,
                 result.timezone, json.dumps(files), json.dumps(result.counts), result.total("read"),
                 result.total("inserted"), result.total("updated"), result.total("unchanged"),
                 result.total("rejected")])
