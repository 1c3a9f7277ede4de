"""Import speed against a bare DuckDB read of the same CSV: `pipeone bench import --messages N`.

Measures, on benchmarks.common.bench_export(N):
- bare: CREATE TABLE AS SELECT * FROM read_csv(messages.csv) into a fresh file store (the baseline);
- messages import: an export holding only messages.csv into a fresh store (hashing, typing, checks,
  dedup, insert, the rebuild of the derived tables (interaction ledger, stored status, contact engagement) and
  commit included), with the derived tables' share on its own row; then its re-import, which changes nothing
  (so it rebuilds no derived row);
- the whole export into a fresh store, with the contacts table on its own (phones validated per second).
"""
from __future__ import annotations

import argparse
import resource
import sys
import tempfile
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Table, bench_export, peak_rss_mb, timed  # noqa: E402
from pipeone_analytics.config import Settings  # noqa: E402
from pipeone_analytics.ingest import import_path  # noqa: E402
from pipeone_analytics.store import Store  # noqa: E402


def fresh_store(folder: Path, name: str) -> Store:
    """A new empty file store under folder."""
    path = folder / f"{name}.duckdb"
    path.unlink(missing_ok=True)
    store = Store(path, Settings(db_path=path))
    store.migrate()
    return store


def cpu_timed(fn: Callable[[], object], repeat: int) -> tuple[float, float, object]:
    """timed(fn, repeat), plus the least CPU seconds of this process (every thread) over the runs: on a busy
    machine CPU time moves much less than wall time, so its ratios are the steadier comparison."""
    cpus: list[float] = []

    def run() -> object:
        before = sum(resource.getrusage(resource.RUSAGE_SELF)[:2])
        result = fn()
        cpus.append(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]) - before)
        return result

    seconds, result = timed(run, repeat)
    return seconds, min(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(prog="pipeone bench import")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--tmp", default=None, help="scratch folder for the stores (default: a temp folder)")
    parser.add_argument("--repeat", type=int, default=None,
                        help="best of this many runs per measure (default: 3 up to 2M messages, else 1)")
    args = parser.parse_args()
    repeat = args.repeat or (3 if args.messages <= 2_000_000 else 1)

    export = bench_export(args.messages)
    messages_csv = export / "messages.csv"
    with tempfile.TemporaryDirectory(dir=args.tmp, prefix="bench-import-") as tmp:
        scratch = Path(tmp)
        only = scratch / "messages-only"
        only.mkdir()
        (only / "messages.csv").symlink_to(messages_csv.resolve())
        table = Table(f"import, --messages {args.messages:,} ({messages_csv.stat().st_size / 1e6:,.0f} MB "
                      f"messages CSV), best of {repeat}")

        def bare_read() -> Store:
            bare = fresh_store(scratch, "bare")
            with bare.write() as con:
                con.execute("CREATE TABLE m AS SELECT * FROM read_csv(?)", [str(messages_csv)])
            return bare

        seconds, bare_cpu, bare = cpu_timed(bare_read, repeat)
        rows = bare.df("SELECT count(*) AS n FROM m")["n"][0]
        table.add("bare CREATE TABLE AS read_csv (baseline)", seconds,
                  f"{rows:,} rows, {rows / seconds:,.0f} rows/s; cpu {bare_cpu:.1f} s")

        def cpu(seconds: float) -> str:
            return f"cpu {seconds:.1f} s = {seconds / bare_cpu:.2f}x bare's"

        stores: list[Store] = []

        def fresh_import() -> object:
            stores.append(fresh_store(scratch, "messages"))
            return import_path(stores[-1], only)

        seconds, cpu_s, result = cpu_timed(fresh_import, repeat)
        store = stores[-1]
        counts = result.counts["messages"]
        table.add("messages import (fresh store)", seconds,
                  f"{counts['read'] / seconds:,.0f} rows/s; inserted {counts['inserted']:,}, "
                  f"rejected {counts['rejected']:,}; {cpu(cpu_s)}")
        table.add("  of which derived tables", result.derived_seconds,
                  ", ".join(f"{name} {n:,} rows" for name, n in result.derived_rows.items()))
        seconds, cpu_s, result = cpu_timed(lambda: import_path(store, only), repeat)
        counts = result.counts["messages"]
        table.add("messages re-import (changes nothing)", seconds,
                  f"{counts['read'] / seconds:,.0f} rows/s; inserted {counts['inserted']}, "
                  f"updated {counts['updated']}, unchanged {counts['unchanged']:,}; "
                  f"{sum(result.derived_rows.values())} derived rows rebuilt; {cpu(cpu_s)}")
        (scratch / "messages.duckdb").unlink()

        full = fresh_store(scratch, "full")
        seconds, result = timed(lambda: import_path(full, export))
        total_rows = result.total("read")
        table.add("whole export import (fresh store)", seconds, f"{total_rows:,} rows in {len(result.counts)} tables")
        phones = full.df("SELECT count(DISTINCT phone) AS n FROM contacts")["n"][0]
        contacts = result.counts["contacts"]["read"]
        secs = result.seconds["contacts"]
        table.add("  of which contacts", secs, f"{contacts:,} contacts, {phones:,} distinct phones validated, "
                                               f"{phones / secs:,.0f} phones/s")
        table.add("  of which messages", result.seconds["messages"], "")
    table.print(baseline="bare CREATE TABLE AS read_csv (baseline)",
                targets={"messages import": "ratio <= 2.0 at 1M and 10M (derived tables included)",
                         "messages re-import": "ratio <= 2.0 at 10M",
                         "peak RSS": f"<= 2048 MB at 10M (now {peak_rss_mb():,.0f} MB)"})


if __name__ == "__main__":
    main()
