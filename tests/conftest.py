"""Shared fixtures: settings, an empty file store, and the demo store (generated once per session)."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeone_analytics.config import Settings
from pipeone_analytics.store import Store

ROOT = Path(__file__).resolve().parents[1]
DEMO_END = "2026-11-22"  # a Sunday: the demo's last full week is 2026-11-16..22


@pytest.fixture(autouse=True)
def _no_ambient_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests start read-only unless they set an acting user themselves."""
    monkeypatch.delenv("JUPYTERHUB_USER", raising=False)
    monkeypatch.delenv("PIPEONE_USER", raising=False)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(db_path=tmp_path / "pipeone.duckdb", reports_dir=tmp_path / "reports")


@pytest.fixture
def store(settings: Settings) -> Store:
    s = Store(settings.db_path, settings)
    s.migrate()
    return s


@pytest.fixture(scope="session")
def demo_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo export (300 contacts, 60 days) written once per test session."""
    from pipeone_analytics import synth

    out = tmp_path_factory.mktemp("demo") / "export"
    synth.generate(out, contacts=300, days=60, seed=7, fmt="csv", end=DEMO_END, settings=Settings())
    return out


@pytest.fixture(scope="session")
def demo_db(demo_export: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A DuckDB file holding the demo export; tests must copy it before writing (see demo_store)."""
    from pipeone_analytics.ingest import import_path

    path = tmp_path_factory.mktemp("demodb") / "demo.duckdb"
    settings = Settings(db_path=path)
    import_path(Store(path, settings), demo_export)
    return path


@pytest.fixture
def demo_store(demo_db: Path, tmp_path: Path) -> Store:
    """A private writable copy of the demo store."""
    import shutil

    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db, path)
    return Store(path, Settings(db_path=path, reports_dir=tmp_path / "reports"))
