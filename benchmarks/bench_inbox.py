"""Inbox speed on a big store: `pipeone bench inbox --messages N [--repeat R]`.

On a private copy of benchmarks.common.bench_store(N) (actions write), as a manager:
- list page: core.conversations.conversation_list, first page (30 rows), with filters, deep in the list
  (after following the cursor through 20 pages) and with a text search;
- open one conversation: what the app reads when a card is clicked and the profile opened (state,
  contact row, timeline page, rating, default reply channel, templates), then the same through the widgets;
- action round trip: ops.set_status (open for writing, derive state, check, write, audit, commit), and the
  whole click in the app (the write plus re-reading the conversation, timeline and list).
Each is the median wall time over R runs on different conversations; the notes give the median CPU time of
this process (on a loaded machine it shows the cost with a core to itself).
Targets at 1M messages: list page and open conversation <= 0.300 s; action round trip <= 0.200 s.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Table, writable_store  # noqa: E402
from pipeone_analytics.core.channels import default_reply_channel  # noqa: E402
from pipeone_analytics.core.conversations import contact_profile, conversation_list  # noqa: E402
from pipeone_analytics.core.filters import Filters  # noqa: E402
from pipeone_analytics.core.ratings import ratings  # noqa: E402
from pipeone_analytics.core.timeline import timeline  # noqa: E402
from pipeone_analytics.ops import conversations  # noqa: E402
from pipeone_analytics.ops.permissions import acting_user  # noqa: E402
from pipeone_analytics.ops.state import conversation_state  # noqa: E402
from pipeone_analytics.ops.templates import templates  # noqa: E402
from pipeone_analytics.ui.inbox import InboxApp  # noqa: E402

LIST_TARGET, OPEN_TARGET, ACTION_TARGET = 0.300, 0.300, 0.200
PAGE = 30


def _median(fn: Callable[[object], object], args: list,
            setup: Callable[[object], object] | None = None) -> tuple[float, float]:
    """Median wall and CPU seconds of fn over the arguments (setup(arg) runs first, untimed)."""
    wall, cpu = [], []
    for arg in args:
        if setup is not None:
            setup(arg)
        t0, c0 = time.perf_counter(), time.process_time()
        fn(arg)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--messages", type=int, default=1_000_000)
    p.add_argument("--repeat", type=int, default=7)
    args = p.parse_args()
    n = args.repeat

    with writable_store(args.messages) as store:
        counts = store.df("SELECT (SELECT count(*) FROM messages) AS messages, "
                          "(SELECT count(*) FROM conversations) AS conversations").iloc[0]
        manager = store.df("SELECT agent_id FROM agents WHERE role = 'manager' AND active ORDER BY agent_id").iloc[0, 0]
        actor = acting_user(store, {"PIPEONE_USER": manager})
        print(f"store: {int(counts['messages']):,} messages, {int(counts['conversations']):,} conversations; "
              f"{n} runs each; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        table = Table(f"inbox at {int(counts['messages']):,} messages")

        def add(what: str, fn: Callable[[object], object], items: list, target: float,
                setup: Callable[[object], object] | None = None) -> None:
            wall, cpu = _median(fn, items, setup)
            verdict = "ok" if wall <= target else "over (wall)" + (" / ok on cpu" if cpu <= target else "")
            table.add(what, wall, f"cpu {cpu:.3f} s; target <= {target:.3f} s: {verdict}")

        first = conversation_list(store, limit=PAGE)
        add("list: first page", lambda _: conversation_list(store, limit=PAGE), list(range(n)), LIST_TARGET)
        whatsapp = Filters(channels=("whatsapp",))
        add("list: whatsapp + in progress", lambda _: conversation_list(store, whatsapp, statuses=["in_progress"],
                                                                         limit=PAGE), list(range(n)), LIST_TARGET)
        add("list: mine (one agent)", lambda _: conversation_list(store, Filters(agents=(manager,)), limit=PAGE),
            list(range(n)), LIST_TARGET)
        cursor = first.next_cursor
        for _ in range(20):
            cursor = conversation_list(store, limit=PAGE, cursor=cursor).next_cursor
        add("list: page 22 by cursor", lambda _: conversation_list(store, limit=PAGE, cursor=cursor),
            list(range(n)), LIST_TARGET)
        add("list: text search", lambda _: conversation_list(store, search="boleto", limit=PAGE), list(range(n)),
            LIST_TARGET)

        rows = first.items.to_dict("records")
        picks = rows[:n]

        def open_core(row: dict) -> None:
            state = conversation_state(store, row["conversation_id"])
            contact_profile(store, state["contact_id"])
            timeline(store, state["contact_id"], limit=40)
            ratings(store, contacts=[state["contact_id"]])
            default_reply_channel(store, [state["contact_id"]])
            templates(store, None)

        add("open conversation: core reads", open_core, picks, OPEN_TARGET)
        app = InboxApp(store, "en", env={"PIPEONE_USER": manager})

        def open_app(row: dict) -> None:
            app.select(row)
            app.open_profile()

        add("open conversation: through the widgets", open_app, rows[n:2 * n], OPEN_TARGET)
        add("list: through the widgets (reload)", lambda _: app.list.reload(), list(range(n)), LIST_TARGET)

        open_ids = conversation_list(store, statuses=["new"], limit=4 * n).items["conversation_id"].tolist()
        add("action: ops.set_status round trip",
            lambda cid: conversations.set_status(store, actor, cid, "on_hold"), open_ids[:n], ACTION_TARGET)

        add("action: click On hold in the app (write + re-read)", lambda _: app.actions.hold.click(),
            open_ids[n:2 * n], ACTION_TARGET, setup=app.load)
        table.print(targets={"list page": f"<= {LIST_TARGET} s", "open conversation": f"<= {OPEN_TARGET} s",
                             "action round trip": f"<= {ACTION_TARGET} s"})


if __name__ == "__main__":
    main()
