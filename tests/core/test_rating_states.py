"""core.rating_states: the per-day states of every contact equal ratings(as_of=that day), on the demo store and
on a hand-built scenario whose stars per day are worked out by hand in the comments."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from pipeone_analytics.config import Settings
from pipeone_analytics.core import ratings, rating_states
from pipeone_analytics.store import Store
from tests.scenario import Scenario

DAYS = [dt.date(2026, 9, 24), dt.date(2026, 10, 1), dt.date(2026, 10, 23), dt.date(2026, 11, 9),
        dt.date(2026, 11, 22), dt.date(2026, 12, 31)]


def _states(states: pd.DataFrame, day: dt.date) -> pd.DataFrame:
    rows = states[rating_states.on_day(states, day)]
    return (rows[["contact_id", "stars", "channel"]].astype({"channel": object, "stars": "int64"})
            .sort_values("contact_id").reset_index(drop=True))


def _ratings(store: Store, day: dt.date) -> pd.DataFrame:
    frame = ratings.ratings(store, as_of=day)[["contact_id", "stars", "channel"]]
    return frame.astype({"channel": object, "stars": "int64"}).sort_values("contact_id").reset_index(drop=True)


@pytest.mark.parametrize("day", DAYS)
def test_states_on_a_day_equal_ratings_as_of_that_day_on_the_demo_store(demo_db: Path, day: dt.date) -> None:
    store = Store(demo_db, Settings(db_path=demo_db))
    mine, theirs = _states(rating_states.rating_states(store), day), _ratings(store, day)
    assert len(theirs) > 100
    pd.testing.assert_frame_equal(mine, theirs)


def test_states_are_the_changes_only(demo_db: Path) -> None:
    states = rating_states.rating_states(Store(demo_db, Settings(db_path=demo_db)))
    following = states.groupby("contact").shift(-1)
    same = (following["stars"] == states["stars"]) & (following["channel"].astype(object) == states["channel"].astype(object))
    assert not same.any()
    assert (states["until_day"] > states["from_day"]).all()


@pytest.fixture(scope="module")
def scenario() -> Store:
    s = Scenario()
    s.agent("a1")
    # never: in the contacts table, no created_at, no message: a new contact (0) on every day.
    s.contact("never", phone=None)
    # later: created 2024-11-20, no message: rated 0 from that day only.
    s.add("contacts", contact_id="later", name="later", phone=None, email=None,
          created_at=pd.Timestamp("2024-11-20 10:00", tz="America/Sao_Paulo"))
    # moves: 11-11 sent only (1). 11-12: the contact answers after 23 h and the agent within 10 min, the same day:
    # 2 interactions, 1 within 30 min (50%), one the same day: 3. 11-14: three more (46 h, 3 h, 1 min), 2 of 5
    # within 30 min: still 3, and the main channel is sms (4 messages against 3 on whatsapp).
    s.contact("moves", phone="+55 11 91234-5678")
    s.conversation("k1", "moves")
    s.outbound("k1", "2024-11-11 10:00", channel="whatsapp")
    s.inbound("k1", "2024-11-12 09:00", channel="whatsapp")
    s.outbound("k1", "2024-11-12 09:10", channel="whatsapp")
    s.inbound("k1", "2024-11-14 09:00", channel="sms")
    s.inbound("k1", "2024-11-14 09:05", channel="sms")
    s.outbound("k1", "2024-11-14 12:00", channel="sms")
    s.inbound("k1", "2024-11-14 12:01", channel="sms")
    # bad: an invalid phone forces 0 whatever the messages.
    s.contact("bad", phone="123")
    s.conversation("k2", "bad")
    s.inbound("k2", "2024-11-12 09:00")
    s.outbound("k2", "2024-11-12 09:01")
    # ghost: only in messages (no contacts row), received on 11-13 at 23:50 local: rated from that day only,
    # validated (2).
    s.conversation("k3", "ghost")
    s.inbound("k3", "2024-11-13 23:50", channel="email")
    # quick: answered within 5 min on 11-13: one interaction, 100% within 30 min: 5.
    s.contact("quick")
    s.conversation("k4", "quick")
    s.inbound("k4", "2024-11-13 10:00")
    s.outbound("k4", "2024-11-13 10:05")
    return s.store()


NEW = {"never": (0, None), "moves": (0, None), "bad": (0, None), "quick": (0, None)}  # listed, no created_at
EXPECTED = {  # day -> contact -> (stars, main channel)
    dt.date(2024, 11, 10): NEW,
    dt.date(2024, 11, 11): NEW | {"moves": (1, "whatsapp")},
    dt.date(2024, 11, 12): NEW | {"moves": (3, "whatsapp"), "bad": (0, "whatsapp")},
    dt.date(2024, 11, 13): NEW | {"moves": (3, "whatsapp"), "bad": (0, "whatsapp"), "ghost": (2, "email"),
                                  "quick": (5, "whatsapp")},
    dt.date(2024, 11, 14): NEW | {"moves": (3, "sms"), "bad": (0, "whatsapp"), "ghost": (2, "email"),
                                  "quick": (5, "whatsapp")},
    dt.date(2024, 11, 20): NEW | {"moves": (3, "sms"), "bad": (0, "whatsapp"), "ghost": (2, "email"),
                                  "quick": (5, "whatsapp"), "later": (0, None)},
}


@pytest.mark.parametrize("day", list(EXPECTED))
def test_states_of_a_hand_built_scenario(scenario: Store, day: dt.date) -> None:
    rows = _states(rating_states.rating_states(scenario), day)
    got = {r.contact_id: (r.stars, None if pd.isna(r.channel) else r.channel) for r in rows.itertuples()}
    assert got == EXPECTED[day]
    pd.testing.assert_frame_equal(rows, _ratings(scenario, day))
