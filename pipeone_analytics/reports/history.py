"""Run history in `report_runs`: claim a (name, period) atomically, record how each run ended, list runs."""
from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, Mapping

import pandas as pd

from ..store import Store
from .params import Period

COLUMNS = ("run_id, name, period_start, period_end, params, status, started_at, finished_at, "
           "duration_seconds, html_path, notebook_path, error")


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _insert(con: Any, name: str, period: Period, params: Mapping[str, Any]) -> str:
    run_id = uuid.uuid4().hex
    con.execute("INSERT INTO report_runs (run_id, name, period_start, period_end, params, status, started_at) "
                "VALUES (?, ?, ?, ?, ?, 'running', ?)",
                [run_id, name, period.start, period.end, json.dumps(dict(params), default=str), _now()])
    return run_id


def start(store: Store, name: str, period: Period, params: Mapping[str, Any]) -> str:
    """Record a run that starts now (status running); returns its run_id."""
    with store.write() as con:
        return _insert(con, name, period, params)


def claim(store: Store, name: str, period: Period, params: Mapping[str, Any],
          stale_after: float) -> str | None:
    """In one write transaction: a new running run_id, or None when the period is done or running.

    A run still 'running' after stale_after seconds (wall clock) is taken as crashed: it is marked
    failed and the period is claimed again. DuckDB allows one writer per file, so two claimers
    of the same period are serialized and the second one sees the first one's row.
    """
    cutoff = _now() - dt.timedelta(seconds=stale_after)
    with store.write() as con:
        con.execute("UPDATE report_runs SET status = 'failed', finished_at = ?, "
                    "error = 'abandoned: still running after ' || ? || ' s (the process died?)' "
                    "WHERE name = ? AND period_start = ? AND period_end = ? "
                    "AND status = 'running' AND started_at < ?",
                    [_now(), int(stale_after), name, period.start, period.end, cutoff])
        busy = con.execute("SELECT count(*) FROM report_runs WHERE name = ? AND period_start = ? "
                           "AND period_end = ? AND status IN ('ok', 'running')",
                           [name, period.start, period.end]).fetchall()[0][0]
        if busy:
            return None
        return _insert(con, name, period, params)


def finish(store: Store, run_id: str, status: str, duration: float, html_path: str | None,
           notebook_path: str | None, error: str | None) -> None:
    """Record how a run ended: status ok or failed, its duration, its output paths and its error."""
    with store.write() as con:
        con.execute("UPDATE report_runs SET status = ?, finished_at = ?, duration_seconds = ?, html_path = ?, "
                    "notebook_path = ?, error = ? WHERE run_id = ?",
                    [status, _now(), duration, html_path, notebook_path, error, run_id])


def done_periods(store: Store, name: str) -> set[tuple[dt.date, dt.date]]:
    """(period_start, period_end) of every period of a report rendered OK."""
    rows = store.df("SELECT DISTINCT period_start, period_end FROM report_runs WHERE name = ? AND status = 'ok'",
                    [name])
    return {(pd.Timestamp(s).date(), pd.Timestamp(e).date()) for s, e in zip(rows["period_start"], rows["period_end"])}


def runs(store: Store, name: str | None = None) -> pd.DataFrame:
    """Every recorded run, newest first. Columns: run_id, name, period_start, period_end, params, status,
    started_at, finished_at, duration_seconds, html_path, notebook_path, error."""
    return store.df(f"SELECT {COLUMNS} FROM report_runs WHERE (?::VARCHAR IS NULL OR name = ?) "
                    "ORDER BY started_at DESC, name", [name, name])
