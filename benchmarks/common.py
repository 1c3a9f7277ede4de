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
