"""run_report and `pipeone report run` on a tiny notebook: offline HTML, run history, failures kept and reported."""
from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from pipeone_analytics.cli import main
from pipeone_analytics.reports import history, run_report
from pipeone_analytics.reports.html import external_refs
from pipeone_analytics.store import Store


def test_a_run_renders_offline_html_beside_the_executed_notebook(tiny_dir: Path, rsettings) -> None:
    result = run_report("tiny", {"bars": "4", "period_start": "2026-11-16", "period_end": "2026-11-22"}, rsettings)
    out = rsettings.reports_dir.resolve() / "tiny" / "2026-11-16_2026-11-22"
    assert result.ok and result.error is None
    assert result.html_path == out / "report.html" and result.notebook_path == out / "tiny.ipynb"
    page = result.html_path.read_text(encoding="utf-8")
    assert external_refs(page) == []
    assert re.search(r"<script[^>]*\bsrc=", page) is None
    assert "tiny-bars-marker" in page and "Plotly.newPlot" in page  # the figure and its data
    assert "Tiny report 2026-11-16 to 2026-11-22" in page
    assert "go.Figure(go.Bar" not in page  # no code input
    assert "Developer note" not in page  # cells tagged remove_cell are dropped
    executed = nbformat.read(result.notebook_path, as_version=4)
    assert "injected-parameters" in executed.cells[1].metadata.tags
    assert set(result.timings) == {"kernel", "compute", "nbconvert"}
    row = history.runs(Store(rsettings.db_path, rsettings)).iloc[0]
    assert (row["name"], str(row.period_start.date()), str(row.period_end.date()), row.status) == \
        ("tiny", "2026-11-16", "2026-11-22", "ok")
    assert row.html_path == str(result.html_path) and row.notebook_path == str(result.notebook_path)
    assert '"bars": 4' in row.params
    index = (rsettings.reports_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="tiny/2026-11-16_2026-11-22/report.html"' in index
    assert external_refs(index) == []


def test_a_failed_run_keeps_its_partial_notebook_and_exits_non_zero(
        tiny_dir: Path, rsettings, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    monkeypatch.setenv("PIPEONE_REPORTS_DIR", str(rsettings.reports_dir))
    code = main(["report", "--db", str(rsettings.db_path), "run", "quick", "-p", "fail=true",
                 "-p", "period_start=2026-11-09", "-p", "period_end=2026-11-15"])
    assert code == 1
    err = capsys.readouterr().err.strip()
    assert "\n" not in err
    assert err.startswith("pipeone: error: report quick 2026-11-09_2026-11-15 failed at "
                          "cell [3]: ValueError: quick report asked to fail")
    row = history.runs(Store(rsettings.db_path, rsettings)).iloc[0]
    assert row.status == "failed" and row.error == "cell [3]: ValueError: quick report asked to fail"
    assert row.html_path is None and row.duration_seconds > 0
    partial = nbformat.read(row.notebook_path, as_version=4)
    code = [c for c in partial.cells if c.cell_type == "code"]
    assert code[-1].outputs[0].output_type == "error" and code[-1].outputs[0].ename == "ValueError"
    assert code[-2].source.startswith("# Parameters")  # the cells before it ran: the injected parameters
    assert not (Path(row.notebook_path).parent / "report.html").exists()


def test_a_bad_parameter_fails_before_any_run_is_recorded(
        tiny_dir: Path, rsettings, capsys: pytest.CaptureFixture) -> None:
    code = main(["report", "--db", str(rsettings.db_path), "run", "tiny", "-p", "timezone=Mars/Base"])
    assert code == 2
    assert capsys.readouterr().err == ("pipeone: error: parameter timezone: 'Mars/Base' is not an IANA "
                                       "timezone such as America/Sao_Paulo\n")
    assert history.runs(Store(rsettings.db_path, rsettings)).empty
