"""Where an export's tables are: files of a folder or a safe .zip, their hashes and their CSV headers."""
from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Iterator

import pandas as pd

from ..errors import ImportFailed
from .tables import TABLES

FORMATS = {".csv": "csv", ".json": "json", ".jsonl": "json", ".ndjson": "json", ".parquet": "parquet",
           ".pq": "parquet"}


@dataclass
class Part:
    """One source of rows for one table: a file (csv, json, parquet) or a DataFrame (frame)."""

    table: str
    label: str                     # the name recorded in import_rejects.file and import_runs.files
    fmt: str
    path: Path | None = None
    frame: pd.DataFrame | None = None

    def is_empty(self) -> bool:
        """True when a file holds nothing but whitespace (and maybe a BOM)."""
        if self.path is None:
            return False
        with open(self.path, "rb") as fh:
            head = fh.read(4096)
        return not head.removeprefix(b"\xef\xbb\xbf").strip()


def table_of(rel: PurePosixPath) -> str | None:
    """The canonical table a file belongs to: `messages.csv`, `messages_2024.csv` or `messages/part-1.csv`."""
    stem = rel.name[: -len(rel.suffix)].lower() if rel.suffix else rel.name.lower()
    for table in TABLES:
        if stem == table or (stem.startswith(table) and stem[len(table)] in "_-."):
            return table
    parent = rel.parent.name.lower()
    return parent if parent in TABLES else None


def find_parts(root: Path, label_root: Path | None = None) -> tuple[list[Part], list[str]]:
    """The table files under a folder (or one file), sorted by name; and warnings for ignored files."""
    label_root = label_root or root
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    parts: list[Part] = []
    warnings: list[str] = []
    for path in files:
        rel = PurePosixPath(path.relative_to(root).as_posix()) if path != root else PurePosixPath(path.name)
        if any(piece.startswith(".") or piece == "__MACOSX" for piece in rel.parts):
            continue
        fmt = FORMATS.get(path.suffix.lower())
        table = table_of(rel)
        label = rel.as_posix() if path != root else path.name
        if fmt is None or table is None:
            warnings.append(f"ignored file {label}: not a table of the PipeOne export "
                            f"({', '.join(TABLES)} as .csv, .json, .jsonl, .ndjson or .parquet)")
            continue
        parts.append(Part(table, label, fmt, path=path))
    return parts, warnings


def _unsafe(name: str) -> bool:
    pieces = name.replace("\\", "/").split("/")
    return name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in pieces


@contextlib.contextmanager
def opened(path: Path) -> Iterator[Path]:
    """The folder to read: the path itself, or a .zip checked for unsafe names and extracted to a temp folder."""
    if not path.exists():
        raise ImportFailed(f"no such file or folder: {path}")
    if path.is_dir() or path.suffix.lower() != ".zip":
        yield path
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise ImportFailed(f"cannot read {path} as a zip file: {exc}") from None
    with archive, tempfile.TemporaryDirectory(prefix="pipeone-import-") as tmp:
        for name in archive.namelist():
            if _unsafe(name):
                raise ImportFailed(f"unsafe path in {path.name}: entry '{name}' is absolute or contains '..'")
        try:
            archive.extractall(tmp)
        except (zipfile.BadZipFile, OSError, RuntimeError) as exc:
            raise ImportFailed(f"cannot extract {path}: {exc}") from None
        yield Path(tmp)


def file_info(part: Part) -> tuple[dict[str, object], int]:
    """{file, sha256, bytes} of a part's file, and its number of lines (ends \\n, \\r\\n or \\r, plus a last line
    without one): a CSV file has no more records than that."""
    assert part.path is not None
    digest, lines, last = hashlib.sha256(), 0, b""
    with open(part.path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
            split = last.endswith(b"\r") and chunk.startswith(b"\n")  # one \r\n across two chunks
            lines += chunk.count(b"\n") + chunk.count(b"\r") - chunk.count(b"\r\n") - split
            last = chunk
    lines += bool(last) and not last.endswith((b"\n", b"\r"))
    return {"file": part.label, "sha256": digest.hexdigest(), "bytes": part.path.stat().st_size}, lines


def csv_header(part: Part) -> tuple[list[str], str]:
    """The column names of a CSV file and its delimiter (comma, else semicolon or tab when the header says so)."""
    assert part.path is not None
    with open(part.path, "rb") as fh:
        first = fh.readline(1 << 20)
    try:
        text = first.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(f"{part.label}: the header row is not valid UTF-8") from None
    delim = ","
    if "," not in text:
        delim = next((d for d in (";", "\t", "|") if d in text), ",")
    names = next(csv.reader(io.StringIO(text), delimiter=delim), [])
    names = [n.strip() for n in names]
    if not any(names):
        raise ImportFailed(f"{part.label}: the first line is not a header row")
    seen: set[str] = set()
    for name in names:
        if name.lower() in seen:  # SQL names ignore case
            raise ImportFailed(f"{part.label}: column '{name}' appears twice in the header")
        seen.add(name.lower())
    return names, delim
