"""`reports.toml` and `pipeone report due`: run every scheduled period that ended and is not rendered yet."""
from __future__ import annotations

import dataclasses
import datetime as dt
import tomllib
import zoneinfo
from pathlib import Path
from typing import Any, Callable, Mapping

from croniter import croniter

from ..config import Settings
from ..errors import PipeOneError, ValidationError
from ..store import Store
from . import history
from .params import Period, last_full_week, local_today, notebook_path, validate
from .runner import RunResult, run_report

PERIODS = ("day", "week", "month")
DEFAULT_STALE_MINUTES = 120
DEFAULT_CATCH_UP = 8


@dataclasses.dataclass(frozen=True)
class Entry:
    """One scheduled report: cron in the account timezone, the period it covers, its parameters."""

    name: str
    cron: str
    period: str = "week"
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    since: dt.date | None = None


@dataclasses.dataclass(frozen=True)
class Schedule:
    """Every entry of reports.toml, how many missed periods to catch up, and when a run counts as crashed."""

    entries: tuple[Entry, ...]
    catch_up: int = DEFAULT_CATCH_UP
    stale_after_minutes: float = DEFAULT_STALE_MINUTES


def period_before(kind: str, fire: dt.datetime, timezone: str) -> Period:
    """The full day, Monday–Sunday week or calendar month that ended before the fire time's local day."""
    today = local_today(timezone, fire)
    if kind == "day":
        day = today - dt.timedelta(days=1)
        return Period(day, day)
    if kind == "week":
        return last_full_week(timezone, fire)
    end = today.replace(day=1) - dt.timedelta(days=1)
    return Period(end.replace(day=1), end)


def due_periods(entry: Entry, now: dt.datetime, timezone: str, catch_up: int) -> list[Period]:
    """Periods of the last `catch_up` cron fire times up to now (not before entry.since), oldest first."""
    tz = zoneinfo.ZoneInfo(timezone)
    fires = croniter(entry.cron, now.astimezone(tz))
    periods: list[Period] = []
    for _ in range(catch_up):
        period = period_before(entry.period, fires.get_prev(dt.datetime), timezone)
        if entry.since and period.start < entry.since:
            break
        if period not in periods:
            periods.append(period)
    return sorted(periods, key=lambda p: p.start)


def _entry(name: str, raw: Mapping[str, Any], path: Path, notebooks_dir: Path | None,
           settings: Settings) -> Entry:
    where = f"{path} [report.{name}]"
    unknown = sorted(set(raw) - {"cron", "period", "params", "since"})
    if unknown:
        raise ValidationError(f"{where}: unknown key '{unknown[0]}'; use cron, period, params, since")
    cron = raw.get("cron")
    if not isinstance(cron, str) or not croniter.is_valid(cron):
        raise ValidationError(f"{where}: cron {cron!r} is not a cron expression such as \"0 6 * * mon\"")
    period = raw.get("period", "week")
    if period not in PERIODS:
        raise ValidationError(f"{where}: period '{period}' is not one of {', '.join(PERIODS)}")
    params = dict(raw.get("params", {}))
    if {"period_start", "period_end"} & set(params):
        raise ValidationError(f"{where}: period_start and period_end come from the schedule, not params")
    since = raw.get("since")
    if since is not None and not isinstance(since, dt.date):
        raise ValidationError(f"{where}: since {since!r} is not a date such as 2026-11-01")
    try:
        validate(notebook_path(name, notebooks_dir), params, settings)
    except ValidationError as exc:
        raise ValidationError(f"{where}: {exc}") from None
    return Entry(name, cron, period, params, since)


def load_schedule(path: Path, settings: Settings, notebooks_dir: Path | None = None) -> Schedule:
    """Read and check reports.toml; every mistake is a ValidationError naming the file and the key."""
    path = Path(path)
    if not path.exists():
        raise ValidationError(f"no schedule at {path}; pass --schedule FILE")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(f"{path} is not valid TOML: {exc}") from None
    unknown = sorted(set(data) - {"report", "catch_up", "stale_after_minutes"})
    if unknown:
        raise ValidationError(f"{path}: unknown key '{unknown[0]}'; use catch_up, stale_after_minutes, [report.NAME]")
    catch_up, stale = data.get("catch_up", DEFAULT_CATCH_UP), data.get("stale_after_minutes", DEFAULT_STALE_MINUTES)
    if not isinstance(catch_up, int) or catch_up < 1:
        raise ValidationError(f"{path}: catch_up must be a whole number ≥ 1")
    if not isinstance(stale, (int, float)) or stale <= 0:
        raise ValidationError(f"{path}: stale_after_minutes must be positive")
    entries = tuple(_entry(name, raw, path, notebooks_dir, settings) for name, raw in data.get("report", {}).items())
    return Schedule(entries, catch_up, float(stale))


def run_due(settings: Settings, schedule: Schedule, now: dt.datetime | None = None,
            notebooks_dir: Path | None = None,
            run: Callable[..., RunResult] = run_report) -> list[RunResult]:
    """Run every due period not rendered OK yet, oldest first; each is claimed before it runs."""
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=zoneinfo.ZoneInfo(settings.timezone))
    store = Store(settings.db_path, settings)
    results: list[RunResult] = []
    for entry in schedule.entries:
        done = history.done_periods(store, entry.name)
        for period in due_periods(entry, now, settings.timezone, schedule.catch_up):
            if (period.start, period.end) in done:
                continue
            params = {**entry.params, "period_start": period.start.isoformat(),
                      "period_end": period.end.isoformat()}
            run_id = history.claim(store, entry.name, period, params, schedule.stale_after_minutes * 60)
            if run_id is None:
                continue
            try:
                results.append(run(entry.name, params, settings, now=now, notebooks_dir=notebooks_dir,
                                   run_id=run_id, store=store))
            except PipeOneError as exc:
                history.finish(store, run_id, "failed", 0.0, None, None, str(exc))
                raise
    return results
