"""Chunked writers of the export tables (CSV or Parquet) and the column types of each table."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

TS = pa.timestamp("s", tz="UTC")
S = pa.string()


def _schema(*cols: str, types: dict[str, pa.DataType] | None = None) -> pa.Schema:
    return pa.schema([(c, (types or {}).get(c, S)) for c in cols])


SCHEMAS = {
    "contacts": _schema("contact_id", "name", "phone", "email", "created_at", "city", "source",
                        types={"created_at": TS}),
    "agents": _schema("agent_id", "name", "email", "role", "team"),
    "conversations": _schema("conversation_id", "contact_id", "created_at", "assignee_id", "status",
                             types={"created_at": TS}),
    "messages": _schema("message_id", "conversation_id", "contact_id", "channel", "direction", "sent_at",
                        "sender_type", "agent_id", "body", "template_id", "attachments", types={"sent_at": TS}),
    "events": _schema("event_id", "conversation_id", "at", "actor_id", "kind", "value", types={"at": TS}),
    "tickets": _schema("ticket_id", "conversation_id", "resolved_at", "resolved_by", "type", "category", "note",
                       types={"resolved_at": TS}),
    "categories": _schema("category_id", "name", "active", types={"active": pa.bool_()}),
    "templates": _schema("template_id", "name", "body", "channel", "attachments"),
}


def schemas_for(fmt: str) -> dict[str, pa.Schema]:
    """The column types of each table as written: timestamps are ISO text in CSV."""
    if fmt == "parquet":
        return SCHEMAS
    return {name: pa.schema([(f.name, S if f.type == TS else f.type) for f in schema])
            for name, schema in SCHEMAS.items()}


def ids(prefix: str, already: int, n: int, width: int) -> pa.Array:
    """Ids prefix + zero-padded numbers already+1 .. already+n."""
    numbers = pc.cast(pa.array(np.arange(already + 1, already + n + 1)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, "0"), "")


def timestamps(local: np.ndarray, utc: np.ndarray, fmt: str) -> pa.Array:
    """A timestamp column: UTC timestamps for Parquet, local ISO text with its offset for CSV."""
    if fmt == "parquet":
        return pa.array(np.asarray(utc, np.int64), TS)
    return iso_text(np.asarray(local, np.int64), np.asarray(local, np.int64) - utc)


PAIRS = np.array([[48 + i // 10, 48 + i % 10] for i in range(100)], np.uint8)  # "00".."99"


def _digits(out: np.ndarray, col: int, value: np.ndarray, width: int) -> None:
    """Write value as `width` (2 or 4) decimal digits into out[:, col:col+width]."""
    if width == 4:
        out[:, col:col + 2] = PAIRS[value // 100]
        col, value = col + 2, value % 100
    out[:, col:col + 2] = PAIRS[value]


def iso_text(local: np.ndarray, offset: np.ndarray) -> pa.Array:
    """Local seconds as "YYYY-MM-DD HH:MM:SS-03:00" (offset in seconds east of UTC), built with numpy."""
    n = len(local)
    when = local.astype("datetime64[s]")
    month = when.astype("datetime64[M]")
    year = month.astype("datetime64[Y]").astype(np.int64) + 1970
    day = (when.astype("datetime64[D]") - month).astype(np.int64) + 1
    sec = local % 86_400
    out = np.empty((n, 25), np.uint8)
    out[:, [4, 7]] = ord("-")
    out[:, 10] = ord(" ")
    out[:, [13, 16, 22]] = ord(":")
    _digits(out, 0, year, 4)
    _digits(out, 5, month.astype(np.int64) % 12 + 1, 2)
    _digits(out, 8, day, 2)
    _digits(out, 11, sec // 3600, 2)
    _digits(out, 14, sec % 3600 // 60, 2)
    _digits(out, 17, sec % 60, 2)
    out[:, 19] = np.where(offset < 0, ord("-"), ord("+"))
    _digits(out, 20, np.abs(offset) // 3600, 2)
    _digits(out, 23, np.abs(offset) % 3600 // 60, 2)
    offsets = pa.py_buffer((np.arange(n + 1, dtype=np.int32) * 25).tobytes())
    return pa.StringArray.from_buffers(n, offsets, pa.py_buffer(out.tobytes()))


class TableWriters:
    """One appending writer per table under `out` (<table>.csv or <table>.parquet); counts rows."""

    def __init__(self, out: Path, fmt: str) -> None:
        self.schemas = schemas_for(fmt)
        self.out, self.fmt = out, fmt
        out.mkdir(parents=True, exist_ok=True)
        for name in SCHEMAS:
            for suffix in ("csv", "parquet"):
                (out / f"{name}.{suffix}").unlink(missing_ok=True)
        self._writers: dict[str, object] = {}
        self._rows = dict.fromkeys(SCHEMAS, 0)

    def write(self, table: str, data: pa.Table) -> None:
        writer = self._writers.get(table)
        if writer is None:
            path = self.out / f"{table}.{self.fmt}"
            writer = (pacsv.CSVWriter(path, self.schemas[table]) if self.fmt == "csv"
                      else pq.ParquetWriter(path, self.schemas[table], compression="zstd"))
            self._writers[table] = writer
        writer.write_table(data)
        self._rows[table] += data.num_rows

    def counts(self) -> dict[str, int]:
        return dict(self._rows)

    def __enter__(self) -> "TableWriters":
        return self

    def __exit__(self, *exc: object) -> None:
        for writer in self._writers.values():
            writer.close()
