"""Inbox speed on a big store: `pipeone bench inbox --messages N [--repeat R]`.

On a private copy of benchmarks.common.bench_store(N) (actions write), as a manager:
- list page: core.conversations.conversation_list, first page (30 rows), with filters, deep in the list
  (after following the cursor through 20 pages) and with a text search;
- open one conversation: what the app reads when a card is clicked and the profile opened (list row and
  version, contact row, timeline page, rating, default reply channel, templates), each core call on its own
  connection, then the same through the widgets (one connection per click, as the app reads);
- action round trip, for each kind of action: what a user waits for, from the click on the button that acts
  (Transfer, On hold, Confirm in the resolve form, Reopen, Send) to the return of its handler, when every
  widget (header, buttons, timeline, the list card, the notice) shows the new state: the write (open the
  store for writing, re-read the actor, check the state shown against the store's version, write, read the
  timeline items after those shown, audit, commit) plus the redraw, and any read the app still needs after
  it. The list is unfiltered, as it opens. Each run acts on another conversation, opened first (untimed);
  a run whose notice is not a success, or whose header does not show the new state, stops the benchmark.
  The kernel-to-browser hop of Voila is not included.
Each row gives the best and the median wall time over R runs, and the median CPU time of this process (on a
loaded machine it shows the cost with a core to itself).
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

import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Table, writable_store  # noqa: E402
from pipeone_analytics.core.channels import default_reply_channel  # noqa: E402
from pipeone_analytics.core.conversations import contact_profile, conversation_list  # noqa: E402
from pipeone_analytics.core.filters import Filters  # noqa: E402
from pipeone_analytics.core.ratings import ratings  # noqa: E402
from pipeone_analytics.core.timeline import timeline  # noqa: E402
from pipeone_analytics.ops.admin import categories  # noqa: E402
from pipeone_analytics.ops.state import conversation_version  # noqa: E402
from pipeone_analytics.ops.templates import templates  # noqa: E402
from pipeone_analytics.store import Store  # noqa: E402
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


def _runs(fn: Callable[[str], object], ids: list[str], *setups: Callable[[str], object]) -> tuple[list, list]:
    """Wall and CPU seconds of fn on each id, each after the setups (untimed)."""
    wall, cpu = [], []
    for cid in ids:
        for setup in setups:
            setup(cid)
        t0, c0 = time.perf_counter(), time.process_time()
        fn(cid)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return wall, cpu


def _acted(app: InboxApp, click: Callable[[InboxApp], object], shows: Callable[[dict], bool], kind: str,
           cid: str) -> None:
    """One click; stops the benchmark unless it succeeded and the header shows the new state."""
    click(app)
    if "p1-notice-ok" not in app.notice.value or app.state is None or not shows(app.state):
        raise SystemExit(f"{kind} on {cid} did not do what it should: {app.notice.value}")


def _named(store: Store, statuses: list[str], rows: int) -> pd.DataFrame:
    """The latest conversations in the statuses whose contact has a name (the template needs it)."""
    found = conversation_list(store, statuses=statuses, limit=rows).items
    return found[found["name"].notna()]


def _actions(store: Store, app: InboxApp, me: str, n: int) -> dict[str, tuple]:
    """kind -> (setup after opening, the click, what the new state shows, n conversations of its own)."""
    category = categories(store).query("active")["category_id"].iloc[0]
    open_ = _named(store, ["new", "in_progress"], 40 * n)
    free, held = open_[open_["assignee_id"].isna()], open_[open_["assignee_id"].notna()]
    parts = [held["conversation_id"].iloc[i * n:(i + 1) * n].tolist() for i in range(3)]
    rest = held.iloc[3 * n:]
    replies = {status: rest.loc[rest["status"] == status, "conversation_id"].iloc[:n].tolist()
               for status in ("new", "in_progress")}
    resolved = _named(store, ["resolved"], 4 * n)["conversation_id"].iloc[:n].tolist()
    if len(free) < n or min(map(len, [*parts, *replies.values(), resolved])) < n:
        raise SystemExit(f"too few conversations for {n} runs of each action")

    def target(_: str) -> None:
        app.actions.target.value = next(a for _, a in app.actions.target.options if a != me)

    def take(_: str) -> None:
        app.actions.target.value = me

    def resolve_form(_: str) -> None:
        app.actions.resolve.click()
        app.actions.ticket_type.value, app.actions.category.value = "incident", category
        app.actions.note.value = "bench"

    def template(_: str) -> None:
        app.composer.template.value = "tpl05"

    return {
        "take (Transfer to me, unassigned)": (take, lambda a: a.actions.transfer.click(),
                                              lambda s: s["assignee_id"] == me,
                                              free["conversation_id"].iloc[:n].tolist()),
        "transfer (assigned, to another agent)": (target, lambda a: a.actions.transfer.click(),
                                                  lambda s: s["assignee_id"] != me, parts[0]),
        "on hold": (lambda _: None, lambda a: a.actions.hold.click(), lambda s: s["status"] == "on_hold", parts[1]),
        "resolve with a ticket (Confirm)": (resolve_form, lambda a: a.actions.confirm.click(),
                                            lambda s: s["status"] == "resolved", parts[2]),
        "reopen": (lambda _: None, lambda a: a.actions.reopen.click(), lambda s: s["status"] != "resolved",
                   resolved),
        "compose from a template (Send), first reply to a new conversation": (
            template, lambda a: a.composer.send_button.click(), lambda s: not s["unanswered"], replies["new"]),
        "compose from a template (Send), conversation in progress": (
            template, lambda a: a.composer.send_button.click(), lambda s: not s["unanswered"],
            replies["in_progress"]),
    }


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
            state = conversation_list(store, conversation_ids=[row["conversation_id"]]).items.iloc[0]
            conversation_version(store, row["conversation_id"])
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

        table.print(targets={"list page": f"<= {LIST_TARGET} s", "open conversation": f"<= {OPEN_TARGET} s"})
        trips = Table(f"action round trip at {int(counts['messages']):,} messages, click to widgets showing it")
        for kind, (setup, click, shows, ids) in _actions(store, app, manager, n).items():
            wall, cpu = _runs(lambda cid: _acted(app, click, shows, kind, cid), ids, app.load, setup)
            verdict = "ok" if statistics.median(wall) <= ACTION_TARGET else "OVER"
            trips.add(kind, statistics.median(wall), f"best {min(wall):.3f} s; cpu {statistics.median(cpu):.3f} s; "
                                                     f"target <= {ACTION_TARGET:.3f} s: {verdict}")
        trips.print(targets={"action round trip (median)": f"<= {ACTION_TARGET} s"})


if __name__ == "__main__":
    main()
