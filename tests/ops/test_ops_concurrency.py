"""Two writer processes and a reader on one store file: nothing lost, nothing doubled, no action on stale state
(also when a writer hands back a state it held, which the other may have made stale)."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from ops_team import team, to_file
from pipeone_analytics.core.status import status_as_of
from pipeone_analytics.store import Store

WORKER = Path(__file__).with_name("ops_worker.py")


def _store(path: Path) -> Store:
    sc = team()
    sc.agent("carl", name="Carl")
    for i in range(6):
        sc.conversation(f"c{i}", "k1", created_at="2026-03-02 09:00")
        sc.inbound(f"c{i}", "2026-03-02 09:00")
    return to_file(sc.store(locale="en"), path)


def _replay(events: pd.DataFrame) -> dict[str, tuple[str, str | None]]:
    """Plain-Python check that every event was valid for the state its writer met; returns the final states.

    The conversations start new and unassigned, with only inbound messages, so only events move them.
    """
    states: dict[str, tuple[str, str | None]] = {}
    for conv, kind, value in events[["conversation_id", "kind", "value"]].itertuples(index=False):
        status, assignee = states.get(conv, ("new", None))
        if kind == "assigned":
            assert value != assignee, f"{conv}: assigned to {value} twice in a row"
            assignee = value
        elif kind == "status_changed":
            assert status != "resolved" and value != status, f"{conv}: {value} while {status}"
            status = value
        elif kind == "resolved":
            assert status != "resolved", f"{conv}: resolved twice"
            status = "resolved"
        else:
            assert kind == "reopened" and status == "resolved", f"{conv}: reopened while {status}"
            status = "new"
        states[conv] = (status, assignee)
    return states


def _run(tmp_path: Path, per_process: int) -> None:
    db = tmp_path / "shared.duckdb"
    store = _store(db)
    stop = tmp_path / "stop"
    reader = subprocess.Popen([sys.executable, str(WORKER), "read", str(db), str(stop), str(tmp_path / "r.json")],
                              stderr=subprocess.PIPE, text=True)
    writers = [subprocess.Popen([sys.executable, str(WORKER), "act", str(db), who, str(per_process), str(seed),
                                 str(tmp_path / f"{who}.json")], stderr=subprocess.PIPE, text=True)
               for seed, who in enumerate(("mia", "root"))]
    try:
        errors = [w.communicate(timeout=600)[1] for w in writers]
    finally:
        stop.touch()
    reader_error = reader.communicate(timeout=120)[1]
    assert [w.returncode for w in writers] == [0, 0], errors
    assert reader.returncode == 0, reader_error
    seen = json.loads((tmp_path / "r.json").read_text())
    assert seen["reads"] > 0 and seen["torn"] == []  # the reader never saw events without their audit rows

    done = {who: json.loads((tmp_path / f"{who}.json").read_text())["done"] for who in ("mia", "root")}
    results = pd.DataFrame([{**r, "who": who} for who, rows in done.items() for r in rows])
    assert len(results) == 2 * per_process
    assert results["held_current"].any()  # some actions took the state their process held, checked current
    events = store.df('SELECT event_id, conversation_id, "at", actor_id, kind, value FROM events '
                      'ORDER BY "at", event_id')
    audit = store.df("SELECT audit_id, actor_id, role, action, target_id, after->>'event_id' AS event_id "
                     "FROM audit_log")
    tickets = store.df("SELECT ticket_id FROM tickets")
    # every reported action is recorded exactly once, and nothing else is
    assert events["event_id"].is_unique and len(events) == 2 * per_process
    assert set(events["event_id"]) == set(results["event_id"])
    assert sorted(tickets["ticket_id"]) == sorted(results["ticket_id"].dropna())
    # the audit log matches the events one to one, with who did it
    assert audit["audit_id"].is_unique and audit["event_id"].is_unique and len(audit) == len(events)
    joined = events.merge(audit, on="event_id", suffixes=("", "_audit"))
    assert len(joined) == len(events)
    assert (joined["actor_id"] == joined["actor_id_audit"]).all()
    assert (joined["conversation_id"] == joined["target_id"]).all()
    assert set(audit["audit_id"]) == set(results["audit_id"])
    assert dict(zip(audit["actor_id"], audit["role"])) == {"mia": "manager", "root": "admin"}
    # read-check-write in one transaction: no event was written against a stale state
    final = _replay(events)
    status = status_as_of(store).set_index("conversation_id")
    for conv, (expected_status, expected_assignee) in final.items():
        assert (status.at[conv, "status"], status.at[conv, "assignee_id"]) == (expected_status, expected_assignee)


def test_two_writers_and_a_reader(tmp_path: Path) -> None:
    started = time.monotonic()
    _run(tmp_path, per_process=12)
    assert time.monotonic() - started < 120


@pytest.mark.slow
def test_two_writers_and_a_reader_200_actions_each(tmp_path: Path) -> None:
    _run(tmp_path, per_process=200)
