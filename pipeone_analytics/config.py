"""Settings: db path, timezone, locale, phone region, business hours, holidays, SLA thresholds.

Read from `pipeone.toml` (the current folder, or the file named by PIPEONE_CONFIG); environment
variables `PIPEONE_<KEY>` override single keys. Every invalid value raises ConfigError naming the key.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import tomllib
import zoneinfo
from pathlib import Path
from typing import Any, Mapping

import phonenumbers

from .errors import ConfigError

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
LOCALES = ("pt_BR", "en")
DEFAULT_HOURS = {d: (("09:00", "18:00"),) for d in WEEKDAYS[:5]} | {d: () for d in WEEKDAYS[5:]}


@dataclasses.dataclass(frozen=True)
class Settings:
    """Account settings; business_hours maps weekday (mon..sun) to ((HH:MM, HH:MM), ...) intervals."""

    db_path: Path = Path("data/pipeone.duckdb")
    timezone: str = "America/Sao_Paulo"
    locale: str = "pt_BR"
    phone_region: str = "BR"
    business_hours: Mapping[str, tuple[tuple[str, str], ...]] = dataclasses.field(
        default_factory=lambda: dict(DEFAULT_HOURS))
    holidays_country: str = "BR"
    holidays_subdivision: str | None = None
    extra_holidays: tuple[dt.date, ...] = ()
    sla_first_response_seconds: tuple[int, ...] = (300, 1800, 3600, 7200)
    sla_reply_seconds: tuple[int, ...] = (300, 1800, 3600, 7200)
    sla_resolution_seconds: tuple[int, ...] = (3600, 14400, 86400)
    lock_deadline_seconds: float = 30.0
    memory_limit: str = "1500MB"  # DuckDB buffer limit; keeps peak RSS under 2 GB on 10M messages
    reports_dir: Path = Path("reports")

    def __post_init__(self) -> None:
        _validate(self)

    def replace(self, **changes: Any) -> "Settings":
        """A copy with some keys changed, validated again."""
        return dataclasses.replace(self, **changes)


def _hhmm(key: str, value: str) -> dt.time:
    try:
        hour, minute = (int(x) for x in str(value).split(":"))
        if value == "24:00":
            return dt.time(23, 59, 59, 999999)
        return dt.time(hour, minute)
    except (ValueError, TypeError):
        raise ConfigError(key, f"'{value}' is not a time of day as HH:MM") from None


def _validate(s: Settings) -> None:
    try:
        zoneinfo.ZoneInfo(s.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ConfigError("timezone", f"'{s.timezone}' is not an IANA timezone such as America/Sao_Paulo") from None
    if s.locale not in LOCALES:
        raise ConfigError("locale", f"'{s.locale}' is not one of {', '.join(LOCALES)}")
    if s.phone_region not in phonenumbers.SUPPORTED_REGIONS:
        raise ConfigError("phone_region", f"'{s.phone_region}' is not a region code such as BR or US")
    import holidays as _holidays

    countries = _holidays.list_supported_countries()
    if s.holidays_country not in countries:
        raise ConfigError("holidays_country", f"'{s.holidays_country}' is not a country the holidays package knows")
    if s.holidays_subdivision and s.holidays_subdivision not in countries[s.holidays_country]:
        raise ConfigError("holidays_subdivision",
                          f"'{s.holidays_subdivision}' is not a subdivision of {s.holidays_country}")
    unknown = set(s.business_hours) - set(WEEKDAYS)
    if unknown:
        raise ConfigError("business_hours", f"unknown weekday {sorted(unknown)[0]!r}; use mon..sun")
    for day, intervals in s.business_hours.items():
        for start, end in intervals:
            if _hhmm(f"business_hours.{day}", start) >= _hhmm(f"business_hours.{day}", end):
                raise ConfigError(f"business_hours.{day}", f"interval {start}-{end} ends before it starts")
    for key in ("sla_first_response_seconds", "sla_reply_seconds", "sla_resolution_seconds"):
        values = getattr(s, key)
        if not values or any((not isinstance(v, int)) or v <= 0 for v in values):
            raise ConfigError(key, "must be a list of positive whole seconds")
    if s.lock_deadline_seconds <= 0:
        raise ConfigError("lock_deadline_seconds", "must be positive")


def _coerce(key: str, raw: Any) -> Any:
    """Turn a TOML or environment value into the field's type."""
    field = {f.name: f for f in dataclasses.fields(Settings)}[key]
    try:
        if key in ("db_path", "reports_dir"):
            return Path(raw)
        if key == "lock_deadline_seconds":
            return float(raw)
        if key.startswith("sla_"):
            items = raw.split(",") if isinstance(raw, str) else raw
            return tuple(int(v) for v in items)
        if key == "extra_holidays":
            items = raw.split(",") if isinstance(raw, str) else raw
            return tuple(v if isinstance(v, dt.date) else dt.date.fromisoformat(str(v).strip())
                         for v in items if str(v).strip())
        if key == "business_hours":
            if isinstance(raw, str):
                import json
                raw = json.loads(raw)
            hours = {d: () for d in WEEKDAYS}
            for day, intervals in dict(raw).items():
                if isinstance(intervals, str):
                    intervals = [i for i in intervals.split(",") if i.strip()]
                hours[str(day).lower()[:3]] = tuple(
                    tuple(i.split("-")) if isinstance(i, str) else tuple(i) for i in intervals)
            return hours
        if key == "holidays_subdivision":
            return raw or None
        return str(raw) if field.type in ("str", str) else raw
    except (ValueError, TypeError) as exc:
        raise ConfigError(key, f"cannot read {raw!r}: {exc}") from None


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None,
                  **overrides: Any) -> Settings:
    """Settings from pipeone.toml, then PIPEONE_* environment variables, then keyword overrides."""
    env = os.environ if env is None else env
    names = {f.name for f in dataclasses.fields(Settings)}
    values: dict[str, Any] = {}
    toml_path = Path(path or env.get("PIPEONE_CONFIG") or "pipeone.toml")
    if toml_path.exists():
        try:
            data = tomllib.loads(toml_path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(toml_path), f"is not valid TOML: {exc}") from None
        for key, raw in data.items():
            if key not in names:
                raise ConfigError(key, f"unknown setting in {toml_path}")
            values[key] = _coerce(key, raw)
    elif path is not None:
        raise ConfigError("config", f"file {toml_path} does not exist")
    for key in names:
        raw = env.get(f"PIPEONE_{key.upper()}")
        if raw is not None:
            values[key] = _coerce(key, raw)
    if env.get("PIPEONE_DB"):
        values["db_path"] = Path(env["PIPEONE_DB"])
    for key, raw in overrides.items():
        if raw is not None:
            values[key] = _coerce(key, raw) if key in names else raw
    return Settings(**values)
