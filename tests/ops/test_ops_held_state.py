"""A write may take the state its caller holds, but only while that state's version is still the store's: a change
made by anyone since (another agent, an import) makes the write fold again and check the fresh state."""
from __future__ import annotations

import json
from typing import Any, Callable

import pandas as pd
import pytest

from ops_team import as_user, counts, team
from pipeone_analytics import derived
from pipeone_analytics.core.conversations import conversation_list
from pipeone_analytics.errors import PermissionDenied, ValidationError
from pipeone_analytics.ops import compose, conversations, state
from pipeone_analytics.store import Store

NOW = pd.Timestamp.now(tz="UTC")


def held(store: Store, conversation_id: str) -> dict[str, Any]:
    """The state a screen holds: the list row and its version."""
    return state.state_row(store, conversation_id, pd.Timestamp.now(tz="UTC"))


@pytest.fixture
def no_fold(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every fold ops runs (and still run it)."""
    folds: list[str] = []
    real = state.conversation_state

    def recorded(store: Store, conversation_id: str) -> dict[str, Any]:
        folds.append(conversation_id)
        return real(store, conversation_id)

    monkeypatch.setattr(state, "conversation_state", recorded)
    return folds


def test_a_current_held_state_is_taken_without_folding_again(inbox: Store, no_fold: list[str]) -> None:
    mine = held(inbox, "c_ana")
    result = conversations.set_status(inbox, as_user(inbox, "ana"), "c_ana", "on_hold", held=mine)
    assert result.held_current and no_fold == []
    # the result is the next held state: a second action on it does not fold either
    again = conversations.resolve(inbox, as_user(inbox, "ana"), "c_ana", "question", held=result.state)
    assert again.held_current and no_fold == []
    assert held(inbox, "c_ana")["status"] == "resolved"


def test_without_a_held_state_or_its_version_the_write_folds(inbox: Store, no_fold: list[str]) -> None:
    ana = as_user(inbox, "ana")
    assert not conversations.set_status(inbox, ana, "c_ana", "on_hold").held_current
    no_version = {**held(inbox, "c_ana"), "version": None}
    assert not conversations.set_status(inbox, ana, "c_ana", "in_progress", held=no_version).held_current
    other = held(inbox, "c_bob")  # the version of another conversation proves nothing about this one
    assert not conversations.set_status(inbox, ana, "c_ana", "on_hold", held={**other, "conversation_id": "c_ana",
                                                                              "assignee_id": "ana"}).held_current
    assert no_fold == ["c_ana"] * 3


def test_another_agents_transfer_is_not_overwritten_by_a_stale_screen(inbox: Store) -> None:
    stale = held(inbox, "c_ana")                      # ana's screen: c_ana is hers
    conversations.transfer(inbox, as_user(inbox, "mia"), "c_ana", "bob")
    before = counts(inbox)
    with pytest.raises(PermissionDenied, match="assigned to bob"):
        conversations.set_status(inbox, as_user(inbox, "ana"), "c_ana", "on_hold", held=stale)
    with pytest.raises(PermissionDenied, match="assigned to bob"):
        compose.compose(inbox, as_user(inbox, "ana"), "c_ana", body="oi", held=stale)
    assert counts(inbox) == before


def test_a_resolve_made_elsewhere_refuses_the_stale_screens_action(inbox: Store) -> None:
    stale = held(inbox, "c_bob")
    conversations.resolve(inbox, as_user(inbox, "root"), "c_bob", "question")
    before = counts(inbox)
    mia = as_user(inbox, "mia")
    with pytest.raises(ValidationError, match="c_bob is resolved: reopen it first"):
        conversations.set_status(inbox, mia, "c_bob", "in_progress", held=stale)
    with pytest.raises(ValidationError, match="c_bob is already resolved"):
        conversations.resolve(inbox, mia, "c_bob", "task", held=stale)
    assert counts(inbox) == before


@pytest.mark.parametrize("change", [
    "UPDATE conversations SET assignee_id = 'bob' WHERE conversation_id = 'c_free'",   # a re-import updated it
    "INSERT INTO events VALUES ('e_old', 'c_free', TIMESTAMPTZ '2026-01-05 10:00:00+00', 'bob', 'assigned', 'bob')",
])
def test_a_row_changed_by_an_import_changes_the_version(inbox: Store, change: str) -> None:
    stale = held(inbox, "c_free")                     # unassigned: ana could take it
    with inbox.write() as con:                        # as an import writes: the rows, then their derived rows
        con.execute(change)
        con.execute("CREATE TEMP TABLE touched AS SELECT 'c_free' AS conversation_id")
        derived.refresh(con, "touched")
    with pytest.raises(PermissionDenied, match="assigned to bob"):
        conversations.take(inbox, as_user(inbox, "ana"), "c_free", held=stale)
    assert inbox.df("SELECT count(*) AS n FROM audit_log")["n"].iloc[0] == 0


def test_a_conversation_with_an_item_after_now_has_no_version(inbox: Store) -> None:
    assert state.conversation_version(inbox, "c_free", NOW) is not None
    with inbox.write() as con:                        # as an import writes: the row, then its derived rows
        con.execute("INSERT INTO messages (message_id, conversation_id, contact_id, channel, direction, sent_at, "
                    "sender_type) VALUES ('m_later', 'c_free', 'k1', 'sms', 'inbound', ?, 'contact')",
                    [NOW + pd.Timedelta(hours=1)])
        con.execute("CREATE TEMP TABLE touched AS SELECT 'c_free' AS conversation_id")
        derived.refresh(con, "touched")
    assert state.conversation_version(inbox, "c_free", NOW) is None
    assert state.conversation_version(inbox, "c_free", NOW + pd.Timedelta(hours=2)) is not None
    assert state.conversation_version(inbox, "c_nope", NOW) is None


def _snapshot_resolved() -> Store:
    """c_snap: resolved by the export's status snapshot (no status event), after an agent had answered."""
    sc = team()
    sc.conversation("c_snap", "k1", created_at="2026-01-08 09:00", assignee_id="ana", status="resolved")
    sc.inbound("c_snap", "2026-01-08 09:00", channel="sms")
    sc.outbound("c_snap", "2026-01-08 09:05", agent="ana", channel="sms")
    return sc.store(locale="en")


ACTIONS: dict[str, Callable[[Store, dict | None], Any]] = {
    "take": lambda s, h: conversations.take(s, as_user(s, "ana"), "c_free", held=h),
    "assign": lambda s, h: conversations.assign(s, as_user(s, "mia"), "c_free", "bob", held=h),
    "transfer": lambda s, h: conversations.transfer(s, as_user(s, "mia"), "c_ana", "bob", held=h),
    "set_status": lambda s, h: conversations.set_status(s, as_user(s, "ana"), "c_ana", "on_hold", held=h),
    "resolve": lambda s, h: conversations.resolve(s, as_user(s, "ana"), "c_ana", "question", held=h),
    "reopen": lambda s, h: conversations.reopen(s, as_user(s, "ana"), "c_snap", held=h),
    "compose": lambda s, h: compose.compose(s, as_user(s, "ana"), "c_ana", body="Oi!", channel="sms", held=h),
}
TARGET = {"take": "c_free", "assign": "c_free", "transfer": "c_ana", "set_status": "c_ana", "resolve": "c_ana",
          "reopen": "c_snap", "compose": "c_ana"}


@pytest.mark.parametrize("with_held", [True, False])
@pytest.mark.parametrize("action", list(ACTIONS))
def test_the_result_is_the_state_the_store_derives_after_the_action(action: str, with_held: bool) -> None:
    store = _snapshot_resolved()
    cid = TARGET[action]
    result = ACTIONS[action](store, held(store, cid) if with_held else None)
    assert result.held_current == with_held
    fresh = held(store, cid)
    for key in state.STATE_KEYS + ("version",):
        assert result.state[key] == fresh[key], key
    assert fresh["last_activity_at"] == result.at


def test_reopening_a_snapshot_resolved_conversation_audits_what_the_fold_says() -> None:
    store = _snapshot_resolved()
    result = conversations.reopen(store, as_user(store, "ana"), "c_snap")
    # the snapshot no longer applies once a status event exists; ana's earlier reply makes it in_progress
    assert result.state["status"] == "in_progress"
    after = json.loads(store.df("SELECT after FROM audit_log")["after"].iloc[0])
    assert (after["status"], after["kind"]) == ("in_progress", "reopened")
    assert conversation_list(store, conversation_ids=["c_snap"]).items["status"].tolist() == ["in_progress"]


def test_a_reply_to_a_conversation_that_is_not_new_is_derived_as_the_store_derives_it(inbox: Store) -> None:
    mine = held(inbox, "c_sms")                       # in progress: ana already answered
    sent = compose.compose(inbox, as_user(inbox, "ana"), "c_sms", body="Tudo certo", channel="email", held=mine)
    fresh = held(inbox, "c_sms")
    assert sent.held_current and set(sent.state) < set(fresh)   # not read again: the row's other fields hold
    assert {k: fresh[k] for k in sent.state} == sent.state
    assert (fresh["status"], fresh["preview"], fresh["last_channel"], fresh["unanswered"]) == (
        "in_progress", "Tudo certo", "email", False)


def test_a_reply_to_a_new_conversation_held_by_an_export_snapshot_stays_new() -> None:
    sc = team()
    sc.conversation("c_snap", "k1", created_at="2026-01-08 09:00", status="new")
    sc.inbound("c_snap", "2026-01-08 09:00", channel="sms")
    store = sc.store(locale="en")
    sent = compose.compose(store, as_user(store, "mia"), "c_snap", body="Oi", channel="sms",
                           held=held(store, "c_snap"))
    assert sent.state["status"] == held(store, "c_snap")["status"] == "new"   # the snapshot still decides


def test_read_after_sees_the_write_and_a_failing_one_rolls_it_back(inbox: Store) -> None:
    ana = as_user(inbox, "ana")
    events = "SELECT count(*) AS n FROM events WHERE conversation_id = 'c_ana'"
    result = conversations.set_status(inbox, ana, "c_ana", "on_hold", read_after=lambda s: s.df(events)["n"].iloc[0])
    assert result.read == 1
    before = counts(inbox)

    def broken(_: Store) -> None:
        raise RuntimeError("the screen's read failed")

    with pytest.raises(RuntimeError, match="screen's read failed"):
        conversations.set_status(inbox, ana, "c_ana", "in_progress", read_after=broken)
    assert counts(inbox) == before                    # all or nothing: no event, no audit row
