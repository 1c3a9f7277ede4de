"""Render weekly_summary on a large store: `pipeone bench report --messages N [--report NAME]`.

Measures one `run_report` end to end on benchmarks.common.bench_store(N), for the store's last full week:
- kernel: papermill's kernel start and shutdown (wall time of the execution minus the cells' own time);
- compute: the cells' execution time (imports, queries, figures), with each cell listed for information;
- nbconvert: the offline HTML rendering;
- total: the whole run (the baseline of the ratios). Target: total <= 30 s at 10M messages;
- CPU seconds of this process and the kernel, which tells a busy machine (wall >> CPU / cores) from slow code.
The shared bench store is only read: the run is recorded in a scratch history store.
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import nbformat  # noqa: E402

from benchmarks.common import Table, bench_store  # noqa: E402
from pipeone_analytics.config import Settings  # noqa: E402
from pipeone_analytics.reports import demo_period, run_report  # noqa: E402
from pipeone_analytics.store import Store  # noqa: E402

TOTAL = "total: run_report end to end"


def _cpu_seconds() -> float:
    """User + system CPU seconds of this process and of its finished children (the kernel)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(prog="pipeone bench report")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--report", default="weekly_summary")
    parser.add_argument("--locale", default="pt_BR")
    args = parser.parse_args()

    path = bench_store(args.messages).resolve()
    period = demo_period(Settings(db_path=path))
    with tempfile.TemporaryDirectory(prefix="bench-report-") as scratch:
        settings = Settings(db_path=Path(scratch) / "history.duckdb", reports_dir=Path(scratch) / "reports",
                            locale=args.locale)
        history = Store(settings.db_path, settings)
        history.migrate()
        params = {"db": str(path), "period_start": period.start.isoformat(), "period_end": period.end.isoformat()}
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
    table.print(baseline=TOTAL, targets={"total": "<= 30 s at --messages 10000000"})


if __name__ == "__main__":
    main()
