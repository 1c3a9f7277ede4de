"""`pipeone bench generate --messages N`: wall time, rows/s and peak RSS of synth.generate at scale.

Target: 10M messages (1M contacts, about one conversation of ten messages each) in under 2 minutes,
with bounded memory (the generator works in chunks of contacts).
"""
from __future__ import annotations

import argparse
import shutil
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import DATA, Table, peak_rss_mb, timed  # noqa: E402
from pipeone_analytics import synth  # noqa: E402
from pipeone_analytics.config import Settings  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(prog="pipeone bench generate")
    ap.add_argument("--messages", type=int, default=1_000_000)
    ap.add_argument("--contacts", type=int, help="default: messages / 10")
    ap.add_argument("--format", choices=["csv", "parquet"], default="csv")
    ap.add_argument("--keep", action="store_true", help="keep the generated folder")
    args = ap.parse_args()
    contacts = args.contacts or max(args.messages // 10, 10)
    out = DATA / f"bench-generate-{args.messages}-{args.format}"
    shutil.rmtree(out, ignore_errors=True)
    print(f"generating {args.messages:,} messages for {contacts:,} contacts as {args.format} into {out}", flush=True)
    table = Table(f"synth.generate: {args.messages:,} messages requested, {contacts:,} contacts, {args.format}")
    cpu0 = time.process_time()
    seconds, counts = timed(lambda: synth.generate(out, contacts=contacts, days=90, seed=1, fmt=args.format,
                                                    end="2026-11-22", settings=Settings(),
                                                    messages=args.messages))
    cpu = time.process_time() - cpu0
    total = sum(counts.values())
    size = sum(p.stat().st_size for p in out.iterdir()) / 1e6
    table.add("generate (all tables)", seconds,
              f"{total:,} rows, {total / seconds:,.0f} rows/s; {counts['messages']:,} messages "
              f"({counts['messages'] / args.messages:.1%} of requested), {counts['messages'] / seconds:,.0f} msg/s; "
              f"{size:,.0f} MB written; {cpu:.1f} s CPU (the rest is waiting on a shared machine)")
    for name, n in counts.items():
        print(f"  {name:<14}{n:>12,}")
    table.print(baseline="generate (all tables)",
                targets={"10M messages": "< 120 s, bounded peak RSS (chunks of contacts)"})
    print(f"peak RSS during generate: {peak_rss_mb():,.0f} MB")
    if not args.keep:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
