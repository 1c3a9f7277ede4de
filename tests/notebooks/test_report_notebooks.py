"""nbval (--nbval-lax) runs every committed report notebook, as it is, against a copy of the demo store."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REPORTS = sorted((ROOT / "notebooks" / "reports").glob("*.ipynb"))


def test_there_are_three_report_notebooks_committed_without_outputs() -> None:
    assert [p.stem for p in REPORTS] == ["engagement_report", "response_time_audit", "weekly_summary"]
    for path in REPORTS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert code[0]["metadata"].get("tags") == ["parameters"], path.name
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), f"{path.name} has outputs"


def test_every_report_notebook_runs_under_nbval(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    env = {**os.environ, "PIPEONE_DB": str(db)}  # the parameters cell's default db comes from PIPEONE_DB
    proc = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
                           "-o", "addopts=", "--rootdir", str(tmp_path), *map(str, REPORTS)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    cells = sum(1 for path in REPORTS for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
    assert f"{cells} passed" in proc.stdout  # every code cell of every notebook ran without error
