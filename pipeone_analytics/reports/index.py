"""`reports/index.html`: every recorded run with its period, status, duration and links; offline."""
from __future__ import annotations

import html
import os
from pathlib import Path

import pandas as pd

from ..config import Settings
from ..i18n import fmt_datetime, fmt_duration, t
from ..store import Store
from . import history

_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 1100px; color: #222; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid #ddd; vertical-align: top; }
th { background: #f4f4f4; }
.ok { color: #17693a; font-weight: 600; } .failed { color: #b3261e; font-weight: 600; }
.running { color: #8a5a00; font-weight: 600; } .error { color: #b3261e; font-size: 12px; }
"""


def _link(path: object, root: Path, text: str) -> str:
    if not isinstance(path, str) or not path or not Path(path).exists():
        return ""
    return f'<a href="{html.escape(os.path.relpath(path, root))}">{html.escape(text)}</a>'


def render_index(runs: pd.DataFrame, root: Path, settings: Settings) -> str:
    """The index page of runs (as history.runs returns them), with links relative to root."""
    loc, tz = settings.locale, settings.timezone
    head = "".join(f"<th>{t(k, loc)}</th>" for k in (
        "report_col_name", "report_col_period", "report_col_status", "report_col_started",
        "report_col_duration", "report_col_output", "report_col_error"))
    body = []
    for run in runs.itertuples(index=False):
        period = f"{run.period_start:%Y-%m-%d} – {run.period_end:%Y-%m-%d}" if pd.notna(run.period_start) else ""
        links = " · ".join(x for x in (_link(run.html_path, root, t("report_link_html", loc)),
                                       _link(run.notebook_path, root, t("report_link_notebook", loc))) if x)
        duration = fmt_duration(run.duration_seconds, loc) if pd.notna(run.duration_seconds) else ""
        status = html.escape(str(run.status))
        body.append(
            f"<tr><td>{html.escape(run.name)}</td><td>{period}</td>"
            f'<td class="{status}">{html.escape(t("report_status_" + run.status, loc))}</td>'
            f"<td>{fmt_datetime(run.started_at, loc, tz)}</td><td>{duration}</td><td>{links}</td>"
            f'<td class="error">{html.escape(run.error or "") if isinstance(run.error, str) else ""}</td></tr>')
    rows = "\n".join(body) or f'<tr><td colspan="7">{t("report_no_runs", loc)}</td></tr>'
    title = t("report_index_title", loc)
    return (f'<!DOCTYPE html>\n<html lang="{loc.replace("_", "-")}"><head><meta charset="utf-8">'
            f"<title>{title}</title><style>{_STYLE}</style></head><body><h1>{title}</h1>"
            f"<table><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table></body></html>\n")


def write_index(store: Store, settings: Settings) -> Path:
    """Write settings.reports_dir/index.html from report_runs; returns its path."""
    root = Path(settings.reports_dir)
    root.mkdir(parents=True, exist_ok=True)
    out = root / "index.html"
    out.write_text(render_index(history.runs(store), root.resolve(), settings), encoding="utf-8")
    return out
