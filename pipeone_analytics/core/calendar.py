"""Business time: the account's working intervals (weekly schedule minus holidays) and business seconds in SQL.

A moment is *business time* when its wall-clock time in the account timezone falls inside the schedule
of its local date (Settings.business_hours, per weekday) and that date is not a holiday (the `holidays`
package for Settings.holidays_country / holidays_subdivision, plus Settings.extra_holidays).

Across DST changes the wall-clock rule is applied exactly: a skipped wall hour is not worked, a repeated
wall hour inside the schedule is worked twice. Business seconds between two moments are elapsed real
seconds of business time, computed for any number of pairs at once as cum(end) - cum(start), where cum(t)
is the business time from the start of the interval table up to t (a hash join on time buckets, or an
ASOF join on the intervals when the boundaries are not whole minutes).
The result is signed: a reversed pair (end before start) gives minus the business seconds of the
ordered pair, an equal pair gives 0, and a missing start or end gives NULL.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import uuid
import zoneinfo
from typing import Iterator

import duckdb
import holidays as holidays_package
import numpy as np
import pandas as pd

from ..config import WEEKDAYS, Settings
from ..store import Store

# Offsets are sampled this often to find a timezone's transitions (no real zone changes twice within it).
_SAMPLE = pd.Timedelta(hours=6)
# Days of margin added around the moments of a business clock, so every lookup lands inside its table.
_MARGIN_DAYS = 2
# A business clock joins by equal time buckets up to this many, else by ASOF on the intervals.
_MAX_BUCKETS = 5_000_000
_HOUR_US = 3_600_000_000


def holiday_dates(settings: Settings, start: dt.date, end: dt.date) -> set[dt.date]:
    """Holidays of the configured country (and subdivision) from start to end, plus extra_holidays."""
    found = holidays_package.country_holidays(settings.holidays_country, subdiv=settings.holidays_subdivision,
                                              years=range(start.year, end.year + 1))
    return {d for d in [*found, *settings.extra_holidays] if start <= d <= end}


def _clock(hhmm: str) -> pd.Timedelta:
    """'09:30' -> 9 h 30 min after midnight; '24:00' is the next midnight."""
    hour, minute = (int(x) for x in hhmm.split(":"))
    return pd.Timedelta(hours=hour, minutes=minute)


def _wall_intervals(settings: Settings, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Naive local wall-clock working intervals of every non-holiday day. Columns: wall_start, wall_end."""
    days = pd.DataFrame({"day": pd.date_range(start, end, freq="D")})
    days = days[~days["day"].dt.date.isin(holiday_dates(settings, start, end))]
    days["weekday"] = days["day"].dt.day_of_week.astype("int32")
    hours = [(i, a, b) for i, name in enumerate(WEEKDAYS) for a, b in settings.business_hours.get(name, ())]
    schedule = pd.DataFrame({"weekday": pd.Series([h[0] for h in hours], dtype="int32"),
                             "opens": pd.to_timedelta([_clock(h[1]) for h in hours]),
                             "closes": pd.to_timedelta([_clock(h[2]) for h in hours])})
    rows = days.merge(schedule, on="weekday")
    return pd.DataFrame({"wall_start": rows["day"] + rows["opens"], "wall_end": rows["day"] + rows["closes"]})


def _offset_segments(timezone: str, lo: pd.Timestamp, hi: pd.Timestamp) -> list[tuple[pd.Timestamp, pd.Timestamp, pd.Timedelta]]:
    """(utc_start, utc_end, utc_offset) pieces of [lo, hi) (naive UTC) over which the zone's offset is constant."""
    zone = zoneinfo.ZoneInfo(timezone)
    grid = pd.date_range(lo.floor("h"), hi + _SAMPLE, freq=_SAMPLE, tz="UTC")
    offsets = grid.tz_convert(timezone).tz_localize(None) - grid.tz_localize(None)

    def offset(seconds: int) -> dt.timedelta:
        return dt.datetime.fromtimestamp(seconds, zone).utcoffset()

    cuts = [grid[0].tz_localize(None)]
    for i in (offsets[1:] != offsets[:-1]).nonzero()[0]:
        before, after = int(grid[i].timestamp()), int(grid[i + 1].timestamp())
        while after - before > 1:  # bisect to the first second of the new offset
            middle = (before + after) // 2
            before, after = (middle, after) if offset(middle) == offset(before) else (before, middle)
        cuts.append(pd.Timestamp(after, unit="s"))
    cuts.append(grid[-1].tz_localize(None))
    return [(a, b, pd.Timedelta(offset(int(a.tz_localize("UTC").timestamp()))))
            for a, b in zip(cuts[:-1], cuts[1:]) if b > a]


def business_intervals(settings: Settings, start: dt.date, end: dt.date) -> pd.DataFrame:
    """Working intervals of the local days start..end (both included), merged, in time order.

    Columns: start_at, end_at (TIMESTAMPTZ in the account timezone), seconds (length of the interval),
    cum_seconds_before (business seconds of the earlier intervals of this table).
    """
    wall = _wall_intervals(settings, start, end)
    lo = pd.Timestamp(start) - pd.Timedelta(days=1)
    hi = pd.Timestamp(end) + pd.Timedelta(days=2)
    pieces = []
    for utc_start, utc_end, off in _offset_segments(settings.timezone, lo, hi):
        # The moments of this segment whose wall time lies in a working interval.
        inside = wall[(wall["wall_end"] > utc_start + off) & (wall["wall_start"] < utc_end + off)]
        pieces.append(pd.DataFrame({"start_at": inside["wall_start"].clip(lower=utc_start + off) - off,
                                    "end_at": inside["wall_end"].clip(upper=utc_end + off) - off}))
    found = pd.concat(pieces, ignore_index=True) if pieces else pd.DataFrame(columns=["start_at", "end_at"])
    found = found[found["end_at"] > found["start_at"]].sort_values("start_at", ignore_index=True)
    # Merge overlapping or touching pieces: a new interval starts where no earlier piece reaches.
    reach = found["end_at"].cummax().shift()
    group = (found["start_at"] > reach).cumsum()
    merged = found.groupby(group, sort=True).agg(start_at=("start_at", "min"), end_at=("end_at", "max"))
    out = pd.DataFrame({
        "start_at": pd.DatetimeIndex(merged["start_at"]).tz_localize("UTC").tz_convert(settings.timezone),
        "end_at": pd.DatetimeIndex(merged["end_at"]).tz_localize("UTC").tz_convert(settings.timezone)})
    out["seconds"] = (out["end_at"] - out["start_at"]).dt.total_seconds()
    out["cum_seconds_before"] = out["seconds"].cumsum() - out["seconds"]
    return out


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _lookup(intervals: pd.DataFrame, lo_us: int, hi_us: int) -> tuple[pd.DataFrame, dict[str, int] | None]:
    """The table that maps a moment to cum(t), and the bucket parameters (None for the ASOF form).

    When every interval boundary is a multiple of a bucket size (the gcd of the boundaries and one hour:
    an hour for whole-hour schedules, a minute for HH:MM ones) and [lo, hi] holds few enough buckets, the
    table has one row per bucket (k, cum_us at its start, inside: the bucket is business time), joined by
    equality on k; otherwise it is the intervals themselves, joined by ASOF.
    """
    start_us = intervals["start_at"].astype("datetime64[us, UTC]").astype("int64").to_numpy()
    end_us = intervals["end_at"].astype("datetime64[us, UTC]").astype("int64").to_numpy()
    cum_us = (intervals["cum_seconds_before"] * 1_000_000).round().astype("int64").to_numpy()
    size = int(np.gcd.reduce(np.concatenate([start_us, end_us, [_HOUR_US]])))
    base = lo_us // size * size
    count = (hi_us - base) // size + 1
    if count > _MAX_BUCKETS:
        return pd.DataFrame({"start_at": intervals["start_at"], "start_us": start_us, "end_us": end_us,
                             "cum_us": cum_us}), None
    moments = base + np.arange(count, dtype="int64") * size
    found = np.searchsorted(start_us, moments, side="right") - 1
    at = found.clip(min=0)
    before = (found >= 0) & (len(start_us) > 0)
    start_us, end_us, cum_us = (a if len(a) else np.zeros(1, dtype="int64") for a in (start_us, end_us, cum_us))
    return pd.DataFrame({
        "k": np.arange(count, dtype="int64"),
        "cum_us": np.where(before, cum_us[at] + np.minimum(moments, end_us[at]) - start_us[at], 0),
        "inside": before & (moments < end_us[at])}), {"base": base, "size": size}


@dataclasses.dataclass(frozen=True)
class BusinessClock:
    """Cumulative business time B(t) of a registered lookup table, so that business seconds = B(end) - B(start).

    Only moments inside the range the clock was made for may be looked up (see business_clock).
    """

    table: str
    params: dict[str, int]  # bound parameters of its SQL: the bucket base and size (none for the ASOF form)

    def joins(self, start: str, end: str) -> str:
        """The join clauses that look up B(start) and B(end) (SQL expressions over the tables joined before)."""
        if not self.params:
            return (f"ASOF LEFT JOIN {self.table} _b_start ON {start} >= _b_start.start_at "
                    f"ASOF LEFT JOIN {self.table} _b_end ON {end} >= _b_end.start_at")
        bucket = "(epoch_us({}) - $business_base) // $business_size".format
        return (f"LEFT JOIN {self.table} _b_start ON _b_start.k = {bucket(start)} "
                f"LEFT JOIN {self.table} _b_end ON _b_end.k = {bucket(end)}")

    def _cum(self, moment: str, lookup: str) -> str:
        if not self.params:
            return f"coalesce({lookup}.cum_us + least(epoch_us({moment}), {lookup}.end_us) - {lookup}.start_us, 0)"
        return (f"({lookup}.cum_us + CASE WHEN {lookup}.inside "
                f"THEN epoch_us({moment}) - ($business_base + {lookup}.k * $business_size) ELSE 0 END)")

    def seconds(self, start: str, end: str) -> str:
        """SQL: business seconds from start to end (DOUBLE; NULL when either is NULL), over joins(start, end)."""
        return (f"CASE WHEN {start} IS NOT NULL AND {end} IS NOT NULL "
                f"THEN ({self._cum(end, '_b_end')} - {self._cum(start, '_b_start')}) / 1e6 END")


@contextlib.contextmanager
def business_clock(con: duckdb.DuckDBPyConnection, settings: Settings, lo: pd.Timestamp,
                   hi: pd.Timestamp) -> Iterator[BusinessClock]:
    """B(t) for every moment t in [lo, hi], registered on con while the block runs (see _lookup).

    Business seconds of many pairs then cost two joins against a small table inside any query:
    `SELECT <clock.seconds(s, e)> FROM t <clock.joins(s, e)>`, run with clock.params.
    """
    first = lo.tz_convert(settings.timezone).date() - dt.timedelta(days=_MARGIN_DAYS)
    last = hi.tz_convert(settings.timezone).date() + dt.timedelta(days=_MARGIN_DAYS)
    frame, buckets = _lookup(business_intervals(settings, first, last), lo.value // 1000, hi.value // 1000)
    name = f"_business_lookup_{uuid.uuid4().hex}"
    con.register(name, frame)
    try:
        yield BusinessClock(name, {} if buckets is None else {"business_base": buckets["base"],
                                                              "business_size": buckets["size"]})
    finally:
        con.unregister(name)


def add_business_seconds(con: duckdb.DuckDBPyConnection, table: str, start_col: str, end_col: str,
                         out_col: str, settings: Settings) -> None:
    """Fill table.out_col (DOUBLE, added when missing) with business seconds from start_col to end_col.

    One UPDATE joining each end to the business clock of the columns' date range; NULL in -> NULL out.
    """
    s, e, out = _ident(start_col), _ident(end_col), _ident(out_col)
    columns = [d[0] for d in con.execute(f"SELECT * FROM {table} LIMIT 0").description]
    if out_col not in columns:
        con.execute(f"ALTER TABLE {table} ADD COLUMN {out} DOUBLE")
    lo, hi = con.execute(f"SELECT least(min({s}), min({e}))::TIMESTAMPTZ, "
                         f"greatest(max({s}), max({e}))::TIMESTAMPTZ FROM {table}").df().iloc[0]
    if pd.isna(lo):
        con.execute(f"UPDATE {table} SET {out} = NULL")
        return
    with business_clock(con, settings, lo, hi) as clock:
        con.execute(f"""
            UPDATE {table} SET {out} = b.v FROM (
                SELECT t.rowid AS rid, {clock.seconds(f"t.{s}", f"t.{e}")} AS v
                FROM {table} t {clock.joins(f"t.{s}", f"t.{e}")}
            ) b WHERE {table}.rowid = b.rid""", clock.params)


def business_seconds(source: Store | Settings, pairs: pd.DataFrame) -> pd.Series:
    """Business seconds from pairs['start'] to pairs['end'] (naive times are account-local), aligned to pairs.

    Signed: a reversed pair is negative, an equal pair 0, a missing end or start NULL.
    """
    store = Store.memory(source) if isinstance(source, Settings) else source
    frame = pd.DataFrame({"i": range(len(pairs)), "start": pairs["start"].reset_index(drop=True),
                          "end": pairs["end"].reset_index(drop=True)})
    name = f"_pairs_{uuid.uuid4().hex}"
    with store.read() as con:
        con.register(f"{name}_in", frame)
        con.execute(f'CREATE TEMP TABLE {name} AS SELECT i, "start"::TIMESTAMPTZ AS s, "end"::TIMESTAMPTZ AS e '
                    f"FROM {name}_in")
        con.unregister(f"{name}_in")
        try:
            add_business_seconds(con, name, "s", "e", "business_seconds", store.settings)
            values = con.execute(f"SELECT business_seconds FROM {name} ORDER BY i").df()["business_seconds"]
        finally:
            con.execute(f"DROP TABLE {name}")
    return pd.Series(values.to_numpy(), index=pairs.index, name="business_seconds", dtype="float64")

