"""Response-time audit speed against a bare scan: `pipeone bench response-times --messages N`.

Measures, on benchmarks.common.bench_store(N), all in the same run:
- bare scan (the baseline): bench_status's SCAN, conversation_id and max(sent_at) of every message, fetched
  to pandas through Arrow, warm, best of --repeat (at least 3);
- reply times per agent: summarize("reply_time", ["agent"]) end to end in one connection, building only what a
  summary by agent reads: the unresolved cycles (from the stored status changes), the stored ledger's agent
  replies, the last turns waiting for an agent, business seconds through the business clock (two hash joins on
  hour buckets), then count/mean/percentiles/SLA per agent, streamed (no table of rows);
- the interaction ledger with business seconds as a DataFrame (core.interactions.ledger, every row fetched);
- first response and resolution per agent, and reply times per weekday x hour, for information;
- the parts, for information: the cycles alone (core.status.cycles_sql: stored status changes) and the stored
  ledger as of the cut-off (core.interactions.ledger_sql), each counted without fetching rows;
- the ledger build: derived.refresh_ledger over every conversation on a private copy of the store (paid at
  import now, not by the audit), for information.
Peak RSS is noted after the reply-time aggregates, after every summary, and after the ledger DataFrame (last).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_ratings import ledger_build  # noqa: E402
from benchmarks.bench_status import BASELINE as BASE, scan  # noqa: E402
from benchmarks.common import Table, bench_store, peak_rss_mb, timed  # noqa: E402
from pipeone_analytics.config import Settings  # noqa: E402
from pipeone_analytics.core import response_times as rt  # noqa: E402
from pipeone_analytics.core.filters import Filters  # noqa: E402
from pipeone_analytics.core.interactions import ledger, ledger_sql  # noqa: E402
from pipeone_analytics.core.status import cycles_sql  # noqa: E402
from pipeone_analytics.store import Store  # noqa: E402

AUDIT = "reply times per agent (ledger + business seconds + aggregates)"


def main() -> None:
    parser = argparse.ArgumentParser(prog="pipeone bench response-times")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--memory-limit", default=Settings().memory_limit, help="DuckDB memory_limit of the store")
    parser.add_argument("--audit-only", action="store_true", help="only the baseline and reply times per agent")
    parser.add_argument("--skip-build", action="store_true", help="do not time the ledger build")
    args = parser.parse_args()

    path = bench_store(args.messages)
    # Other benchmarks may hold the shared store: wait for them rather than fail.
    store = Store(path, Settings(db_path=path, lock_deadline_seconds=900, memory_limit=args.memory_limit))
    as_of = store.df("SELECT max(sent_at) AS t FROM messages")["t"][0]
    filters = Filters(as_of=as_of)
    table = Table(f"response times, --messages {args.messages:,} (store {path}, as_of {as_of}, "
                  f"memory_limit {args.memory_limit})")

    scan(store)  # warm the file cache once, as bench_status does
    seconds, _ = timed(lambda: scan(store), max(3, args.repeat))
    table.add(BASE, seconds, f"best of {max(3, args.repeat)}")
    seconds, per_agent = timed(lambda: rt.summarize("reply_time", ["agent"], source=store, filters=filters),
                               args.repeat)
    table.add(AUDIT, seconds, f"{int(per_agent['count'].sum()):,} replies, {int(per_agent['open'].sum()):,} open, "
                              f"{len(per_agent)} agents; peak RSS so far {peak_rss_mb():,.0f} MB")
    audit_rss = peak_rss_mb()
    if args.audit_only:
        table.print(baseline=BASE, targets={
            "reply times per agent <= 5x bare scan": f"{table.seconds(AUDIT) / table.seconds(BASE):.1f}x",
            "peak RSS <= 2 GB": f"{audit_rss:,.0f} MB"})
        return
    seconds, first = timed(lambda: rt.summarize("first_response_time", ["agent"], source=store, filters=filters))
    table.add("first response per agent", seconds, f"{int(first['count'].sum()):,} cycles answered")
    seconds, resolved = timed(lambda: rt.summarize("resolution_time", ["agent"], source=store, filters=filters))
    table.add("resolution per agent", seconds, f"{int(resolved['count'].sum()):,} cycles resolved")
    seconds, heat = timed(lambda: rt.summarize("reply_time", ["weekday", "hour"], source=store, filters=filters))
    table.add("reply times per weekday x hour", seconds, f"{len(heat)} cells; peak RSS so far {peak_rss_mb():,.0f} MB")
    params = {"as_of": as_of}
    seconds, n = timed(lambda: store.df(f"WITH c AS ({cycles_sql()}) SELECT count(*) AS n FROM c", params))
    table.add("part: cycle fold alone", seconds, f"{int(n['n'][0]):,} cycles")
    seconds, n = timed(lambda: store.df(f"SELECT count(*) AS n FROM ({ledger_sql()})", params))
    table.add("part: stored ledger as of the cut-off alone", seconds, f"{int(n['n'][0]):,} responses")
    summaries_rss = peak_rss_mb()
    seconds, rows = timed(lambda: ledger(store, filters), args.repeat)
    table.add("interactions.ledger() with business seconds, as a DataFrame", seconds,
              f"{len(rows):,} rows; peak RSS so far {peak_rss_mb():,.0f} MB")
    del rows
    if not args.skip_build:
        seconds, built = ledger_build(args.messages)
        table.add("ledger build: refresh_ledger(every conversation), paid at import (information)", seconds,
                  f"{built:,} rows")

    ratio = table.seconds(AUDIT) / table.seconds(BASE)
    table.print(baseline=BASE, targets={
        "reply times per agent <= 5x bare scan": f"{ratio:.1f}x",
        "peak RSS <= 2 GB": f"{audit_rss:,.0f} MB after reply times per agent, {summaries_rss:,.0f} MB after every "
                            f"summary, {peak_rss_mb():,.0f} MB after the ledger DataFrame"})


if __name__ == "__main__":
    main()
