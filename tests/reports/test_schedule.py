"""`report due` with an injected clock: due periods, catch-up, no period twice (even with two processes), retries."""
from __future__ import annotations

import datetime as dt
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from pipeone_analytics.cli import main
from pipeone_analytics.errors import ValidationError
from pipeone_analytics.reports import history
from pipeone_analytics.reports.params import Period
from pipeone_analytics.reports.schedule import Entry, due_periods, load_schedule, period_before, run_due
from pipeone_analytics.store import Store

TZ = "America/Sao_Paulo"
SP = dt.timezone(dt.timedelta(hours=-3))  # São Paulo has no DST since 2019


def day(d: int) -> Period:
    return Period(dt.date(2026, 11, d), dt.date(2026, 11, d))


def test_periods_before_a_fire_time() -> None:
    monday_6am = dt.datetime(2026, 11, 23, 6, tzinfo=SP)
    assert period_before("day", monday_6am, TZ) == day(22)
    assert period_before("week", monday_6am, TZ) == Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))
    assert period_before("month", monday_6am, TZ) == Period(dt.date(2026, 10, 1), dt.date(2026, 10, 31))
    assert period_before("month", dt.datetime(2026, 3, 1, 6, tzinfo=SP), TZ) == \
        Period(dt.date(2026, 2, 1), dt.date(2026, 2, 28))


def test_due_periods_catch_up_oldest_first_and_respect_since() -> None:
    weekly = Entry("weekly_summary", "0 6 * * mon", "week")
    # Wednesday 2026-11-25 10:00: the last three Monday 06:00 fires are 23, 16 and 9 November,
    # so the weeks that ended before them are Nov 2-8, 9-15 and 16-22.
    now = dt.datetime(2026, 11, 25, 10, tzinfo=SP)
    assert due_periods(weekly, now, TZ, catch_up=3) == [
        Period(dt.date(2026, 11, 2), dt.date(2026, 11, 8)), Period(dt.date(2026, 11, 9), dt.date(2026, 11, 15)),
        Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))]
    # At Monday 05:59 the Monday 06:00 fire has not happened: the newest due week is still Nov 9-15.
    assert due_periods(weekly, dt.datetime(2026, 11, 23, 5, 59, tzinfo=SP), TZ, catch_up=1) == \
        [Period(dt.date(2026, 11, 9), dt.date(2026, 11, 15))]
    # The cron is read in the account timezone: 2026-11-23 08:59 UTC is 05:59 in São Paulo.
    assert due_periods(weekly, dt.datetime(2026, 11, 23, 8, 59, tzinfo=dt.timezone.utc), TZ, catch_up=1) == \
        [Period(dt.date(2026, 11, 9), dt.date(2026, 11, 15))]
    since = Entry("weekly_summary", "0 6 * * mon", "week", since=dt.date(2026, 11, 9))
    assert due_periods(since, now, TZ, catch_up=8) == [
        Period(dt.date(2026, 11, 9), dt.date(2026, 11, 15)), Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))]
    # Hourly cron, daily period: the 4 last fires all cover yesterday, which is listed once.
    assert due_periods(Entry("x", "0 * * * *", "day"), now, TZ, catch_up=4) == [day(24)]


def write_schedule(path: Path, body: str) -> Path:
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.mark.parametrize("body, message", [
    ('[report.quick]\ncron = "0 61 * * *"\n', 'cron \'0 61 * * *\' is not a cron expression'),
    ('[report.quick]\ncron = "0 6 * * *"\nperiod = "fortnight"\n', "period 'fortnight' is not one of day, week, month"),
    ('[report.nope]\ncron = "0 6 * * *"\n', "unknown report 'nope'; available: quick, tiny"),
    ('[report.quick]\ncron = "0 6 * * *"\nparams = { fail = "x" }\n', "parameter fail: 'x' is not true or false"),
    ('[report.quick]\ncron = "0 6 * * *"\nparams = { period_start = 2026-11-01 }\n',
     "period_start and period_end come from the schedule"),
    ('[report.quick]\ncron = "0 6 * * *"\ncolour = "red"\n', "unknown key 'colour'"),
    ('catch_up = 0\n', "catch_up must be a whole number"),
    ('[report.tiny\n', "is not valid TOML"),
])
def test_schedule_mistakes_are_one_line(tiny_dir: Path, rsettings, tmp_path: Path, body: str, message: str) -> None:
    path = write_schedule(tmp_path / "reports.toml", body)
    with pytest.raises(ValidationError) as err:
        load_schedule(path, rsettings)
    assert message in str(err.value) and "\n" not in str(err.value)


def test_a_bad_now_is_one_line(tiny_dir: Path, rsettings, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    path = write_schedule(tmp_path / "reports.toml", '[report.quick]\ncron = "0 6 * * *"\n')
    assert main(["report", "--db", str(rsettings.db_path), "due", "--schedule", str(path), "--now", "monday"]) == 2
    assert capsys.readouterr().err == ("pipeone: error: --now 'monday' is not an ISO date and time such as "
                                       "2026-11-23T06:05\n")


def test_the_repository_schedule_is_valid(rsettings) -> None:
    schedule = load_schedule(Path(__file__).resolve().parents[2] / "reports.toml", rsettings)
    assert {e.name for e in schedule.entries} == {"weekly_summary", "response_time_audit", "engagement_report"}


def statuses(settings) -> list[tuple[str, str]]:
    runs = history.runs(Store(settings.db_path, settings)).sort_values("started_at")
    return [(f"{r.period_start:%d}", r.status) for r in runs.itertuples()]


def test_due_runs_catch_up_once_and_then_only_new_periods(
        tiny_dir: Path, rsettings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture) -> None:
    path = tmp_path / "reports.toml"
    schedule = load_schedule(write_schedule(path, """
        catch_up = 2
        [report.quick]
        cron = "0 6 * * *"
        period = "day"
        """), rsettings)
    wednesday = dt.datetime(2026, 11, 25, 5, tzinfo=SP)  # before 06:00: the fires are the 24th and 23rd
    first = run_due(rsettings, schedule, now=wednesday)
    assert [(r.period, r.ok) for r in first] == [(day(22), True), (day(23), True)]
    capsys.readouterr()
    monkeypatch.setenv("PIPEONE_REPORTS_DIR", str(rsettings.reports_dir))
    due = ["report", "--db", str(rsettings.db_path), "due", "--schedule", str(path), "--now"]
    assert main(due + ["2026-11-25T05:05"]) == 0  # cron again five minutes later: nothing to do
    assert capsys.readouterr().out == "nothing due\n"
    assert main(due + ["2026-11-25T07:00-03:00"]) == 0  # 06:00 passed: the 24th is due
    out = capsys.readouterr().out
    assert out.startswith("ok      quick 2026-11-24_2026-11-24 in ") and out.count("\n") == 1
    assert statuses(rsettings) == [("22", "ok"), ("23", "ok"), ("24", "ok")]
    for d in ("22", "23", "24"):
        assert (rsettings.reports_dir / "quick" / f"2026-11-{d}_2026-11-{d}" / "report.html").exists()


def test_a_failed_run_is_recorded_and_retried_on_the_next_call(tiny_dir: Path, rsettings, tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 25, 7, tzinfo=SP)
    failing = load_schedule(write_schedule(tmp_path / "fail.toml", """
        catch_up = 1
        [report.quick]
        cron = "0 6 * * *"
        period = "day"
        params = { fail = true }
        """), rsettings)
    [result] = run_due(rsettings, failing, now=now)
    assert not result.ok and result.error == "cell [3]: ValueError: quick report asked to fail"
    fixed = load_schedule(write_schedule(tmp_path / "fixed.toml", """
        catch_up = 1
        [report.quick]
        cron = "0 6 * * *"
        period = "day"
        """), rsettings)
    [retry] = run_due(rsettings, fixed, now=now)
    assert retry.ok and retry.period == day(24)
    assert statuses(rsettings) == [("24", "failed"), ("24", "ok")]
    assert run_due(rsettings, fixed, now=now) == []


CALLER = """
import sys, time
from pathlib import Path
from pipeone_analytics.config import Settings
from pipeone_analytics.reports.schedule import load_schedule, run_due
import datetime as dt
db, reports, schedule, start_at = sys.argv[1:5]
settings = Settings(db_path=Path(db), reports_dir=Path(reports))
plan = load_schedule(Path(schedule), settings)
time.sleep(max(0.0, float(start_at) - time.time()))  # both callers claim at the same moment
results = run_due(settings, plan, now=dt.datetime(2026, 11, 25, 7, tzinfo=dt.timezone(dt.timedelta(hours=-3))))
print(",".join(r.period.slug for r in results))
"""


def test_two_concurrent_callers_never_render_the_same_period(tiny_dir: Path, rsettings, tmp_path: Path) -> None:
    schedule = write_schedule(tmp_path / "reports.toml", """
        catch_up = 2
        [report.quick]
        cron = "0 6 * * *"
        period = "day"
        """)
    script = tmp_path / "caller.py"
    script.write_text(CALLER, encoding="utf-8")
    start_at = time.time() + 4
    procs = [subprocess.Popen([sys.executable, str(script), str(rsettings.db_path), str(rsettings.reports_dir),
                               str(schedule), str(start_at)], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [err for _, err in outputs]
    rendered = [slug for out, _ in outputs for slug in out.strip().split(",") if slug]
    # Fires at 06:00 on the 25th and 24th: days 23 and 24, each rendered by exactly one caller.
    assert sorted(rendered) == ["2026-11-23_2026-11-23", "2026-11-24_2026-11-24"]
    assert sorted(statuses(rsettings)) == [("23", "ok"), ("24", "ok")]
