"""Registry of real-world format adapters, format detection, and the helpers the adapters share.

An adapter is `read(path, options, settings) -> {table: DataFrame}` holding canonical columns
(DESIGN §3.1) plus `_file` and `_line` so that rejects point at the source line. A source line an
adapter skips on purpose (e.g. a WhatsApp system line) is one more row of the table it would have
fed, holding only `_file`, `_line`, `_bad` (the reason) and `_text` (the line): the importer rejects
it into import_rejects like any other bad row, so nothing is dropped silently.
"""
from __future__ import annotations

import hashlib
import importlib
import json
import re
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any, Callable

import pandas as pd

from ..config import Settings
from ..errors import ImportFailed
from .sources import FORMATS, table_of

# format name -> read(path, options, settings) -> {table: DataFrame of canonical columns}
Adapter = Callable[[Path, dict[str, Any], Settings], dict[str, pd.DataFrame]]

DEFAULT_GAP_DAYS = 5.0
TWILIO_HEADER = {"from", "to", "body", "sentdate", "sid", "direction"}
TWCS_HEADER = {"tweet_id", "author_id", "inbound", "created_at", "text"}


def _lazy(module: str) -> Adapter:
    """An adapter that imports its module on first use, so the CLI starts fast."""
    def read(path: Path, options: dict[str, Any], settings: Settings) -> dict[str, pd.DataFrame]:
        return importlib.import_module(f"{__package__}.{module}").read(path, options, settings)
    read.__doc__ = f"Read a {module} file into canonical tables."
    return read


ADAPTERS: dict[str, Adapter] = {
    "whatsapp": _lazy("whatsapp"),
    "twilio": _lazy("twilio"),
    "twcs": _lazy("twcs"),
    "twitter-care": _lazy("twitter_care"),
}


def stable_id(prefix: str, *parts: object) -> str:
    """A deterministic id: prefix plus 16 hex digits of the SHA-1 of the parts."""
    digest = hashlib.sha1("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return f"{prefix}-{digest[:16]}"


def names(options: dict[str, Any], key: str) -> list[str]:
    """A repeatable option's values (--agent-name, --company-number); a single string is one value."""
    value = options.get(key) or []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def gap_days(options: dict[str, Any]) -> float:
    """The inactivity gap (days) that starts a new conversation: --gap-days, default 5."""
    value = options.get("gap_days")
    if value is None:
        return DEFAULT_GAP_DAYS
    if float(value) <= 0:
        raise ImportFailed(f"--gap-days must be positive, not {value}")
    return float(value)


def split_by_gap(keys: pd.Series, times: pd.Series, ids: pd.Series, gap: float) -> pd.Series:
    """For each row, the id of the first row of its segment: rows of one key, in time order,
    split where the time since the previous row exceeds `gap` days. Same index as the input."""
    frame = pd.DataFrame({"key": keys, "time": times, "id": ids}).sort_values(
        ["key", "time", "id"], kind="stable")
    starts = (frame["key"] != frame["key"].shift()) | (
        frame["time"] - frame["time"].shift() > pd.Timedelta(days=gap))
    first = frame["id"].where(starts).ffill()
    return first.reindex(keys.index)


def with_skipped(frame: pd.DataFrame, skipped: list[dict[str, Any]]) -> pd.DataFrame:
    """The frame plus one row per skipped source line ({reason, raw, _file, _line}): only _file, _line,
    _bad (the reason) and _text (the raw line) are set on those rows."""
    extra = pd.DataFrame([{"_file": r["_file"], "_line": r["_line"], "_bad": r["reason"], "_text": r["raw"]}
                          for r in skipped], columns=["_file", "_line", "_bad", "_text"])
    out = frame.assign(_bad=None, _text=None)
    return (pd.concat([out, extra], ignore_index=True) if len(extra) else out).astype({"_line": "Int64"})


def read_csv(path: Path, required: tuple[str, ...], what: str) -> pd.DataFrame:
    """Every cell of a CSV as text (required columns found in any letter case), plus `_line`: the line
    where each record starts (quoted fields may span lines). ImportFailed when it cannot be read or
    lacks a required column."""
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"{path.name} is not a readable CSV: {str(exc).splitlines()[0]}") from None
    spelled = {c.lower(): c for c in required}
    raw.columns = [spelled.get(str(c).strip().lower(), c) for c in raw.columns]
    missing = [c for c in required if c not in raw.columns]
    if missing:
        raise ImportFailed(f"{path.name} is not {what}: no column {', '.join(missing)}")
    breaks = sum(raw[c][raw[c].str.contains("\n", regex=False)].str.count("\n").reindex(raw.index, fill_value=0)
                 for c in raw.columns)
    raw["_line"] = 2 + raw.index + breaks.cumsum() - breaks  # line 1 is the header
    return raw


def attachments_json(items: list[dict[str, Any]]) -> str | None:
    """A JSON list of attachment objects, or None when there are none."""
    return json.dumps(items, ensure_ascii=False) if items else None


def _head(path: Path, size: int = 65536) -> str:
    with path.open("rb") as fh:
        return fh.read(size).decode("utf-8-sig", errors="replace")


def _csv_header(text: str) -> set[str]:
    first = text.lstrip().splitlines()[0] if text.strip() else ""
    return {c.strip().strip('"').lower() for c in first.split(",")}


def _canonical_table(name: str) -> str | None:
    """The canonical table a file name belongs to, as the canonical reader decides it."""
    rel = PurePosixPath(name)
    return table_of(rel) if rel.suffix.lower() in FORMATS else None


def detect_format(path: Path) -> str:
    """The format of an export path, by content: 'canonical' or the name of an adapter."""
    from .whatsapp import chat_member, looks_like_chat

    path = Path(path)
    if not path.exists():
        raise ImportFailed(f"no such file or folder: {path}")
    if path.is_dir():
        return "canonical"
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            members = [n for n in zf.namelist() if not n.endswith("/")]
            if any(_canonical_table(n) == "messages" for n in members):
                return "canonical"
            if chat_member(zf) is not None:
                return "whatsapp"
        raise ImportFailed(f"{path.name}: a zip with neither a messages table nor a WhatsApp chat; "
                           "pass --format")
    text = _head(path)
    header = _csv_header(text)
    if TWILIO_HEADER <= header:
        return "twilio"
    if TWCS_HEADER <= header:
        return "twcs"
    if text.lstrip().startswith("[") and re.search(r'"dialog(Content|Header)"\s*:', text):
        return "twitter-care"
    if looks_like_chat(text):
        return "whatsapp"
    if _canonical_table(path.name) or {"message_id", "conversation_id"} <= header:
        return "canonical"
    raise ImportFailed(f"cannot tell the format of {path.name}; pass --format "
                       f"canonical|{'|'.join(ADAPTERS)}")
