"""nbval (--nbval-lax) runs each dashboard notebook, as committed, against a copy of the demo store."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DASHBOARDS = [ROOT / "notebooks" / "apps" / f"{name}.ipynb"
              for name in ("engagement", "tickets", "response_times", "channels")]


def test_dashboard_notebooks_are_thin_and_committed_without_outputs() -> None:
    for path in DASHBOARDS:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert code[0]["metadata"].get("tags") == ["parameters"], path.name
        assert "PIPEONE_DB" in "".join(code[0]["source"])
        assert len(code) == 2 and ".show(" in "".join(code[1]["source"]), path.name  # one call builds it
        assert all(not c["outputs"] and c["execution_count"] is None for c in code), f"{path.name} has outputs"


def test_every_dashboard_notebook_runs_under_nbval(demo_db: Path, tmp_path: Path) -> None:
    db = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, db)
    env = {**os.environ, "PIPEONE_DB": str(db), "PIPEONE_LOCALE": "pt_BR"}  # as `pipeone serve` sets them
    proc = subprocess.run([sys.executable, "-m", "pytest", "--nbval-lax", "-p", "no:cacheprovider", "-q",
                           "-o", "addopts=", "--rootdir", str(tmp_path), *map(str, DASHBOARDS)],
                          cwd=tmp_path, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    cells = sum(1 for path in DASHBOARDS for c in json.loads(path.read_text())["cells"] if c["cell_type"] == "code")
    assert f"{cells} passed" in proc.stdout  # every code cell of every notebook ran without error
