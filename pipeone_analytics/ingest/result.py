"""The outcome of one import: its run id, per-table counts and warnings, printable as a summary table."""
from __future__ import annotations

from dataclasses import dataclass, field

COUNTS = ("read", "inserted", "updated", "unchanged", "rejected")


@dataclass
class ImportResult:
    """counts: {table: {read, inserted, updated, unchanged, rejected}}; read = the other four summed."""

    run_id: int
    source: str
    fmt: str
    timezone: str
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)   # wall time per table (files hashed alongside)
    warnings: list[str] = field(default_factory=list)
    derived_rows: dict[str, int] = field(default_factory=dict)  # per derived table, rows rebuilt for what changed
    derived_seconds: float = 0.0

    @property
    def ledger_rows(self) -> int:
        """Interaction ledger rows rebuilt for the conversations this import changed."""
        return self.derived_rows.get("ledger", 0)

    def total(self, what: str) -> int:
        """One count summed over every table."""
        return sum(c[what] for c in self.counts.values())

    def summary(self) -> str:
        """A table of counts per table, then the warnings and where the rejected rows are."""
        lines = [f"import run {self.run_id}: {self.source} ({self.fmt}, naive times in {self.timezone})", "",
                 f"{'table':<14}" + "".join(f"{c:>12}" for c in COUNTS) + f"{'seconds':>10}"]
        for table, counts in self.counts.items():
            lines.append(f"{table:<14}" + "".join(f"{counts[c]:>12,}" for c in COUNTS)
                         + f"{self.seconds.get(table, 0):>10.2f}")
        lines.append(f"{'total':<14}" + "".join(f"{self.total(c):>12,}" for c in COUNTS)
                     + f"{sum(self.seconds.values()):>10.2f}")
        if any(self.derived_rows.values()):
            rows = ", ".join(f"{name} {n:,}" for name, n in self.derived_rows.items())
            lines.append(f"derived tables rebuilt in {self.derived_seconds:.2f} s, rows: {rows}")
        lines += [f"warning: {w}" for w in self.warnings]
        if self.total("rejected"):
            lines.append(f"{self.total('rejected'):,} rejected rows with their reasons: "
                         f"SELECT * FROM import_rejects WHERE run_id = {self.run_id}")
        return "\n".join(lines)
