"""The filters every core function takes, and their SQL predicates with named bound parameters."""
from __future__ import annotations

import dataclasses
import datetime as dt
import zoneinfo
from typing import Any, Iterable

import pandas as pd

from ..config import Settings


def to_timestamp(value: Any, timezone: str) -> pd.Timestamp | None:
    """A tz-aware Timestamp; naive values and dates are read in the account timezone."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    ts = pd.Timestamp(value)
    if ts.tzinfo is None:
        ts = ts.tz_localize(zoneinfo.ZoneInfo(timezone))
    return ts


@dataclasses.dataclass(frozen=True)
class Filters:
    """Period [start, end) in the account timezone (a date `end` includes that whole day), plus lists.

    Empty tuples mean "all". `as_of` cuts what happened after it (default: now).
    """

    start: dt.date | dt.datetime | str | None = None
    end: dt.date | dt.datetime | str | None = None
    channels: tuple[str, ...] = ()
    agents: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    as_of: dt.datetime | str | None = None

    def __post_init__(self) -> None:
        for name in ("channels", "agents", "teams", "categories"):
            value = getattr(self, name)
            if isinstance(value, str):
                value = (value,)
            object.__setattr__(self, name, tuple(value or ()))

    def bounds(self, settings: Settings) -> tuple[pd.Timestamp | None, pd.Timestamp | None]:
        """(start, end) as tz-aware timestamps; a date end becomes the next local midnight."""
        start = to_timestamp(self.start, settings.timezone)
        end = self.end
        if isinstance(end, dt.date) and not isinstance(end, dt.datetime):
            end = end + dt.timedelta(days=1)
        elif isinstance(end, str) and len(end) == 10:
            end = dt.date.fromisoformat(end) + dt.timedelta(days=1)
        return start, to_timestamp(end, settings.timezone)

    def params(self, settings: Settings) -> dict[str, Any]:
        """Named parameters: start, end, as_of, channels, agents, teams, categories."""
        start, end = self.bounds(settings)
        as_of = to_timestamp(self.as_of, settings.timezone) or pd.Timestamp.now(tz=settings.timezone)
        return {"start": start, "end": end, "as_of": as_of, "channels": list(self.channels),
                "agents": list(self.agents), "teams": list(self.teams),
                "categories": list(self.categories)}


def in_period(column: str) -> str:
    """SQL: column within [$start, $end), either bound missing meaning open."""
    return (f"(($start::TIMESTAMPTZ IS NULL OR {column} >= $start::TIMESTAMPTZ) AND "
            f"($end::TIMESTAMPTZ IS NULL OR {column} < $end::TIMESTAMPTZ))")


def in_list(column: str, param: str) -> str:
    """SQL: column in the list parameter $param, an empty list meaning all."""
    return f"(len(${param}::VARCHAR[]) = 0 OR list_contains(${param}::VARCHAR[], {column}))"


def used_params(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """Only the named parameters that the SQL mentions (DuckDB rejects unused ones)."""
    return {k: v for k, v in params.items() if f"${k}" in sql}


def as_tuple(values: Iterable[str] | str | None) -> tuple[str, ...]:
    """A tuple from a list, a single string, or None."""
    if values is None:
        return ()
    return (values,) if isinstance(values, str) else tuple(values)
