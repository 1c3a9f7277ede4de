"""A separate process for the concurrency test: `act` performs N random permitted actions, `read` counts rows in a loop.

    python ops_worker.py act DB AGENT_ID N SEED OUT.json
    python ops_worker.py read DB STOP_FILE OUT.json

Like a screen, `act` hands half of its actions the state it last saw of that conversation (from its own last
result, or read now and then), which the other process may have made stale since.
An action refused as invalid for the state it met (another process got there first) is retried with another
random choice and not counted; any other error (a permission error, the lock deadline) ends the process with a
traceback and a non-zero exit.
"""
from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path

from pipeone_analytics.config import Settings
from pipeone_analytics.errors import ValidationError
import pandas as pd

from pipeone_analytics.ops import conversations
from pipeone_analytics.ops.state import state_row
from pipeone_analytics.ops.permissions import acting_user
from pipeone_analytics.store import Store

CONVERSATIONS = [f"c{i}" for i in range(6)]
AGENTS = ["ana", "bob", "carl"]


def _store(db: str) -> Store:
    return Store(db, Settings(db_path=Path(db), locale="en", lock_deadline_seconds=30))


def act(db: str, agent_id: str, n: int, seed: int, out: str) -> None:
    store = _store(db)
    actor = acting_user(store, {"PIPEONE_USER": agent_id})
    rng = random.Random(seed)
    seen: dict[str, dict] = {}
    choices = [
        lambda c, h: conversations.assign(store, actor, c, rng.choice(AGENTS), held=h),
        lambda c, h: conversations.set_status(store, actor, c, rng.choice(["in_progress", "on_hold"]), held=h),
        lambda c, h: conversations.resolve(store, actor, c, rng.choice(["question", "task"]),
                                           rng.choice([None, "billing"]), rng.choice([None, "done"]), held=h),
        lambda c, h: conversations.reopen(store, actor, c, held=h),
    ]
    done, invalid = [], 0
    while len(done) < n:
        conversation = rng.choice(CONVERSATIONS)
        if rng.random() < 0.2:
            seen[conversation] = state_row(store, conversation, pd.Timestamp.now(tz="UTC"))
        try:
            result = rng.choice(choices)(conversation, seen.get(conversation) if rng.random() < 0.5 else None)
        except ValidationError:
            invalid += 1
            continue
        seen[conversation] = result.state
        done.append({"action": result.action, "conversation_id": result.conversation_id,
                     "event_id": result.event_id, "ticket_id": result.ticket_id, "audit_id": result.audit_id,
                     "held_current": result.held_current})
    Path(out).write_text(json.dumps({"done": done, "invalid": invalid}))


def read(db: str, stop: str, out: str) -> None:
    """Count events, audit rows and tickets in a loop; a reader must never see half of a transaction."""
    store = _store(db)
    reads, torn = 0, []
    while not Path(stop).exists():
        row = store.df("SELECT (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM audit_log) AS audit, "
                       "(SELECT count(*) FROM tickets) AS tickets, "
                       "(SELECT count(*) FROM events WHERE kind = 'resolved') AS resolves").iloc[0]
        if row["events"] != row["audit"] or row["tickets"] != row["resolves"]:
            torn.append({k: int(v) for k, v in row.items()})
        reads += 1
        time.sleep(0.05)
    Path(out).write_text(json.dumps({"reads": reads, "torn": torn}))


if __name__ == "__main__":
    if sys.argv[1] == "act":
        act(sys.argv[2], sys.argv[3], int(sys.argv[4]), int(sys.argv[5]), sys.argv[6])
    else:
        read(sys.argv[2], sys.argv[3], sys.argv[4])
