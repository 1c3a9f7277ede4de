"""Run one report: validate, execute with papermill, render offline HTML, record the run, update the index."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import time
from pathlib import Path
from typing import Any, Mapping

import nbformat

from .. import i18n
from ..config import Settings
from ..store import Store
from . import history
from .html import to_html
from .index import write_index
from .params import Period, notebook_path, validate

KERNEL = "python3"
CELL_TIMEOUT_SECONDS = 1800


@dataclasses.dataclass(frozen=True)
class RunResult:
    """What one run produced; timings split the run into kernel (start and stop), compute and nbconvert."""

    run_id: str
    name: str
    period: Period
    status: str
    html_path: Path | None
    notebook_path: Path
    error: str | None
    duration: float
    timings: Mapping[str, float]

    @property
    def ok(self) -> bool:
        return self.status == "ok"


def _first_line(text: str) -> str:
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[0].strip() if lines else ""


def _error_line(exc: BaseException) -> str:
    """One line naming the failing cell and its exception (papermill gives ename and evalue)."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        return f"cell [{exc.exec_count}]: {exc.ename}: {_first_line(exc.evalue)}"
    return f"{type(exc).__name__}: {_first_line(str(exc))}"


def _compute_seconds(executed: Path) -> float:
    """Sum of the cells' execution times recorded by papermill in the executed notebook."""
    nb = nbformat.read(str(executed), as_version=4)
    return float(sum((c.get("metadata", {}).get("papermill", {}).get("duration") or 0.0) for c in nb.cells))


def report_title(name: str, locale: str) -> str:
    """The report's title in the locale (i18n key report_title_<name>), or its name."""
    key = f"report_title_{name}"
    return i18n.t(key, locale) if key in i18n.MESSAGES else name


def output_dir(settings: Settings, name: str, period: Period) -> Path:
    """reports/<name>/<period>/ under settings.reports_dir."""
    return Path(settings.reports_dir) / name / period.slug


def run_report(name: str, params: Mapping[str, Any] | None = None, settings: Settings | None = None, *,
               now: dt.datetime | None = None, notebooks_dir: Path | None = None,
               run_id: str | None = None, store: Store | None = None) -> RunResult:
    """Validate params, execute the report notebook into reports/<name>/<period>/ and render report.html.

    Validation errors raise before anything starts. Execution errors are recorded in report_runs
    (the partial notebook is kept) and returned as a failed RunResult. `run_id` is a run already
    claimed by the scheduler; otherwise a new run is recorded.
    """
    import papermill

    settings = settings or Settings()
    source = notebook_path(name, notebooks_dir)
    values, period = validate(source, dict(params or {}), settings, now)
    store = store or Store(settings.db_path, settings)
    run_id = run_id or history.start(store, name, period, values)
    out = output_dir(settings, name, period).resolve()
    out.mkdir(parents=True, exist_ok=True)
    executed, html = out / f"{name}.ipynb", out / "report.html"
    html.unlink(missing_ok=True)
    timings: dict[str, float] = {}
    error: str | None = None
    started = time.perf_counter()
    try:
        papermill.execute_notebook(str(source), str(executed), parameters=values, kernel_name=KERNEL,
                                   cwd=os.getcwd(), progress_bar=False, log_output=False,
                                   execution_timeout=CELL_TIMEOUT_SECONDS,
                                   extra_arguments=["--IPKernelApp.log_level=ERROR"])  # no TCP warning on stderr
        executed_at = time.perf_counter()
        timings["compute"] = _compute_seconds(executed)
        timings["kernel"] = max(executed_at - started - timings["compute"], 0.0)
        to_html(executed, html, title=f"{report_title(name, values.get('locale') or settings.locale)} "
                                       f"{period.start} – {period.end}")
        timings["nbconvert"] = time.perf_counter() - executed_at
    except KeyboardInterrupt:
        history.finish(store, run_id, "failed", time.perf_counter() - started, None, str(executed), "interrupted")
        raise
    except Exception as exc:  # noqa: BLE001 - every failure of the run is recorded, then reported
        error = _error_line(exc)
    duration = time.perf_counter() - started
    status = "failed" if error else "ok"
    history.finish(store, run_id, status, duration, str(html) if not error else None,
                   str(executed) if executed.exists() else None, error)
    write_index(store, settings)
    return RunResult(run_id, name, period, status, None if error else html, executed, error, duration, timings)
