"""`pipeone demo`: generate a synthetic export, rebuild the store from it, render the reports, say what was built."""
from __future__ import annotations

import time
from pathlib import Path

from . import synth
from .config import Settings
from .store import Store

DEMO_EXPORT = Path("data") / "demo" / "export"
NEXT_STEPS = (
    ("make lab", "explore the notebooks in JupyterLab"),
    ("make serve", "open the inbox and dashboards (Voilà) at http://127.0.0.1:8866"),
    ("pipeone report due", "run the scheduled reports that are due (meant for cron)"),
)


def _step(number: int, total: int, what: str) -> float:
    print(f"[{number}/{total}] {what} ...", flush=True)
    return time.perf_counter()


def _done(started: float) -> None:
    print(f"      done in {time.perf_counter() - started:.1f} s", flush=True)


def run_demo(settings: Settings, contacts: int = 2000, days: int = 90, seed: int = 7,
             export_dir: Path = DEMO_EXPORT) -> int:
    """Generate the demo export (ending yesterday), import it into a fresh store, render the reports; returns 0."""
    from .ingest import import_path
    from .reports import render_demo

    started = _step(1, 3, f"generating {contacts:,} contacts over {days} days (seed {seed}) into {export_dir}")
    counts = synth.generate(export_dir, contacts=contacts, days=days, seed=seed, fmt="csv", settings=settings)
    _done(started)

    started = _step(2, 3, f"rebuilding the store {settings.db_path} from scratch")
    db = Path(settings.db_path)
    for stale in (db, db.with_name(db.name + ".wal")):
        stale.unlink(missing_ok=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    result = import_path(Store(db, settings), export_dir)
    print(result.summary())
    _done(started)

    started = _step(3, 3, "rendering the reports for the last full week")
    index = render_demo(settings)
    _done(started)

    print("\nBuilt:")
    for table, n in counts.items():
        print(f"  {table:<14}{n:>10,}")
    print(f"  export        {Path(export_dir).resolve()}")
    print(f"  store         {db.resolve()}")
    print(f"  reports       {Path(index).resolve()}")
    print("\nNext:")
    for command, what in NEXT_STEPS:
        print(f"  {command:<20}{what}")
    return 0
