"""Inbox action round trips on a big store: `pipeone bench actions --messages N [--repeat R]`.

On a private copy of benchmarks.common.bench_store(N) (the actions write), as a manager, each action is
one full round trip as the inbox makes it: open the store for writing, re-read the actor, derive the
conversation's current state with core/status.py, check the role, write the event (and ticket, or
message and outbox row), audit, commit, close. Each is repeated R times on different conversations and
reported by its median wall time (max, and the median CPU time of this process, in the notes: on a
loaded machine the CPU time shows what the round trip costs when it has a core to itself).
Each action runs twice: without a held state (the write folds the conversation's status), and handing back
the state a screen holds with its version (ops/state.py), read untimed just before, as the inbox does: the
write then checks the version instead of folding.
Baselines in the same run:
- an empty write transaction (open, BEGIN, COMMIT, close): the floor of any write;
- core/status.py's status of one conversation, and its version, on a connection already open.
Target: every action's median <= 0.200 s at 1M messages.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Table, writable_store  # noqa: E402
from pipeone_analytics.core.status import status_as_of  # noqa: E402
from pipeone_analytics.ops import compose, conversations  # noqa: E402
from pipeone_analytics.ops.audit import BoundStore  # noqa: E402
from pipeone_analytics.ops.permissions import acting_user  # noqa: E402
from pipeone_analytics.ops.state import conversation_state, conversation_version, state_row  # noqa: E402

TARGET = 0.200


def _times(fn: Callable[[str], object], ids: list[str]) -> tuple[list[float], list[float]]:
    """Wall seconds and this process's CPU seconds of fn on each id."""
    wall, cpu = [], []
    for conversation_id in ids:
        t0, c0 = time.perf_counter(), time.process_time()
        fn(conversation_id)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return wall, cpu


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=10)
    args = p.parse_args()

    with writable_store(args.messages) as store:
        counts = store.df("SELECT (SELECT count(*) FROM messages) AS messages, "
                          "(SELECT count(*) FROM events) AS events").iloc[0]
        manager = store.df("SELECT agent_id FROM agents WHERE role = 'manager' AND active ORDER BY agent_id")
        agents = store.df("SELECT agent_id FROM agents WHERE role = 'agent' AND active ORDER BY agent_id")["agent_id"]
        actor = acting_user(store, {"PIPEONE_USER": manager["agent_id"].iloc[0]})
        t0 = time.perf_counter()
        states = status_as_of(store)
        full_status = time.perf_counter() - t0
        open_ = states[states["status"].isin(["new", "in_progress"])].sort_values("conversation_id")
        assigned = open_[open_["assignee_id"].notna()]
        n = args.repeat
        names = ("resolve", "transfer", "set_status", "compose")
        picks = {f"{name}{suffix}": assigned["conversation_id"].iloc[i * n:(i + 1) * n].tolist()
                 for i, (name, suffix) in enumerate((m, h) for h in ("", " held") for m in names)}
        target = {c: next(a for a in agents if a != who)
                  for c, who in zip(assigned["conversation_id"], assigned["assignee_id"])}
        print(f"store: {int(counts['messages']):,} messages, {int(counts['events']):,} events, "
              f"{len(states):,} conversations; full status fold {full_status:.2f} s; {n} runs per action; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")

        def empty(_: str) -> None:
            with store.write():
                pass

        table = Table(f"Inbox action round trip, {int(counts['messages']):,} messages (median of {n})")

        def report(name: str, times: tuple[list[float], list[float]], verdict: bool = False) -> None:
            wall, cpu = times
            median = statistics.median(wall)
            note = f"max {max(wall):.3f} s; CPU {statistics.median(cpu):.3f} s"
            if verdict:
                note += "; ok" if median <= TARGET else "; OVER TARGET"
            table.add(name, median, note)

        report("empty write transaction (baseline)", _times(empty, picks["resolve"]))
        with store.read() as con:
            on_open = BoundStore(con, store)
            report("status of one conversation, connection open", _times(
                lambda c: conversation_state(on_open, c), picks["resolve"]))
            report("version of one conversation, connection open", _times(
                lambda c: conversation_version(on_open, c), picks["resolve"]))
        held: dict[str, dict] = {}
        for cid in [c for name, ids in picks.items() if name.endswith(" held") for c in ids]:
            held[cid] = state_row(store, cid, pd.Timestamp.now(tz="UTC"))
        actions = {
            "resolve (ticket + event + audit)": lambda c, h: conversations.resolve(
                store, actor, c, "question", None, "bench", held=h),
            "transfer (assigned event + audit)": lambda c, h: conversations.transfer(store, actor, c, target[c],
                                                                                     held=h),
            "set_status on_hold": lambda c, h: conversations.set_status(store, actor, c, "on_hold", held=h),
            "compose (message + outbox + audit)": lambda c, h: compose.compose(
                store, actor, c, body="Olá! Já verificamos seu pedido.", held=h),
        }
        for with_held in ("", " held"):
            for (name, fn), key in zip(actions.items(), names):
                report(name + (", with the held state" if with_held else ""),
                       _times(lambda c: fn(c, held.get(c)), picks[key + with_held]), verdict=True)
        table.print(baseline="empty write transaction (baseline)",
                    targets={"each action (median)": f"<= {TARGET:.3f} s at 1M messages"})


if __name__ == "__main__":
    main()
