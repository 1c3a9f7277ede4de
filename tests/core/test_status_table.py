"""The stored status fold (derived/status.py: conversation_state, status_changes) always equals a fresh fold, and
the readers (status_as_of, conversations_export, cycles, status_intervals, backlog) give what the fold gives as of
any time: before, between and after a conversation's inputs, with inputs in the future, a status snapshot, and
created_at or a ticket after everything else.

"Fresh" is the fold SQL run now over the canonical rows (derived.status.state_ctes / fold_changes_ctes) as of a
time after every input, with the latest ticket and the horizon computed here from the raw tables. All times are
America/Sao_Paulo wall clock (UTC-3).
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeone_analytics import derived
from pipeone_analytics.config import Settings
from pipeone_analytics.core import status
from pipeone_analytics.core.filters import Filters, used_params
from pipeone_analytics.derived.status import CYCLES_SELECT, fold_changes_ctes, state_ctes
from pipeone_analytics.store import Store
from scenario import Scenario
from tests.core import test_status as hand

TZ = "America/Sao_Paulo"
FAR = pd.Timestamp("2200-01-01", tz="UTC")  # after every input of every scenario here

# The latest ticket and the horizon of each conversation, from the raw tables.
_LATEST = """
SELECT conversation_id, arg_max(type, (resolved_at, ticket_id)) AS last_ticket_type,
       arg_max(category, (resolved_at, ticket_id)) AS last_ticket_category
FROM tickets WHERE resolved_at <= $as_of GROUP BY conversation_id"""
_HORIZON = """
SELECT conversation_id, max(t) AS horizon FROM (
    SELECT conversation_id, sent_at AS t FROM messages UNION ALL SELECT conversation_id, "at" FROM events
    UNION ALL SELECT conversation_id, created_at FROM conversations UNION ALL SELECT conversation_id, resolved_at
    FROM tickets) GROUP BY conversation_id"""


def ts(value: str) -> pd.Timestamp:
    return pd.Timestamp(value, tz=TZ)


def _arrow(store: Store, sql: str, params: dict) -> pd.DataFrame:
    with store.read() as con:
        return con.sql(sql, params=used_params(sql, params)).to_arrow_table().to_pandas()


def fold_state(store: Store, as_of: pd.Timestamp) -> pd.DataFrame:
    """The fold as of as_of, run now, with the latest ticket by as_of."""
    sql = (f"WITH {state_ctes()}, latest AS ({_LATEST}) SELECT s.*, l.last_ticket_type, l.last_ticket_category "
           "FROM state s LEFT JOIN latest l USING (conversation_id) ORDER BY conversation_id")
    return _arrow(store, sql, {"as_of": as_of})


def fold_changes(store: Store, as_of: pd.Timestamp) -> pd.DataFrame:
    sql = f"WITH {fold_changes_ctes()} SELECT * FROM fold_changes ORDER BY conversation_id, n"
    return _arrow(store, sql, {"as_of": as_of})


def assert_stored_is_fresh(store: Store) -> pd.DataFrame:
    """Both tables equal a fresh fold after every input; conversation_state is stored in conversation_id order."""
    stored = _arrow(store, "SELECT * FROM conversation_state", {})  # stored order: no ORDER BY
    assert stored["conversation_id"].is_monotonic_increasing
    want = fold_state(store, FAR).merge(_arrow(store, _HORIZON, {}), on="conversation_id", how="left")
    pd.testing.assert_frame_equal(stored, want[list(stored.columns)], check_dtype=False)
    changes = _arrow(store, "SELECT * FROM status_changes ORDER BY conversation_id, n", {})
    want = fold_changes(store, FAR).merge(want[["conversation_id", "horizon"]], on="conversation_id")
    pd.testing.assert_frame_equal(changes, want[list(changes.columns)], check_dtype=False)
    return stored


def assert_reads_are_the_fold(store: Store, as_of: pd.Timestamp) -> None:
    """Every reader as of as_of gives what a fresh fold as of as_of gives."""
    fold = fold_state(store, as_of)
    got = status.status_as_of(store, Filters(as_of=as_of))
    pd.testing.assert_frame_equal(got, fold[list(got.columns)], check_dtype=False)
    exported = status.conversations_export(store, Filters(as_of=as_of))
    want = fold.rename(columns={"cycle": "cycles"})[list(exported.columns)]
    pd.testing.assert_frame_equal(exported, want, check_dtype=False)
    for ids in (fold["conversation_id"].tolist()[:1], ["nobody"]):
        one = status.status_as_of(store, Filters(as_of=as_of), conversation_ids=ids)
        pd.testing.assert_frame_equal(one, fold[fold["conversation_id"].isin(ids)][list(one.columns)]
                                      .reset_index(drop=True), check_dtype=False)
    sql = (f"WITH {fold_changes_ctes()}, changes AS (SELECT * FROM fold_changes), {CYCLES_SELECT} "
           "ORDER BY conversation_id, cycle")
    pd.testing.assert_frame_equal(status.cycles(store, Filters(as_of=as_of)), _arrow(store, sql, {"as_of": as_of}),
                                  check_dtype=False)
    changes = fold_changes(store, as_of)
    intervals = status.status_intervals(store, Filters(as_of=as_of))
    assert intervals[["conversation_id", "cycle", "status", "entered_at"]].values.tolist() == \
        changes[["conversation_id", "cycle", "status", "ts"]].values.tolist()


def assert_backlog_counts_each_day_end(store: Store, as_of: pd.Timestamp) -> None:
    """backlog's day counts are status_as_of as of each local midnight that ends the day (its definition)."""
    got = status.backlog(store, Filters(as_of=as_of))
    for day, rows in got.groupby("day"):
        end = min(pd.Timestamp(day).tz_localize(TZ) + pd.Timedelta(days=1), as_of)
        counts = status.status_as_of(store, Filters(as_of=end))["status"].value_counts()
        assert dict(zip(rows["status"], rows["conversations"])) == {
            s: int(counts.get(s, 0)) for s in status.STATUS_VALUES}, day


def edges() -> Scenario:
    """Inputs whose fold depends on as_of in every way the stored rows must respect."""
    s = Scenario()
    s.contact("k1")
    s.agent("a1", team="blue")
    # c_snap: the export says resolved, no status event: the snapshot holds only once nothing is after as_of.
    s.conversation("c_snap", "k1", created_at="2026-11-02 08:00", status="resolved")
    s.inbound("c_snap", "2026-11-02 09:00")
    s.outbound("c_snap", "2026-11-02 09:10")
    # c_future: created_at after everything else (an export's date in the future), a snapshot on hold.
    s.conversation("c_future", "k1", created_at="2030-01-01 00:00", status="on_hold")
    s.inbound("c_future", "2026-11-02 10:00", channel="sms")
    # c_ticket: resolved with a ticket, then a later ticket alone (imported): the horizon is that ticket.
    s.conversation("c_ticket", "k1")
    s.inbound("c_ticket", "2026-11-02 11:00")
    s.resolve("c_ticket", "2026-11-02 11:30", type="question")
    s.ticket("c_ticket", "2026-11-04 12:00", type="incident")
    # c_soon: a message dated tomorrow (after now): status as of now folds it without that message.
    now = pd.Timestamp.now(tz=TZ)
    s.conversation("c_soon", "k1")
    s.inbound("c_soon", (now - pd.Timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"))
    s.outbound("c_soon", (now + pd.Timedelta(days=1)).strftime("%Y-%m-%d %H:%M:%S"))
    return s


def test_the_edges_hold_as_worked_by_hand() -> None:
    store = edges().store()
    stored = assert_stored_is_fresh(store).set_index("conversation_id")
    assert stored.loc["c_snap", "horizon"] == ts("2026-11-02 09:10")
    assert stored.loc["c_future", "horizon"] == ts("2030-01-01 00:00")
    assert stored.loc["c_ticket", "horizon"] == ts("2026-11-04 12:00")

    def row(as_of: str, cid: str) -> pd.Series:
        return hand.row(status.conversations_export(store, Filters(as_of=as_of)), cid)

    # c_snap at 09:05: the 09:10 message is after as_of, so no snapshot: new since created_at 08:00.
    assert (row("2026-11-02 09:05", "c_snap")["status"], row("2026-11-02 09:05", "c_snap")["status_since"]) == \
        ("new", ts("2026-11-02 08:00"))
    # at 09:30 nothing is after as_of: the snapshot is a status_changed at the last activity, 09:10.
    assert (row("2026-11-02 09:30", "c_snap")["status"], row("2026-11-02 09:30", "c_snap")["status_since"]) == \
        ("resolved", ts("2026-11-02 09:10"))
    # c_future before its created_at: new since the 10:00 message, created_at is not yet activity.
    early = row("2026-11-03 00:00", "c_future")
    assert (early["status"], early["last_activity_at"]) == ("new", ts("2026-11-02 10:00"))
    # after it: the snapshot (on_hold) at the last activity, created_at 2030-01-01.
    late = row("2030-01-02 00:00", "c_future")
    assert (late["status"], late["status_since"], late["last_activity_at"]) == \
        ("on_hold", ts("2030-01-01 00:00"), ts("2030-01-01 00:00"))
    # c_ticket: the latest ticket by as_of.
    assert row("2026-11-03 00:00", "c_ticket")["last_ticket_type"] == "question"
    assert row("2026-11-05 00:00", "c_ticket")["last_ticket_type"] == "incident"
    # c_soon as of now: the inbound message only (tomorrow's answer is not there yet).
    now = status.status_as_of(store, conversation_ids=["c_soon"]).iloc[0]
    assert (now["status"], now["messages_in"], now["messages_out"], bool(now["unanswered"])) == ("new", 1, 0, True)


@pytest.mark.parametrize("as_of", ["2026-11-02 09:10", "2026-11-02 11:30", "2026-11-04 12:00", "2029-12-31 23:59",
                                   "2030-01-01 00:00", None])  # the others: test_hand_scenarios_read_as_the_fold
def test_edges_read_as_the_fold_at_every_time(as_of: str | None) -> None:
    store = edges().store()
    when = pd.Timestamp.now(tz=TZ) if as_of is None else ts(as_of)
    assert_reads_are_the_fold(store, when)


def test_edges_backlog_counts_each_day_end() -> None:
    assert_backlog_counts_each_day_end(edges().store(), ts("2026-11-06 00:00"))


@pytest.mark.parametrize("build", [hand.two_cycles, edges])
def test_hand_scenarios_read_as_the_fold(build) -> None:
    store = build().store()
    assert_stored_is_fresh(store)
    for as_of in ("2026-11-01", "2026-11-02 09:03", "2026-11-02 10:00", "2026-11-02 10:30", "2026-11-03 08:00",
                  "2026-11-04", "2031-01-01"):
        assert_reads_are_the_fold(store, ts(as_of))


def test_demo_store(demo_store: Store) -> None:
    stored = assert_stored_is_fresh(demo_store)
    ends = stored["horizon"].sort_values()
    for as_of in (ends.iloc[0] - pd.Timedelta(days=1), ends.iloc[len(ends) // 2], ends.iloc[-1],
                  pd.Timestamp.now(tz=TZ)):
        assert_reads_are_the_fold(demo_store, as_of)


def test_demo_store_backlog_counts_each_day_end(demo_store: Store) -> None:
    last = demo_store.df("SELECT max(horizon) AS h FROM conversation_state")["h"].iloc[0]
    got = status.backlog(demo_store, Filters(start=(last - pd.Timedelta(days=3)).date(), as_of=last))
    for day, rows in got.groupby("day"):
        end = min(pd.Timestamp(day).tz_localize(TZ) + pd.Timedelta(days=1), last)
        counts = status.status_as_of(demo_store, Filters(as_of=end))["status"].value_counts()
        assert dict(zip(rows["status"], rows["conversations"])) == {
            s: int(counts.get(s, 0)) for s in status.STATUS_VALUES}


def test_migrate_builds_the_tables_of_a_store_at_migration_2(tmp_path: Path) -> None:
    path = tmp_path / "old.duckdb"
    store = Store(path, Settings(db_path=path, timezone=TZ))
    with store.write() as con:  # canonical rows, then the store as migration 2 left it
        for name, frame in hand.two_cycles().frames().items():
            con.register("_frame", frame)
            con.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _frame")
            con.unregister("_frame")
        con.execute("DROP TABLE conversation_state")
        con.execute("DROP TABLE status_changes")
        con.execute("DELETE FROM schema_migrations WHERE version = 3")
    assert Store(path, Settings(db_path=path, timezone=TZ)).migrate() == [3]
    stored = assert_stored_is_fresh(store)
    assert stored[["conversation_id", "status", "cycle"]].values.tolist() == [["c1", "resolved", 2]]


def test_a_partial_refresh_keeps_the_table_in_order_and_adds_new_conversations() -> None:
    s = Scenario()
    s.contact("k1")
    for cid in ("b", "d"):
        s.conversation(cid, "k1")
        s.inbound(cid, "2026-11-02 09:00")
    store = s.store()
    for cid, minute in (("d", 5), ("e", 6), ("a", 7), ("c", 8), ("b", 9)):  # after, before and between the stored
        with store.write() as con:
            con.execute("INSERT INTO messages (message_id, conversation_id, contact_id, channel, direction, sent_at, "
                        "sender_type, agent_id) VALUES (?, ?, 'k1', 'sms', 'outbound', ?, 'agent', 'a1')",
                        [f"m{cid}{minute}", cid, ts(f"2026-11-02 09:{minute:02d}")])
            con.execute("CREATE TEMP TABLE touched AS SELECT ? AS conversation_id", [cid])
            assert derived.status.refresh(con, "touched") == 1
        stored = assert_stored_is_fresh(store)
    assert stored["conversation_id"].tolist() == ["a", "b", "c", "d", "e"]
    # a and c have only an agent message: in progress from it; b and d were answered at :09 and :05
    assert stored["status"].tolist() == ["in_progress"] * 5
    assert stored["status_since"].tolist() == [ts("2026-11-02 09:07"), ts("2026-11-02 09:09"),
                                               ts("2026-11-02 09:08"), ts("2026-11-02 09:05"),
                                               ts("2026-11-02 09:06")]


def test_frames_of_events_alone_get_their_stored_state() -> None:
    # One resolved event at 10:00 local (13:00 UTC) on a conversation with no message: the fold starts it `new` at
    # its first activity (the event) and the event resolves it, so it is stored resolved with horizon 10:00.
    events = pd.DataFrame({"event_id": ["e1"], "conversation_id": ["c1"], "at": [pd.Timestamp("2026-01-05 10:00")],
                           "actor_id": ["a1"], "kind": ["resolved"], "value": [None]})
    store = Store.from_frames({"events": events}, Settings(timezone=TZ))
    stored = store.df("SELECT conversation_id, status, horizon FROM conversation_state")
    assert stored.to_dict("records") == [{"conversation_id": "c1", "status": "resolved",
                                          "horizon": pd.Timestamp("2026-01-05 13:00", tz="UTC")}]
