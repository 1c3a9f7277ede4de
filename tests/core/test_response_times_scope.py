"""A period start narrows the fold to conversations active since then; the rows must not change."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from pipeone_analytics.core import response_times as rt
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.store import Store

KEY = ["conversation_id", "cycle", "from_at", "from_message_id", "to_message_id", "event_id"]


@pytest.mark.parametrize("metric", ["first_response_time", "reply_time", "contact_reply_time", "resolution_time"])
def test_scoped_rows_equal_the_unscoped_rows_of_the_period(demo_store: Store, metric: str) -> None:
    start, end = dt.date(2026, 11, 9), dt.date(2026, 11, 15)
    fn = {"first_response_time": rt.first_response_times, "reply_time": rt.reply_times,
          "contact_reply_time": rt.contact_reply_times, "resolution_time": rt.resolution_times}[metric]
    scoped = fn(demo_store, Filters(start=start, end=end))
    everything = fn(demo_store, Filters(end=end))
    local_start = pd.Timestamp(start).tz_localize(demo_store.settings.timezone)
    expected = everything[everything["from_at"] >= local_start]
    assert len(scoped) > 20  # the week has real traffic, so the comparison means something
    pd.testing.assert_frame_equal(scoped.sort_values(KEY).reset_index(drop=True),
                                  expected.sort_values(KEY).reset_index(drop=True), check_like=True)
