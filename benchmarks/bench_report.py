"""Render weekly_summary on a large store: `pipeone bench report --messages N [--report NAME]`.

Measures one `run_report` end to end on benchmarks.common.bench_store(N), for the store's last full week:
- kernel: papermill's kernel start and shutdown (wall time of the execution minus the cells' own time);
- compute: the cells' execution time (imports, queries, figures), with each cell listed for information;
- nbconvert: the offline HTML rendering;
- total: the whole run (the baseline of the ratios). Target: total <= 30 s at 10M messages;
- CPU seconds of this process and the kernel, which tells a busy machine (wall >> CPU / cores) from slow code;
- with --calls, the report's code cells once more in this process, with the wall and CPU seconds of every
  core call the sections make (which section still dominates, and in which core function).
The shared bench store is only read: the run is recorded in a scratch history store.
"""
from __future__ import annotations

import argparse
import datetime as dt
import functools
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nbformat  # noqa: E402

from benchmarks.common import Table, bench_store  # noqa: E402
from pipeone_analytics.config import Settings  # noqa: E402
from pipeone_analytics.core import channels, ratings, response_times, status, tickets  # noqa: E402
from pipeone_analytics.core.filters import Filters  # noqa: E402
from pipeone_analytics.reports import context, demo_period, run_report  # noqa: E402
from pipeone_analytics.reports.params import notebook_path  # noqa: E402
from pipeone_analytics.store import Store  # noqa: E402

TOTAL = "total: run_report end to end"
# The core functions the report sections call (pipeone_analytics/reports/*.py).
CORE = [(channels, "channel_mix"), (response_times, "_summaries"), (response_times, "outliers"),
        (status, "backlog"), (ratings, "rating_history"), (ratings, "ratings"), (ratings, "stars_by_channel"),
        (tickets, "ticket_counts")]


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its finished children (the kernel)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _describe(value: Any) -> str:
    """A short text of one argument of a core call: a Filters as its period, a list of names joined."""
    if isinstance(value, Filters):
        return f"{value.start}..{value.end}"
    if isinstance(value, (list, tuple)):
        return "+".join(_describe(v) for v in value)
    if isinstance(value, (dt.date, str, int)):
        return str(value)
    return type(value).__name__ if not isinstance(value, Store) else ""


def _spy(name: str, fn: Callable[..., Any], calls: list[tuple[str, float, float]]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def timed_call(*args: Any, **kwargs: Any) -> Any:
        wall, cpu = time.perf_counter(), time.process_time()  # process time: every DuckDB thread too
        try:
            return fn(*args, **kwargs)
        finally:
            what = ", ".join(d for d in map(_describe, [*args, *kwargs.values()]) if d)
            calls.append((f"{name}({what})", time.perf_counter() - wall, time.process_time() - cpu))
    return timed_call


def core_calls(name: str, params: dict[str, str]) -> list[tuple[str, float, float]]:
    """Run the report notebook's code cells in this process (show() displays nothing) and time every core call
    the sections make: (call, wall seconds, CPU seconds) in call order."""
    calls: list[tuple[str, float, float]] = []
    originals = [(module, attr, getattr(module, attr)) for module, attr in CORE]
    show = context.show
    for module, attr, fn in originals:
        setattr(module, attr, _spy(attr, fn, calls))
    context.show = lambda sections: None
    try:
        namespace: dict[str, Any] = {}
        cells = [c for c in nbformat.read(str(notebook_path(name)), as_version=4).cells if c.cell_type == "code"]
        exec(cells[0].source, namespace)  # noqa: S102 - the parameters cell, then the values papermill injects
        namespace.update(params)
        for cell in cells[1:]:
            exec(cell.source, namespace)  # noqa: S102
    finally:
        context.show = show
        for module, attr, fn in originals:
            setattr(module, attr, fn)
    return calls


def main() -> None:
    parser = argparse.ArgumentParser(prog="pipeone bench report")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--report", default="weekly_summary")
    parser.add_argument("--locale", default="pt_BR")
    parser.add_argument("--calls", action="store_true", help="also time every core call, in this process")
    args = parser.parse_args()

    path = bench_store(args.messages).resolve()
    period = demo_period(Settings(db_path=path))
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        settings = Settings(db_path=Path(scratch) / "history.duckdb", reports_dir=Path(scratch) / "reports",
                            locale=args.locale)
        history = Store(settings.db_path, settings)
        history.migrate()
        params = {"db": str(path), "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
                  "locale": args.locale}
        cpu = _cpu_seconds()
        result = run_report(args.report, params, settings, store=history)
        cpu = _cpu_seconds() - cpu
        if not result.ok:
            raise SystemExit(f"{args.report} failed: {result.error} (notebook {result.notebook_path})")
        cells = [(c.source.strip().splitlines()[-1][:60], c.metadata.get("papermill", {}).get("duration") or 0.0)
                 for c in nbformat.read(str(result.notebook_path), as_version=4).cells if c.cell_type == "code"]
        size = result.html_path.stat().st_size / 1e6

    table = Table(f"{args.report} for {period.start}..{period.end}, --messages {args.messages:,} (store {path})")
    table.add("kernel start and shutdown", result.timings["kernel"])
    table.add("compute: every cell", result.timings["compute"])
    for source, seconds in cells:
        if seconds >= 0.05:
            table.add(f"  cell `{source}`", seconds)
    table.add("nbconvert to offline HTML", result.timings["nbconvert"], f"{size:.1f} MB")
    table.add(TOTAL, result.duration)
    table.add("CPU time: this process and the kernel (DuckDB uses every core)", cpu)
    if args.calls:
        for call, wall, call_cpu in core_calls(args.report, params):
            table.add(f"  core call `{call}` (in this process)", wall, f"CPU {call_cpu:.1f} s")
    table.print(baseline=TOTAL, targets={"total": "<= 30 s at --messages 10000000"})


if __name__ == "__main__":
    main()
