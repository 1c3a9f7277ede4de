"""Scheduled reports: papermill runs of notebooks/reports/, offline HTML, reports.toml schedule, run history."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
import zoneinfo
from pathlib import Path

import pandas as pd

from typing import TYPE_CHECKING, Any

from ..config import Settings
from ..errors import ValidationError
from ..i18n import fmt_duration
from ..store import Store
from .params import Period, last_full_week, report_names, split_assignments

if TYPE_CHECKING:
    from .runner import RunResult

__all__ = ["cli", "render_demo", "run_report", "run_due", "load_schedule", "runs", "RunResult"]
# Report kernels import this package for context and sections; papermill and nbconvert load only when used.
_LAZY = {"run_report": "runner", "RunResult": "runner", "run_due": "schedule", "load_schedule": "schedule",
         "runs": "history", "write_index": "index"}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(f".{_LAZY[name]}", __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def _say(result: "RunResult") -> None:
    if result.ok:
        print(f"ok      {result.name} {result.period.slug} in {result.duration:.1f} s: {result.html_path}")
    else:
        print(f"pipeone: error: report {result.name} {result.period.slug} failed at {result.error} "
              f"(partial notebook: {result.notebook_path})", file=sys.stderr)


def _now(text: str | None, settings: Settings) -> dt.datetime | None:
    if not text:
        return None
    try:
        now = dt.datetime.fromisoformat(text)
    except ValueError:
        raise ValidationError(f"--now '{text}' is not an ISO date and time such as 2026-11-23T06:05") from None
    return now if now.tzinfo else now.replace(tzinfo=zoneinfo.ZoneInfo(settings.timezone))


def _list(settings: Settings) -> int:
    from .history import runs

    frame = runs(Store(settings.db_path, settings))
    if frame.empty:
        print("no report runs yet")
        return 0
    for run in frame.itertuples(index=False):
        duration = fmt_duration(run.duration_seconds, "en") if pd.notna(run.duration_seconds) else ""
        where = run.html_path if isinstance(run.html_path, str) else (run.error or "")
        print(f"{run.status:<8}{run.name:<22}{run.period_start:%Y-%m-%d}..{run.period_end:%Y-%m-%d}  "
              f"{run.started_at:%Y-%m-%d %H:%M}  {duration:>8}  {where}")
    return 0


def cli(args: argparse.Namespace, settings: Settings) -> int:
    """`pipeone report run|due|list`; exit 1 when a report fails, 2 (via PipeOneError) for user errors."""
    from .runner import run_report
    from .schedule import load_schedule, run_due

    if args.report_command == "run":
        result = run_report(args.name, split_assignments(args.param), settings)
        _say(result)
        return 0 if result.ok else 1
    if args.report_command == "due":
        schedule = load_schedule(Path(args.schedule), settings)
        results = run_due(settings, schedule, now=_now(args.now, settings))
        for result in results:
            _say(result)
        if not results:
            print("nothing due")
        return 0 if all(r.ok for r in results) else 1
    return _list(settings)


def demo_period(settings: Settings) -> Period:
    """The last full Monday–Sunday week of the messages in the store (account timezone)."""
    from .context import read_only_store

    value = read_only_store(settings).df(
        "SELECT max(sent_at)::DATE AS last_day FROM messages")["last_day"].iloc[0]
    if pd.isna(value):
        raise ValidationError(f"the store {settings.db_path} holds no messages; import an export first")
    last = pd.Timestamp(value).date()
    noon_after = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(12))
    return last_full_week(settings.timezone, noon_after)


def render_demo(settings: Settings) -> Path:
    """Render every report for the store's last full week; returns the path of reports/index.html."""
    from .index import write_index
    from .runner import run_report

    period = demo_period(settings)
    params = {"period_start": period.start.isoformat(), "period_end": period.end.isoformat()}
    for name in report_names():
        result = run_report(name, params, settings)
        _say(result)
    return write_index(Store(settings.db_path, settings), settings)
