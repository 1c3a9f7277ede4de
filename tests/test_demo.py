"""`pipeone demo`: generates the export, rebuilds the store from scratch, renders the reports index, says what next."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from pipeone_analytics import cli
from pipeone_analytics.config import Settings
from pipeone_analytics.demo import run_demo
from pipeone_analytics.store import CANONICAL_TABLES, Store


@pytest.fixture
def workdir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh working folder; report notebooks come from an empty folder so no papermill run is needed."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "no-notebooks").mkdir()
    monkeypatch.setenv("PIPEONE_REPORT_NOTEBOOKS", str(tmp_path / "no-notebooks"))
    monkeypatch.delenv("PIPEONE_CONFIG", raising=False)
    monkeypatch.delenv("PIPEONE_DB", raising=False)
    return tmp_path


def _counts(store: Store) -> dict[str, int]:
    return {t: store.df(f"SELECT count(*) AS n FROM {t}").n[0] for t in CANONICAL_TABLES}


def test_demo_rebuilds_the_store_from_scratch_and_says_what_it_built(workdir: Path,
                                                                     capsys: pytest.CaptureFixture) -> None:
    settings = Settings(db_path=Path("data/pipeone.duckdb"), reports_dir=Path("reports"))
    # A previous store with a contact the demo does not have: it must be gone afterwards.
    old = Store(settings.db_path, settings)
    old.migrate()
    old.execute("INSERT INTO contacts (contact_id, name) VALUES ('stale', 'Old contact')")

    assert run_demo(settings, contacts=120, days=14, seed=3) == 0
    out = capsys.readouterr().out

    export = workdir / "data" / "demo" / "export"
    assert sorted(p.name for p in export.iterdir()) == sorted(f"{t}.csv" for t in CANONICAL_TABLES)
    counts = _counts(Store(settings.db_path, settings))
    assert counts["contacts"] == 120 and counts["agents"] == 15 and counts["messages"] > 500
    store = Store(settings.db_path, settings)
    assert store.df("SELECT count(*) AS n FROM contacts WHERE contact_id = 'stale'").n[0] == 0
    assert store.df("SELECT sum(rejected) AS r FROM import_runs").r[0] == 0
    assert (workdir / "reports" / "index.html").exists()

    for step in ("[1/3] generating", "[2/3] rebuilding the store", "[3/3] rendering the reports"):
        assert step in out
    assert re.search(rf"^  messages +{counts['messages']:,}$", out, re.M)
    assert str((workdir / "data" / "pipeone.duckdb").resolve()) in out
    assert str((workdir / "reports" / "index.html").resolve()) in out
    for command in ("make lab", "make serve", "http://127.0.0.1:8866", "pipeone report due"):
        assert command in out


def test_demo_twice_gives_the_same_store(workdir: Path, capsys: pytest.CaptureFixture) -> None:
    settings = Settings(db_path=Path("data/pipeone.duckdb"), reports_dir=Path("reports"))
    run_demo(settings, contacts=60, days=10, seed=5)
    first = _counts(Store(settings.db_path, settings))
    run_demo(settings, contacts=60, days=10, seed=5)
    assert _counts(Store(settings.db_path, settings)) == first
    assert Store(settings.db_path, settings).df("SELECT count(*) AS n FROM import_runs").n[0] == 1


def test_pipeone_demo_command(workdir: Path, capsys: pytest.CaptureFixture) -> None:
    assert cli.main(["demo", "--contacts", "50", "--days", "7", "--db", "demo.duckdb"]) == 0
    assert (workdir / "demo.duckdb").exists()
    assert "Next:" in capsys.readouterr().out


def test_pipeone_generate_command(workdir: Path, capsys: pytest.CaptureFixture) -> None:
    code = cli.main(["generate", "out", "--contacts", "40", "--days", "7", "--end", "2026-01-31",
                     "--format", "parquet"])
    assert code == 0
    assert (workdir / "out" / "messages.parquet").exists()
    assert "wrote out" in capsys.readouterr().out
    assert cli.main(["generate", "out", "--end", "31/01/2026"]) == 2
    assert "pipeone: error: end '31/01/2026' is not a date" in capsys.readouterr().err
