"""Report names and parameters: validated in the parent process, before any kernel starts."""
from __future__ import annotations

import ast
import dataclasses
import datetime as dt
import os
import zoneinfo
from pathlib import Path
from typing import Any, Callable, Mapping

from ..config import LOCALES, Settings
from ..errors import ValidationError
from ..i18n import CHANNELS

NOTEBOOKS_DIR = Path(__file__).resolve().parents[2] / "notebooks" / "reports"
NOTEBOOKS_ENV = "PIPEONE_REPORT_NOTEBOOKS"
TRUE = {"true", "yes", "1", "on"}
FALSE = {"false", "no", "0", "off", "", "none"}


@dataclasses.dataclass(frozen=True)
class Period:
    """An inclusive range of local calendar days."""

    start: dt.date
    end: dt.date

    @property
    def slug(self) -> str:
        """The folder name of the period: 2026-11-16_2026-11-22."""
        return f"{self.start.isoformat()}_{self.end.isoformat()}"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1))


def local_today(timezone: str, now: dt.datetime | None = None) -> dt.date:
    """Today's date in the timezone (now defaults to the clock)."""
    now = now or dt.datetime.now(dt.timezone.utc)
    if now.tzinfo is None:
        now = now.replace(tzinfo=zoneinfo.ZoneInfo(timezone))
    return now.astimezone(zoneinfo.ZoneInfo(timezone)).date()


def last_full_week(timezone: str, now: dt.datetime | None = None) -> Period:
    """Monday to Sunday of the last week that ended before today in the timezone."""
    today = local_today(timezone, now)
    end = today - dt.timedelta(days=today.weekday() + 1)
    return Period(end - dt.timedelta(days=6), end)


def notebooks_dir(given: Path | None = None) -> Path:
    """Where report notebooks live: given, else $PIPEONE_REPORT_NOTEBOOKS, else notebooks/reports/."""
    return Path(given or os.environ.get(NOTEBOOKS_ENV) or NOTEBOOKS_DIR)


def report_names(folder: Path | None = None) -> list[str]:
    """Names of the report notebooks."""
    return sorted(p.stem for p in notebooks_dir(folder).glob("*.ipynb"))


def notebook_path(name: str, folder: Path | None = None) -> Path:
    """The notebook of a report name, or ValidationError listing the names."""
    path = notebooks_dir(folder) / f"{name}.ipynb"
    if "/" in name or not path.exists():
        names = ", ".join(report_names(folder)) or "none"
        raise ValidationError(f"unknown report '{name}'; available: {names}")
    return path


def _date(key: str, raw: Any) -> dt.date | None:
    if raw is None or isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise ValidationError(f"parameter {key}: '{raw}' is not a date as YYYY-MM-DD") from None


def _timezone(key: str, raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    try:
        zoneinfo.ZoneInfo(str(raw))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise ValidationError(f"parameter {key}: '{raw}' is not an IANA timezone such as America/Sao_Paulo") from None
    return str(raw)


def _locale(key: str, raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    if raw not in LOCALES:
        raise ValidationError(f"parameter {key}: '{raw}' is not one of {', '.join(LOCALES)}")
    return str(raw)


def _channels(key: str, raw: Any) -> list[str]:
    items = raw if isinstance(raw, (list, tuple)) else str(raw or "").split(",")
    channels = [str(c).strip().lower() for c in items if str(c).strip()]
    unknown = [c for c in channels if c not in CHANNELS]
    if unknown:
        raise ValidationError(f"parameter {key}: unknown channel '{unknown[0]}'; use {', '.join(CHANNELS)}")
    return channels


def _bool(key: str, raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = str(raw).strip().lower()
    if text in TRUE | FALSE:
        return text in TRUE
    raise ValidationError(f"parameter {key}: '{raw}' is not true or false")


def _text(key: str, raw: Any) -> str | None:
    return None if raw is None or str(raw) == "" else str(raw)


def _number(kind: type) -> Callable[[str, Any], Any]:
    def parse(key: str, raw: Any) -> Any:
        try:
            return kind(raw)
        except (TypeError, ValueError):
            raise ValidationError(f"parameter {key}: '{raw}' is not a {kind.__name__}") from None
    return parse


# The parameters every report notebook may declare, and how each is read from text.
KNOWN: dict[str, Callable[[str, Any], Any]] = {
    "db": _text, "period_start": _date, "period_end": _date, "timezone": _timezone,
    "locale": _locale, "channels": _channels, "team": _text, "mask_pii": _bool,
}
_BY_TYPE: dict[str, Callable[[str, Any], Any]] = {
    "int": _number(int), "float": _number(float), "bool": _bool}


def _type_name(spec: Mapping[str, Any]) -> str:
    """The declared type of a parameter: its annotation, else the type of its literal default."""
    if spec.get("inferred_type_name") in _BY_TYPE:
        return spec["inferred_type_name"]
    try:
        return type(ast.literal_eval(spec.get("default") or "None")).__name__
    except (ValueError, SyntaxError):
        return ""


def declared(path: Path) -> dict[str, dict[str, Any]]:
    """The parameters a notebook declares in its `parameters` cell (papermill.inspect_notebook)."""
    import papermill

    return papermill.inspect_notebook(str(path))


def split_assignments(items: list[str]) -> dict[str, str]:
    """`key=value` strings from the command line as a dict; a malformed one is a ValidationError."""
    values: dict[str, str] = {}
    for item in items:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise ValidationError(f"parameter '{item}' is not KEY=VALUE")
        values[key.strip()] = value.strip()
    return values


def _check_team(team: str, db: Path, settings: Settings) -> None:
    """ValidationError when no agent of the store is in the team."""
    from ..store import Store

    teams = Store(db, settings.replace(db_path=db)).df(
        "SELECT DISTINCT team FROM agents WHERE team IS NOT NULL ORDER BY team")["team"].tolist()
    if team not in teams:
        raise ValidationError(f"parameter team: no agent is in team '{team}'; teams: {', '.join(teams) or 'none'}")


def validate(path: Path, raw: Mapping[str, Any], settings: Settings,
             now: dt.datetime | None = None) -> tuple[dict[str, Any], Period]:
    """Typed papermill parameters (db, period and locale filled in) and the period, or ValidationError."""
    names = declared(path)
    unknown = sorted(set(raw) - set(names))
    if unknown:
        raise ValidationError(f"report {path.stem} has no parameter '{unknown[0]}'; "
                              f"its parameters: {', '.join(names)}")
    values: dict[str, Any] = {}
    for key, value in raw.items():
        values[key] = (KNOWN.get(key) or _BY_TYPE.get(_type_name(names[key]), _text))(key, value)
    timezone = values.get("timezone") or settings.timezone
    start, end = values.get("period_start"), values.get("period_end")
    if (start is None) != (end is None):
        raise ValidationError("give both period_start and period_end, or neither (default: the last full week)")
    period = Period(start, end) if start else last_full_week(timezone, now)
    if period.end < period.start:
        raise ValidationError(f"period_end {period.end} is before period_start {period.start}")
    db = Path(values.get("db") or settings.db_path).resolve()
    if not db.exists():
        raise ValidationError(f"no store at {db}: run `pipeone import` or `pipeone demo` first")
    if values.get("team"):
        _check_team(values["team"], db, settings)
    defaults = {"db": str(db), "period_start": period.start.isoformat(), "period_end": period.end.isoformat(),
                "timezone": timezone, "locale": values.get("locale") or settings.locale}
    for key, value in defaults.items():
        if key in names:
            values[key] = value
    for key, value in list(values.items()):
        if isinstance(value, dt.date):
            values[key] = value.isoformat()
    return values, period
