"""Real third-party exports in ../shared/realdata, which clones of the project do not have."""
from __future__ import annotations

from pathlib import Path

import pytest

REALDATA = Path(__file__).resolve().parents[1].parent / "shared" / "realdata"


def realdata(name: str) -> Path:
    """A file under ../shared/realdata, or a skip that says why it is absent."""
    path = REALDATA / name
    if not path.exists():
        pytest.skip(f"real third-party data not available: {path} (it lives in ../shared/realdata)")
    return path
