"""Parameters are checked before any kernel starts: each mistake is one line naming the parameter."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from pipeone_analytics.errors import ValidationError
from pipeone_analytics.reports.params import Period, last_full_week, split_assignments, validate, notebook_path

SP = dt.timezone(dt.timedelta(hours=-3))


def test_last_full_week_is_monday_to_sunday_before_today_in_the_account_timezone() -> None:
    # Wednesday 2026-11-25: the last full week is Mon 16 .. Sun 22.
    assert last_full_week("America/Sao_Paulo", dt.datetime(2026, 11, 25, 12, tzinfo=SP)) == \
        Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    # Monday 2026-11-23 01:00 UTC is still Sunday 22:00 in São Paulo: week 22 is not over there.
    monday_utc = dt.datetime(2026, 11, 23, 1, tzinfo=dt.timezone.utc)
    assert last_full_week("America/Sao_Paulo", monday_utc) == Period(dt.date(2026, 11, 9), dt.date(2026, 11, 15))
    # ... but in Tokyo it is Monday 10:00, so week 16..22 has ended.
    assert last_full_week("Asia/Tokyo", monday_utc) == Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))


def test_period_slug_and_previous_period() -> None:
    week = Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert week.slug == "2026-11-16_2026-11-22"
    assert week.days == 7
    assert week.previous() == Period(dt.date(2026, 11, 9), dt.date(2026, 11, 15))


def test_valid_parameters_are_typed_and_the_period_filled_in(tiny_dir: Path, rsettings) -> None:
    values, period = validate(notebook_path("tiny"), {"bars": "5", "fail": "no", "mask_pii": "true"}, rsettings,
                              now=dt.datetime(2026, 11, 25, 12, tzinfo=SP))
    assert period == Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert values == {"bars": 5, "fail": False, "mask_pii": True, "db": str(rsettings.db_path.resolve()),
                      "period_start": "2026-11-16", "period_end": "2026-11-22",
                      "timezone": "America/Sao_Paulo", "locale": "pt_BR"}


@pytest.mark.parametrize("raw, message", [
    ({"period_start": "2026-13-01", "period_end": "2026-11-22"},
     "parameter period_start: '2026-13-01' is not a date as YYYY-MM-DD"),
    ({"timezone": "Mars/Olympus"}, "parameter timezone: 'Mars/Olympus' is not an IANA timezone"),
    ({"locale": "fr"}, "parameter locale: 'fr' is not one of pt_BR, en"),
    ({"bars": "many"}, "parameter bars: 'many' is not a int"),
    ({"mask_pii": "maybe"}, "parameter mask_pii: 'maybe' is not true or false"),
    ({"colour": "red"}, "report tiny has no parameter 'colour'; its parameters: db, period_start"),
    ({"period_start": "2026-11-16"}, "give both period_start and period_end, or neither"),
    ({"period_start": "2026-11-22", "period_end": "2026-11-16"}, "period_end 2026-11-16 is before period_start"),
    ({"db": "/nonexistent/x.duckdb"}, "no store at /nonexistent/x.duckdb"),
    ({"team": "vendas"}, "parameter team: no agent is in team 'vendas'; teams: none"),
])
def test_bad_parameters_are_one_clear_line(tiny_dir: Path, rsettings, raw: dict, message: str) -> None:
    with pytest.raises(ValidationError) as err:
        validate(notebook_path("tiny"), raw, rsettings)
    assert str(err.value).startswith(message)
    assert "\n" not in str(err.value)


def test_unknown_report_lists_the_available_ones(tiny_dir: Path) -> None:
    with pytest.raises(ValidationError, match=r"^unknown report 'weekly'; available: quick, tiny$"):
        notebook_path("weekly")
    with pytest.raises(ValidationError, match="unknown report"):
        notebook_path("../reports/tiny")


def test_key_value_assignments() -> None:
    assert split_assignments(["a=1", "channels=sms,whatsapp", "team="]) == \
        {"a": "1", "channels": "sms,whatsapp", "team": ""}
    with pytest.raises(ValidationError, match="'period_start' is not KEY=VALUE"):
        split_assignments(["period_start"])
