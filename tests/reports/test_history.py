"""Claims in report_runs: a period is claimed once; done or running periods are skipped; stale runs are retried."""
from __future__ import annotations

import datetime as dt

from pipeone_analytics.reports import history
from pipeone_analytics.reports.params import Period
from pipeone_analytics.store import Store

WEEK = Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))


def test_claim_once_then_skip_while_running_or_done(store: Store) -> None:
    first = history.claim(store, "weekly_summary", WEEK, {"mask_pii": False}, stale_after=3600)
    assert first is not None
    assert history.claim(store, "weekly_summary", WEEK, {}, stale_after=3600) is None  # running
    assert history.claim(store, "engagement_report", WEEK, {}, stale_after=3600) is not None  # other report
    history.finish(store, first, "ok", 12.5, "/r/report.html", "/r/weekly_summary.ipynb", None)
    assert history.claim(store, "weekly_summary", WEEK, {}, stale_after=3600) is None  # done
    assert history.done_periods(store, "weekly_summary") == {(WEEK.start, WEEK.end)}
    row = history.runs(store, "weekly_summary").iloc[0]
    assert (row.status, row.duration_seconds, row.html_path, row.params) == \
        ("ok", 12.5, "/r/report.html", '{"mask_pii": false}')


def test_a_failed_period_is_claimed_again(store: Store) -> None:
    run = history.claim(store, "weekly_summary", WEEK, {}, stale_after=3600)
    history.finish(store, run, "failed", 1.0, None, "/r/nb.ipynb", "cell [3]: KeyError: 'x'")
    again = history.claim(store, "weekly_summary", WEEK, {}, stale_after=3600)
    assert again is not None and again != run
    assert list(history.runs(store)["status"]) .count("failed") == 1


def test_a_stale_running_row_is_marked_failed_and_claimed_again(store: Store) -> None:
    # A 'running' row that started 3 hours ago is older than stale_after (2 h): its process died.
    store.execute("INSERT INTO report_runs (run_id, name, period_start, period_end, status, started_at) "
                  "VALUES ('dead', 'weekly_summary', ?, ?, 'running', now() - INTERVAL 3 HOUR)",
                  [WEEK.start, WEEK.end])
    # One that started 1 hour ago is not stale yet.
    assert history.claim(store, "weekly_summary", WEEK, {}, stale_after=4 * 3600) is None
    new = history.claim(store, "weekly_summary", WEEK, {}, stale_after=2 * 3600)
    assert new is not None
    runs = history.runs(store).set_index("run_id")
    assert runs.loc["dead", "status"] == "failed"
    assert runs.loc["dead", "error"] == "abandoned: still running after 7200 s (the process died?)"
    assert runs.loc[new, "status"] == "running"
