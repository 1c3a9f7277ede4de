"""Shared runner for the scale benchmarks: timing, peak RSS, and a printed table with ratios."""
from __future__ import annotations

import resource
import time
from dataclasses import dataclass, field
from typing import Callable


def peak_rss_mb() -> float:
    """Peak resident set size of this process and its finished children, in MB."""
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, kids) / 1024


def timed(fn: Callable[[], object], repeat: int = 1) -> tuple[float, object]:
    """Best wall time in seconds over `repeat` runs, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


@dataclass
class Table:
    """Rows of (what, seconds, extra) printed with a ratio against a named baseline row."""

    title: str
    rows: list[tuple[str, float, str]] = field(default_factory=list)

    def add(self, what: str, seconds: float, extra: str = "") -> None:
        self.rows.append((what, seconds, extra))
        print(f"  {what}: {seconds:.3f} s {extra}", flush=True)

    def seconds(self, what: str) -> float:
        return next(s for w, s, _ in self.rows if w == what)

    def print(self, baseline: str | None = None, targets: dict[str, str] | None = None) -> None:
        base = self.seconds(baseline) if baseline else None
        print(f"\n## {self.title}\n")
        print("| measure | seconds | ratio to baseline | notes |")
        print("|---|---:|---:|---|")
        for what, secs, extra in self.rows:
            ratio = f"{secs / base:.2f}" if base else ""
            print(f"| {what} | {secs:.3f} | {ratio} | {extra} |")
        print(f"\npeak RSS: {peak_rss_mb():,.0f} MB")
        for name, target in (targets or {}).items():
            print(f"target {name}: {target}")


DATA = __import__("pathlib").Path(__import__("os").environ.get("PIPEONE_BENCH_DATA", "benchmarks/.data"))


def _locked(name: str):
    """An exclusive file lock, so two benchmarks never build the same dataset at once."""
    import fcntl
    DATA.mkdir(parents=True, exist_ok=True)
    handle = open(DATA / f"{name}.lock", "w")
    fcntl.flock(handle, fcntl.LOCK_EX)
    return handle


def bench_export(messages: int, fmt: str = "csv"):
    """A cached synthetic canonical export with about `messages` messages (contacts = messages / 10)."""
    from pipeone_analytics import synth
    from pipeone_analytics.config import Settings

    out = DATA / f"export-{messages}-{fmt}"
    with _locked(out.name):
        if not (out / ".complete").exists():
            print(f"generating {out} ...", flush=True)
            synth.generate(out, contacts=max(messages // 10, 10), days=90, seed=1, fmt=fmt,
                           end="2026-11-22", settings=Settings(), messages=messages)
            (out / ".complete").touch()
    return out


def bench_store(messages: int):
    """A cached DuckDB store holding bench_export(messages); treat it as read-only."""
    from pipeone_analytics.config import Settings
    from pipeone_analytics.ingest import import_path
    from pipeone_analytics.store import Store

    export = bench_export(messages)
    path = DATA / f"store-{messages}.duckdb"
    with _locked(path.name):
        if not (DATA / f"{path.name}.complete").exists():
            print(f"importing into {path} ...", flush=True)
            path.unlink(missing_ok=True)
            import_path(Store(path, Settings(db_path=path)), export)
            (DATA / f"{path.name}.complete").touch()
    return path


@__import__("contextlib").contextmanager
def writable_store(messages: int, locale: str = "en"):
    """A private, migrated copy of bench_store(messages) for benchmarks that write; deleted afterwards."""
    import shutil
    import tempfile
    from pathlib import Path

    from pipeone_analytics.config import Settings
    from pipeone_analytics.store import Store

    source = bench_store(messages)
    with tempfile.TemporaryDirectory(prefix="bench-store-") as folder:
        path = Path(folder) / "store.duckdb"
        shutil.copy(source, path)
        store = Store(path, Settings(db_path=path, locale=locale))
        store.migrate()
        yield store
