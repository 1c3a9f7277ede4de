"""Fixtures of the report tests: a tiny report notebook folder and settings with an empty migrated store."""
from __future__ import annotations

from pathlib import Path

import pytest

from pipeone_analytics.config import Settings
from pipeone_analytics.store import Store

TINY = Path(__file__).with_name("notebooks")


@pytest.fixture
def tiny_dir(monkeypatch: pytest.MonkeyPatch) -> Path:
    """The folder holding tiny.ipynb, made the report notebooks folder of the CLI too."""
    monkeypatch.setenv("PIPEONE_REPORT_NOTEBOOKS", str(TINY))
    return TINY


@pytest.fixture
def rsettings(tmp_path: Path) -> Settings:
    """Settings whose store exists (migrated, empty) and whose reports go under tmp_path."""
    settings = Settings(db_path=tmp_path / "pipeone.duckdb", reports_dir=tmp_path / "reports")
    Store(settings.db_path, settings).migrate()
    return settings
