"""Fixtures of the ops tests."""
from __future__ import annotations

import pytest

from ops_team import team
from pipeone_analytics.store import Store


@pytest.fixture
def inbox() -> Store:
    """The team scenario in memory, with English messages."""
    return team().store(locale="en")
