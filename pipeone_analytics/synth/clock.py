"""Local time of the synthetic account: arrival rhythm, business hours, holidays and UTC offsets.

Times inside the generator are int64 "local seconds": the account's wall-clock time counted as if it
were UTC, so that day and hour arithmetic is plain integer division. `to_utc` converts at the end.
"""
from __future__ import annotations

import datetime as dt

import holidays as holidays_lib
import numpy as np
import pandas as pd

from ..config import Settings

DAY = 86_400
HOUR = 3_600
# Relative arrival rate of new conversations by local hour: quiet nights, peaks at 10-11 h and 15 h.
WEEKDAY_HOURS = np.array([0.25, 0.12, 0.07, 0.05, 0.05, 0.12, 0.35, 0.9, 2.0, 3.4, 4.4, 4.6,
                          3.3, 2.9, 3.8, 4.1, 3.9, 3.4, 2.6, 2.1, 1.8, 1.5, 1.0, 0.55])
WEEKEND_HOURS = np.array([0.4, 0.2, 0.1, 0.06, 0.05, 0.08, 0.2, 0.5, 1.0, 1.8, 2.4, 2.6,
                          2.3, 2.0, 2.0, 2.0, 1.9, 1.8, 1.7, 1.6, 1.5, 1.3, 0.9, 0.6])
# Relative volume by weekday (Mon..Sun); holidays weigh like a Sunday.
WEEKDAY_VOLUME = np.array([1.12, 1.05, 1.0, 0.98, 0.92, 0.55, 0.35])
HOLIDAY_VOLUME = 0.3


def _seconds(hhmm: str) -> int:
    hour, minute = (int(x) for x in hhmm.split(":"))
    return hour * HOUR + minute * 60


class Clock:
    """Calendar of local days from `first` to `last` (dates), with business hours from the settings."""

    def __init__(self, settings: Settings, first: dt.date, last: dt.date) -> None:
        self.first_day = (first - dt.date(1970, 1, 1)).days
        self.days = (last - first).days + 1
        dates = pd.date_range(first, periods=self.days, freq="D")
        self.weekday = dates.weekday.to_numpy()
        found = holidays_lib.country_holidays(settings.holidays_country, subdiv=settings.holidays_subdivision,
                                              years=range(first.year, last.year + 1))
        off = set(found) | set(settings.extra_holidays)
        self.holiday = np.array([d.date() in off for d in dates])
        names = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
        opens = np.array([min((_seconds(a) for a, _ in settings.business_hours.get(n, ())), default=-1)
                          for n in names])
        closes = np.array([max((_seconds(b) for _, b in settings.business_hours.get(n, ())), default=-1)
                           for n in names])
        self.open = opens[self.weekday]
        self.close = closes[self.weekday]
        self.workday = (self.open >= 0) & ~self.holiday
        # next_workday[i]: the first workday index strictly after day i (self.days when none).
        idx = np.where(self.workday, np.arange(self.days), self.days)
        following = np.minimum.accumulate(idx[::-1])[::-1]
        self.next_workday = np.append(following[1:], self.days)
        self.open_ext = np.append(np.where(self.open >= 0, self.open, 9 * HOUR), 9 * HOUR)
        # UTC offset (seconds) of every local hour of the calendar, for to_utc.
        hours = pd.date_range(first, periods=self.days * 24, freq="h")
        aware = hours.tz_localize(settings.timezone, ambiguous=np.zeros(len(hours), bool),
                                  nonexistent="shift_forward")
        self.offset = (hours.as_unit("s").asi8 - aware.as_unit("s").asi8).astype(np.int64)

    def day_of(self, local: np.ndarray) -> np.ndarray:
        """Calendar index (0-based, clipped) of local seconds."""
        return np.clip(local // DAY - self.first_day, 0, self.days - 1)

    def start_of(self, day: np.ndarray) -> np.ndarray:
        """Local seconds at midnight of calendar day indexes."""
        return (np.asarray(day, np.int64) + self.first_day) * DAY

    def in_hours(self, local: np.ndarray) -> np.ndarray:
        """Whether local seconds fall inside business hours on a working day."""
        day = self.day_of(local)
        sec = local % DAY
        return self.workday[day] & (sec >= self.open[day]) & (sec < self.close[day])

    def next_open(self, local: np.ndarray) -> np.ndarray:
        """The next opening of business hours at or after local seconds (itself when inside hours)."""
        day = self.day_of(local)
        sec = local % DAY
        before = self.workday[day] & (sec < self.open[day])
        nxt = self.next_workday[day]
        later = self.start_of(nxt) + self.open_ext[nxt]
        today = self.start_of(day) + self.open[day]
        return np.where(self.in_hours(local), local, np.where(before, today, later))

    def next_workday_open(self, local: np.ndarray) -> np.ndarray:
        """Opening of business hours on the first working day after the day of local seconds."""
        nxt = self.next_workday[self.day_of(local)]
        return self.start_of(nxt) + self.open_ext[nxt]

    def to_utc(self, local: np.ndarray) -> np.ndarray:
        """UTC epoch seconds of local seconds."""
        hour = np.clip((local - self.first_day * DAY) // HOUR, 0, len(self.offset) - 1)
        return local - self.offset[hour]

    def slot_weights(self, first: int, last: int, profile: str) -> np.ndarray:
        """Arrival weight of each local hour of calendar days first..last for a contact profile.

        Profiles: "any" (the general rhythm), "office" (working days, from opening to 3 h before
        closing), "evening" (19-23 h on any day).
        """
        days = np.arange(first, last + 1)
        weekend = self.weekday[days] >= 5
        volume = np.where(self.holiday[days], HOLIDAY_VOLUME, WEEKDAY_VOLUME[self.weekday[days]])
        trend = np.linspace(0.9, 1.1, len(days))
        hours = np.where((weekend | self.holiday[days])[:, None], WEEKEND_HOURS, WEEKDAY_HOURS)
        weights = hours * (volume * trend)[:, None]
        hour_start = np.arange(24) * HOUR
        if profile == "office":
            ok = (self.workday[days][:, None] & (hour_start >= self.open[days][:, None])
                  & (hour_start < self.close[days][:, None] - 3 * HOUR))
            weights = weights * ok
        elif profile == "evening":
            weights = weights * (np.arange(24) >= 19)
        return weights.ravel()
