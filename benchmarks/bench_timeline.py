"""A contact's timeline with 100k messages, one page at a time: `pipeone bench timeline`.

On benchmarks.bench_status.timeline_store(--timeline-messages) (contact 'big': 100k messages in 200 conversations,
with events and tickets, among 900k messages of 90k other contacts), the best wall time of --repeat runs of
timeline(), and in the notes the least CPU time (every DuckDB thread) of as many more runs, steadier on a busy machine:
- the fixed cost of every call: opening a read connection and running SELECT 1 (the baseline);
- the newest page of 50 items;
- a page 50k items back, by cursor;
- the same cursor with a channel filter (sms);
- the 'newer' direction from that cursor, and the oldest page;
- for reference, the newest page and the page 50k back read on one kept read connection (ops' BoundStore): what a
  call would cost without opening a connection and without a cold buffer pool.
Each call above those opens its own connection, as the inbox does. Target (issue #3): <= 100 ms a page.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_status import timeline_store  # noqa: E402
from benchmarks.common import Table, timed  # noqa: E402
from pipeone_analytics.core.timeline import timeline  # noqa: E402
from pipeone_analytics.ops.audit import BoundStore  # noqa: E402

BASELINE = "open a read connection + SELECT 1 (in every call)"


def cpu_timed(fn, repeat: int) -> float:
    """Least CPU seconds of this process (every DuckDB thread) over `repeat` runs: steadier on a busy machine."""
    best = float("inf")
    for _ in range(repeat):
        start = time.process_time()
        fn()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(prog="pipeone bench timeline")
    parser.add_argument("--timeline-messages", type=int, default=100_000)
    parser.add_argument("--messages", type=int, help="ignored: the timeline has its own store")
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    store = timeline_store(args.timeline_messages)
    table = Table(f"timeline, contact 'big' with {args.timeline_messages:,} messages (store {store.path}), "
                  f"best of {args.repeat}")
    store.df("SELECT 1")  # the first read checks the migrations once
    seconds, _ = timed(lambda: store.df("SELECT 1"), args.repeat)
    table.add(BASELINE, seconds, f"CPU {cpu_timed(lambda: store.df('SELECT 1'), args.repeat) * 1000:.0f} ms")
    cursor = timeline(store, "big", limit=5000).next_cursor
    for _ in range(9):
        cursor = timeline(store, "big", cursor=cursor, limit=5000).next_cursor
    cases = {
        "newest page (50 items)": {},
        "a page 50k items back, by cursor": {"cursor": cursor},
        "the same cursor, channel sms": {"cursor": cursor, "channels": "sms"},
        "the same cursor, direction newer": {"cursor": cursor, "direction": "newer"},
        "oldest page (direction newer, no cursor)": {"direction": "newer"},
    }
    for what, kwargs in cases.items():
        seconds, page = timed(lambda: timeline(store, "big", **kwargs), args.repeat)
        cpu = cpu_timed(lambda: timeline(store, "big", **kwargs), args.repeat)
        table.add(f"timeline(): {what}", seconds, f"{len(page.items)} items; CPU {cpu * 1000:.0f} ms")
    pages = [table.seconds(w) for w, _, _ in table.rows[1:]]
    with store.read() as con:
        kept = BoundStore(con, store)
        for what, kwargs in list(cases.items())[:2]:
            seconds, page = timed(lambda: timeline(kept, "big", **kwargs), args.repeat)
            cpu = cpu_timed(lambda: timeline(kept, "big", **kwargs), args.repeat)
            table.add(f"for reference, on one kept connection: {what}", seconds,
                      f"{len(page.items)} items; CPU {cpu * 1000:.0f} ms")
    table.print(baseline=BASELINE, targets={
        "timeline page <= 100 ms (issue #3)": f"slowest {max(pages) * 1000:.0f} ms, newest "
                                              f"{pages[0] * 1000:.0f} ms, 50k back {pages[1] * 1000:.0f} ms"})


if __name__ == "__main__":
    main()
