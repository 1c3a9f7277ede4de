"""Business hours: hand-worked pairs (weekends, Brazilian holidays, night, DST) and a minute-stepping property test."""
from __future__ import annotations

import datetime as dt
import functools
import zoneinfo

import holidays as holidays_package
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from pipeone_analytics.config import WEEKDAYS, Settings
from pipeone_analytics.core import calendar as calendar_module
from pipeone_analytics.core.calendar import add_business_seconds, business_intervals, business_seconds, holiday_dates
from pipeone_analytics.store import Store

SP = Settings()  # America/Sao_Paulo, Mon-Fri 09:00-18:00, BR national holidays
ALL_DAY = {d: (("00:00", "24:00"),) for d in WEEKDAYS}


def one(settings: Settings, start: str, end: str) -> float:
    """Business seconds of one pair given as account-local wall times."""
    return business_seconds(settings, pd.DataFrame({"start": [start], "end": [end]})).iloc[0]


def test_friday_evening_to_monday_morning() -> None:
    # Fri 2024-11-08 17:00-18:00 = 1 h, Sat/Sun closed, Mon 2024-11-11 09:00-10:00 = 1 h -> 7200 s.
    assert one(SP, "2024-11-08 17:00", "2024-11-11 10:00") == 7200


def test_pair_entirely_at_night_is_zero() -> None:
    # Tue 19:00 -> Wed 08:00: both after closing and before opening.
    assert one(SP, "2024-11-12 19:00", "2024-11-13 08:00") == 0


def test_brazilian_national_holidays() -> None:
    # Thu 2024-11-14 17:00-18:00 = 1 h; Fri 11-15 Proclamação da República; weekend; Mon 09:00-10:00 = 1 h.
    assert one(SP, "2024-11-14 17:00", "2024-11-18 10:00") == 7200
    # Tue 2024-11-19 17:00-18:00 = 1 h; Wed 11-20 Consciência Negra (national since 2024); Thu 09-10 = 1 h.
    assert one(SP, "2024-11-19 17:00", "2024-11-21 10:00") == 7200
    # The same weekdays in 2022, when 11-20 was not national (it was a Sunday anyway; use 2023, a Monday):
    # Fri 2023-11-17 17:00-18:00 = 1 h, weekend, Mon 11-20 09:00-18:00 = 9 h, Tue 09-10 = 1 h -> 11 h.
    assert one(SP, "2023-11-17 17:00", "2023-11-21 10:00") == 11 * 3600


def test_carnival_is_not_a_national_holiday_in_the_package() -> None:
    # holidays' BR list has Carnival only in its optional category: 2024-02-12/13 are working days.
    assert not {dt.date(2024, 2, 12), dt.date(2024, 2, 13)} & holiday_dates(SP, dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    # Fri 17-18 = 1 h + Mon 9 h + Tue 9 h + Wed 2024-02-14 09-10 = 1 h -> 20 h.
    assert one(SP, "2024-02-09 17:00", "2024-02-14 10:00") == 20 * 3600


def test_state_holiday_only_with_subdivision() -> None:
    # Tue 2024-07-09 is the Revolução Constitucionalista, a São Paulo state holiday.
    # Without subdivision: Mon 17-18 = 1 h + Tue 9 h + Wed 09-10 = 1 h -> 11 h.
    assert one(SP, "2024-07-08 17:00", "2024-07-10 10:00") == 11 * 3600
    # With SP: Tuesday is off -> 2 h.
    assert one(SP.replace(holidays_subdivision="SP"), "2024-07-08 17:00", "2024-07-10 10:00") == 7200


def test_per_weekday_schedule_with_saturday_morning() -> None:
    hours = dict(SP.business_hours) | {"sat": (("09:00", "13:00"),)}
    # Fri 17-18 = 1 h + Sat 09-13 = 4 h + Mon 09-10 = 1 h -> 6 h.
    assert one(SP.replace(business_hours=hours), "2024-11-08 17:00", "2024-11-11 10:00") == 6 * 3600


def test_split_day_schedule() -> None:
    hours = {d: (("08:00", "12:00"), ("13:00", "17:00")) for d in WEEKDAYS[:5]}
    # Mon 11:00 -> 14:00: 11-12 = 1 h, lunch closed, 13-14 = 1 h -> 2 h.
    assert one(SP.replace(business_hours=hours), "2024-11-11 11:00", "2024-11-11 14:00") == 7200


def test_extra_holidays() -> None:
    extra = SP.replace(extra_holidays=(dt.date(2024, 11, 11),))
    # Fri 17-18 = 1 h, weekend, Mon 11-11 extra holiday, Tue 09-10 = 1 h -> 2 h (without it: 1 + 9 + 1 = 11 h).
    assert one(SP, "2024-11-08 17:00", "2024-11-12 10:00") == 11 * 3600
    assert one(extra, "2024-11-08 17:00", "2024-11-12 10:00") == 7200


def test_reversed_equal_and_missing_pairs() -> None:
    pairs = pd.DataFrame({"start": ["2024-11-11 10:00", "2024-11-11 10:00", None, "2024-11-11 10:00"],
                          "end": ["2024-11-08 17:00", "2024-11-11 10:00", "2024-11-11 10:00", None]},
                         index=[10, 11, 12, 13])
    got = business_seconds(SP, pairs)
    assert list(got.index) == [10, 11, 12, 13]
    assert got.loc[10] == -7200  # reversed: minus the ordered pair
    assert got.loc[11] == 0
    assert got.loc[12:13].isna().all()


def test_new_york_dst_spring_forward_and_fall_back() -> None:
    ny = Settings(timezone="America/New_York", holidays_country="US", business_hours=ALL_DAY)
    # Round-the-clock schedule: business = real elapsed time. Sat 12:00 -> Sun 12:00 across
    # 2024-03-10 02:00 EST -> 03:00 EDT is 23 h; across 2024-11-03 02:00 EDT -> 01:00 EST it is 25 h.
    assert one(ny, "2024-03-09 12:00", "2024-03-10 12:00") == 23 * 3600
    assert one(ny, "2024-11-02 12:00", "2024-11-03 12:00") == 25 * 3600
    night = ny.replace(business_hours={"sun": (("01:00", "03:00"),)})
    # Sunday 01:00-03:00 wall time. 2024-03-10: 01:00-02:00 EST exists, 02:00-03:00 is skipped -> 1 h.
    assert one(night, "2024-03-10 00:00", "2024-03-10 06:00") == 3600
    # 2024-11-03: 01:00-02:00 EDT, again 01:00-02:00 EST, then 02:00-03:00 EST -> 3 h.
    assert one(night, "2024-11-03 00:00", "2024-11-03 06:00") == 3 * 3600
    # The ordinary week is unaffected: Fri 2024-03-08 17:00 EST -> Mon 03-11 10:00 EDT = 1 h + 1 h.
    assert one(ny.replace(business_hours=dict(SP.business_hours)), "2024-03-08 17:00", "2024-03-11 10:00") == 7200


def test_old_brazilian_dst_started_at_midnight() -> None:
    # 2018-11-04 (Sunday) Sao Paulo jumped from 00:00 to 01:00: that Sunday had 23 wall hours.
    sunday = SP.replace(business_hours={"sun": (("00:00", "24:00"),)})
    assert one(sunday, "2018-11-03 12:00", "2018-11-05 12:00") == 23 * 3600


def test_business_intervals_rows() -> None:
    got = business_intervals(SP, dt.date(2024, 11, 14), dt.date(2024, 11, 19))
    # Thu 14, (Fri 15 holiday, weekend), Mon 18, Tue 19: three 9-hour intervals.
    assert list(got.columns) == ["start_at", "end_at", "seconds", "cum_seconds_before"]
    assert [t.isoformat() for t in got["start_at"]] == [
        "2024-11-14T09:00:00-03:00", "2024-11-18T09:00:00-03:00", "2024-11-19T09:00:00-03:00"]
    assert got["seconds"].tolist() == [32400, 32400, 32400]
    assert got["cum_seconds_before"].tolist() == [0, 32400, 64800]
    ny = business_intervals(Settings(timezone="America/New_York", holidays_country="US",
                                     business_hours={"sun": (("01:00", "03:00"),)}),
                            dt.date(2024, 11, 3), dt.date(2024, 11, 3))
    # 01:00 EDT = 05:00 UTC to 03:00 EST = 08:00 UTC: one merged interval of 3 h.
    assert ny["start_at"].dt.tz_convert("UTC").tolist() == [pd.Timestamp("2024-11-03 05:00", tz="UTC")]
    assert ny["seconds"].tolist() == [10800]


def test_add_business_seconds_on_a_file_store_read_connection(store: Store) -> None:
    # A read-only connection of a file store: a temp table, a column already present, NULL ends.
    with store.read() as con:
        con.execute("CREATE TEMP TABLE pairs (a TIMESTAMPTZ, b TIMESTAMPTZ, biz DOUBLE)")
        con.execute("INSERT INTO pairs VALUES ('2024-11-08 17:00-03', '2024-11-11 10:00-03', -1), "
                    "('2024-11-08 17:00-03', NULL, -1)")
        add_business_seconds(con, "pairs", "a", "b", "biz", store.settings)
        assert con.execute("SELECT biz FROM pairs ORDER BY a, b NULLS LAST").fetchall() == [(7200.0,), (None,)]


# --- property: the SQL equals a plain-Python minute-stepping reference ----------------------------------

PROPERTY_SETTINGS = [
    SP,
    SP.replace(holidays_subdivision="SP", extra_holidays=(dt.date(2024, 3, 11),),
               business_hours=dict(SP.business_hours) | {
                   "mon": (("08:00", "12:00"), ("13:00", "18:30")), "sat": (("09:00", "13:00"),),
                   "sun": (("00:00", "03:00"), ("22:00", "24:00"))}),
    Settings(timezone="America/New_York", holidays_country="US",
             business_hours={d: (("00:30", "02:30"), ("09:00", "17:00")) for d in WEEKDAYS}),
]
# The reference steps whole UTC minutes, so anchors avoid local mean time (offsets with seconds, before 1914).
ANCHORS = [dt.datetime(2024, 3, 10), dt.datetime(2024, 11, 3), dt.datetime(2018, 11, 4), dt.datetime(2019, 2, 17),
           dt.datetime(2024, 11, 15), dt.datetime(2024, 7, 9), dt.datetime(2024, 12, 25), dt.datetime(2024, 6, 5)]


@functools.cache
def country_holidays(country: str, subdivision: str | None) -> holidays_package.HolidayBase:
    return holidays_package.country_holidays(country, subdiv=subdivision, years=range(2017, 2027))


@functools.cache
def property_store(which: int) -> Store:
    return Store.memory(PROPERTY_SETTINGS[which])


def reference_seconds(settings: Settings, start: dt.datetime, end: dt.datetime) -> int:
    """Step minute by minute (UTC) and count those whose local wall time is in the day's schedule."""
    if end < start:
        return -reference_seconds(settings, end, start)
    zone = zoneinfo.ZoneInfo(settings.timezone)
    off = country_holidays(settings.holidays_country, settings.holidays_subdivision)
    total = 0
    moment = start
    while moment < end:
        local = moment.astimezone(zone)
        minute = local.hour * 60 + local.minute
        if local.date() not in off and local.date() not in settings.extra_holidays:
            for opens, closes in settings.business_hours.get(WEEKDAYS[local.weekday()], ()):
                h1, m1 = map(int, opens.split(":"))
                h2, m2 = map(int, closes.split(":"))
                if h1 * 60 + m1 <= minute < h2 * 60 + m2:
                    total += 60
                    break
        moment += dt.timedelta(minutes=1)
    return total


@st.composite
def pairs_of_minutes(draw: st.DrawFn) -> list[tuple[dt.datetime, dt.datetime]]:
    """4 to 12 pairs of whole-minute UTC moments within days of one anchor: forward, reversed or equal."""
    anchor = draw(st.sampled_from(ANCHORS)).replace(tzinfo=dt.timezone.utc)
    pairs = []
    for _ in range(draw(st.integers(4, 12))):
        start = anchor + dt.timedelta(days=draw(st.integers(-3, 2)), minutes=draw(st.integers(0, 1439)))
        kind = draw(st.sampled_from(["forward", "forward", "reversed", "equal"]))
        length = dt.timedelta(days=draw(st.integers(0, 3)), minutes=draw(st.integers(0, 1439)))
        pairs.append((start, start + length if kind == "forward" else start - length if kind == "reversed" else start))
    return pairs


@pytest.mark.parametrize("which", range(len(PROPERTY_SETTINGS)))
@hsettings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pairs=pairs_of_minutes())
def test_sql_matches_minute_stepping_reference(which: int, pairs: list[tuple[dt.datetime, dt.datetime]]) -> None:
    # Equal pairs give 0 and reversed pairs minus the ordered pair, in the SQL and in the reference.
    settings = PROPERTY_SETTINGS[which]
    frame = pd.DataFrame({"start": [pd.Timestamp(a) for a, _ in pairs], "end": [pd.Timestamp(b) for _, b in pairs]})
    got = business_seconds(property_store(which), frame).tolist()
    assert got == [reference_seconds(settings, a, b) for a, b in pairs]


def test_asof_lookup_matches_the_reference(monkeypatch: pytest.MonkeyPatch) -> None:
    # Too many buckets -> the ASOF join on the intervals; it must give the same answers as the bucket join.
    monkeypatch.setattr(calendar_module, "_MAX_BUCKETS", 0)
    test_friday_evening_to_monday_morning()
    test_new_york_dst_spring_forward_and_fall_back()
    test_reversed_equal_and_missing_pairs()
    utc = dt.timezone.utc
    pairs = [(anchor.replace(tzinfo=utc) + dt.timedelta(hours=h), anchor.replace(tzinfo=utc) + dt.timedelta(hours=h + 53, minutes=17))
             for anchor in ANCHORS for h in (-30, -7, 5)]
    for which, settings in enumerate(PROPERTY_SETTINGS):
        frame = pd.DataFrame({"start": [a for a, _ in pairs], "end": [b for _, b in pairs]})
        assert business_seconds(settings, frame).tolist() == [reference_seconds(settings, a, b) for a, b in pairs]


def test_boundaries_off_the_minute_before_1914() -> None:
    # Sao Paulo kept local mean time (-03:06:28) until 1914-01-01: schedule boundaries are then 28 s off the
    # minute in UTC, and the 6 min 28 s jump at midnight is not worked. Wed 1913-12-31 17:00 -> Fri 1914-01-02
    # 10:00 = 1 h + (Thu 1914-01-01 is a holiday) + 1 h.
    assert one(SP, "1913-12-31 17:00", "1914-01-02 10:00") == 7200


def test_no_working_hours_at_all() -> None:
    closed = SP.replace(business_hours={})
    assert business_intervals(closed, dt.date(2024, 11, 11), dt.date(2024, 11, 17)).empty
    assert one(closed, "2024-11-11 10:00", "2024-11-13 10:00") == 0
