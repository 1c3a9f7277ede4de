"""Dashboard filter changes at scale: `pipeone bench dashboards --messages N [--all]`.

Measures, on benchmarks.common.bench_store(N), the tickets dashboard (with --all, also engagement, response-time
audit and channels), each against issue #8's target of <= 1 s per filter change:
- the bare scan of the ticket joins (baseline): tickets() over every ticket;
- opening the dashboard cold: its pre-aggregates (core.aggregates, core.rating_states) computed once for this store
  version, then every figure, table and tile drawn; then opening it as another kernel would (the aggregates read
  from the Parquet files kept beside the store);
- each filter change (channels, agents, team, period, calendar/business, channels back to all): recompute from the
  aggregates and redraw every FigureWidget and table;
- one drill-down (a click: it reads the store for the rows behind the first bar).
The table ends with one verdict per dashboard: its worst filter change against the 1 s target.
"""
from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
from pathlib import Path
from typing import Any, Callable

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Table, bench_store, peak_rss_mb, timed  # noqa: E402
from pipeone_analytics.config import Settings  # noqa: E402
from pipeone_analytics.core import aggregates, tickets  # noqa: E402
from pipeone_analytics.store import Store  # noqa: E402
from pipeone_analytics.ui.dashboards import channels, engagement, response_times  # noqa: E402
from pipeone_analytics.ui.dashboards import tickets as tickets_dash  # noqa: E402
from pipeone_analytics.ui.dashboards.drill import drill_down  # noqa: E402

TARGET = 1.0


def _first_bar(board: Any, panel: str) -> tuple[list, int]:
    """The customdata and height of the first non-empty bar of a panel's figure."""
    for trace in board.panels[panel].figure.data:
        for key, height in zip(trace.customdata, trace.y):
            if height:
                return list(key), int(height)
    raise AssertionError(f"no bar in {panel}")


def _drills(store: Store) -> dict[str, Callable[[Any], tuple[list, int, Callable[[], Any]]]]:
    """Per dashboard: the drill-down of its first bar, as (key, bar height, the call)."""
    def drill(kind: str, panel: str) -> Callable[[Any], tuple[list, int, Callable]]:
        def pick(board: Any) -> tuple[list, int, Callable]:
            key, height = _first_bar(board, panel)
            selection = board.selection()
            return key, height, lambda: drill_down(store, kind, key, selection.filters, business=selection.business)
        return pick
    return {"tickets": drill("tickets_type", "by_type"), "engagement": drill("stars", "stars"),
            "response times": drill("response_bin", "reply_time"), "channels": drill("backlog", "backlog")}


def _changes(board: Any) -> list[tuple[str, Callable[[], None]]]:
    """The filter changes measured on every dashboard, applied one after the other."""
    bar = board.bar
    channels_seen = [v for _, v in bar.channels.options]
    agents_seen = [v for _, v in bar.agents.options]
    teams_seen = list(bar.teams.options)
    last = bar.end.value
    return [
        ("channels = first two", lambda: setattr(bar.channels, "value", tuple(channels_seen[:2]))),
        ("agents = first three", lambda: setattr(bar.agents, "value", tuple(agents_seen[:3]))),
        ("teams = first", lambda: setattr(bar.teams, "value", tuple(teams_seen[:1]))),
        ("period = last 90 days", lambda: setattr(bar.start, "value", last - dt.timedelta(days=89))),
        ("hours = business", lambda: setattr(bar.hours, "value", "business")),
        ("agents = all", lambda: setattr(bar.agents, "value", ())),
        ("teams = all", lambda: setattr(bar.teams, "value", ())),
        ("channels = all again", lambda: setattr(bar.channels, "value", ())),
    ]


def bench(table: Table, store: Store, name: str, dashboard: type, verdicts: dict[str, str]) -> None:
    """Cold open, warm open, every filter change and one drill-down of one dashboard."""
    seconds, board = timed(lambda: dashboard(store, "pt_BR"))
    table.add(f"{name}: open cold (pre-aggregates computed once + draw)", seconds)
    aggregates._CACHE.clear()
    seconds, board = timed(lambda: dashboard(store, "pt_BR"))
    table.add(f"{name}: open in another kernel (pre-aggregates from Parquet + draw)", seconds)
    worst = 0.0
    for what, change in _changes(board):
        seconds, _ = timed(change)
        worst = max(worst, seconds)
        table.add(f"{name}: filter change {what} (recompute + redraw)", seconds)
    key, height, call = _drills(store)[name](board)
    seconds, rows = timed(call)
    table.add(f"{name}: drill-down of one bar (reads the store)", seconds, f"{len(rows):,} rows = bar {height:,}")
    verdicts[name] = f"worst {worst:.3f} s: {'holds' if worst <= TARGET else 'DOES NOT HOLD'}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--all", action="store_true", help="all four dashboards, not only tickets")
    args = parser.parse_args()
    path = bench_store(args.messages)
    store = Store(path, Settings(db_path=path, locale="pt_BR"))
    table = Table(f"Dashboards on {args.messages:,} messages ({path.name})")
    seconds, every = timed(lambda: tickets.tickets(store))
    table.add("tickets(): every ticket with its joins (baseline)", seconds, f"{len(every):,} tickets")
    del every
    shutil.rmtree(aggregates.cache_dir(store), ignore_errors=True)
    aggregates._CACHE.clear()
    boards = {"tickets": tickets_dash.TicketsDashboard}
    if args.all:
        boards |= {"engagement": engagement.EngagementDashboard,
                   "response times": response_times.ResponseTimesDashboard, "channels": channels.ChannelsDashboard}
    verdicts: dict[str, str] = {}
    for name, dashboard in boards.items():
        bench(table, store, name, dashboard, verdicts)
    table.print(baseline="tickets(): every ticket with its joins (baseline)",
                targets={**{f"{name} filter change <= {TARGET:g} s": v for name, v in verdicts.items()},
                         "peak RSS": f"{peak_rss_mb():,.0f} MB"})


if __name__ == "__main__":
    main()
