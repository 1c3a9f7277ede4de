"""`pipeone export KIND`: one row per entity, written as CSV, Parquet or JSONL by the file's extension."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pandas as pd

from .core import interactions, ratings, response_times, status, tickets
from .errors import PipeOneError
from .store import Store


def _table(name: str) -> Callable[..., pd.DataFrame]:
    def read(store: Store, **_: object) -> pd.DataFrame:
        return store.df(f"SELECT * FROM {name} ORDER BY 1")
    read.__doc__ = f"Every row of the {name} table, with its columns."
    return read


# kind -> function(store, as_of=..., by=...) returning the DataFrame to write.
EXPORTS: dict[str, Callable[..., pd.DataFrame]] = {
    "contacts": _table("contacts"),
    "messages": _table("messages"),
    "outbox": _table("outbox"),
    "conversations": status.export_conversations,
    "tickets": tickets.export_tickets,
    "interactions": interactions.export_ledger,
    "ratings": ratings.export_ratings,
    "response-times": response_times.export_response_times,
}


def write_frame(frame: pd.DataFrame, out: Path) -> None:
    """Write a DataFrame to .csv, .parquet or .jsonl, chosen by the extension."""
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix == ".csv":
        frame.to_csv(out, index=False)
    elif suffix == ".parquet":
        frame.to_parquet(out, index=False)
    elif suffix in (".jsonl", ".ndjson"):
        frame.to_json(out, orient="records", lines=True, date_format="iso", force_ascii=False)
    else:
        raise PipeOneError(f"cannot write {out}: use a .csv, .parquet or .jsonl file name")


def export(store: Store, kind: str, out: Path, as_of: str | None = None, by: str | None = None) -> int:
    """Write one export kind to out; returns the number of rows written."""
    if kind not in EXPORTS:
        raise PipeOneError(f"unknown export '{kind}'; choose one of {', '.join(sorted(EXPORTS))}")
    frame = EXPORTS[kind](store, as_of=as_of, by=by)
    write_frame(frame, out)
    return len(frame)
