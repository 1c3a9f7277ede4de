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


def ids(prefix: str, already: int, n: int, width: int) -> pa.Array:
    """Ids prefix + zero-padded numbers already+1 .. already+n."""
    numbers = pc.cast(pa.array(np.arange(already + 1, already + n + 1)), pa.string())
    return pc.binary_join_element_wise(prefix, pc.utf8_lpad(numbers, width, "0"), "")


def timestamps(utc_seconds: np.ndarray) -> pa.Array:
    """UTC epoch seconds as a timestamp column."""
    return pa.array(np.asarray(utc_seconds, np.int64), TS)


class TableWriters:
    """One appending writer per table under `out` (<table>.csv or <table>.parquet); counts rows."""

    def __init__(self, out: Path, fmt: str) -> None:
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
            writer = (pacsv.CSVWriter(path, SCHEMAS[table]) if self.fmt == "csv"
                      else pq.ParquetWriter(path, SCHEMAS[table], compression="zstd"))
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
