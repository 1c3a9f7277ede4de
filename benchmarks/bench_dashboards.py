"""Dashboard filter changes at scale: `pipeone bench dashboards --messages N`.

Measures, on benchmarks.common.bench_store(N), the tickets-and-categories dashboard (ui.dashboards.tickets):
- the bare scan of the ticket joins it aggregates (baseline): tickets() over every ticket;
- opening the dashboard cold: the daily ticket aggregate (core.aggregates.ticket_facts) computed once for this
  store version, then every figure, table and tile drawn; then opening it as another kernel would (the aggregate
  read from the Parquet file kept beside the store);
- each filter change (channels, agents, team, period, calendar/business): recompute from the aggregate and redraw
  every FigureWidget and table (target <= 1 s each);
- the pure compute() of the same selection, and drill_down() of the first bar (a click; it reads the store).
With --all, also the compute() of the other three dashboards, which read the store on every change (information).
"""
from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Table, bench_store, peak_rss_mb, timed  # noqa: E402
from pipeone_analytics.config import Settings  # noqa: E402
from pipeone_analytics.core import tickets  # noqa: E402
from pipeone_analytics.store import Store  # noqa: E402
from pipeone_analytics.ui.dashboards import channels, engagement, response_times  # noqa: E402
from pipeone_analytics.ui.dashboards import tickets as tickets_dash  # noqa: E402
from pipeone_analytics.ui.dashboards.drill import drill_down  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--all", action="store_true", help="also time the other dashboards' compute()")
    args = parser.parse_args()
    path = bench_store(args.messages)
    store = Store(path, Settings(db_path=path, locale="pt_BR"))
    table = Table(f"Dashboards on {args.messages:,} messages ({path.name})")

    seconds, every = timed(lambda: tickets.tickets(store))
    table.add("tickets(): every ticket with its joins (baseline)", seconds, f"{len(every):,} tickets")
    aggregates = tickets_dash.aggregates
    shutil.rmtree(aggregates.cache_dir(store), ignore_errors=True)
    seconds, board = timed(lambda: tickets_dash.TicketsDashboard(store, "pt_BR"))
    table.add("open tickets dashboard cold (aggregate once + draw)", seconds,
              f"{len(aggregates.ticket_facts(store)):,} aggregate rows")
    aggregates._CACHE.clear()
    seconds, board = timed(lambda: tickets_dash.TicketsDashboard(store, "pt_BR"))
    table.add("open it in another kernel (aggregate from its Parquet file + draw)", seconds)
    bar = board.bar
    channels_seen = [v for _, v in bar.channels.options]
    agents_seen = [v for _, v in bar.agents.options]
    teams_seen = [v for v in bar.teams.options]
    last = bar.end.value
    changes = [
        ("channels = first two", lambda: setattr(bar.channels, "value", tuple(channels_seen[:2]))),
        ("agents = first three", lambda: setattr(bar.agents, "value", tuple(agents_seen[:3]))),
        ("teams = first", lambda: setattr(bar.teams, "value", tuple(teams_seen[:1]))),
        ("period = last 90 days", lambda: setattr(bar.start, "value", last - dt.timedelta(days=89))),
        ("hours = business", lambda: setattr(bar.hours, "value", "business")),
        ("channels = all again", lambda: setattr(bar.channels, "value", ())),
    ]
    worst = 0.0
    for name, change in changes:
        seconds, _ = timed(change)
        worst = max(worst, seconds)
        table.add(f"filter change: {name} (recompute + redraw)", seconds,
                  f"{sum(sum(t.y) for t in board.panels['by_type'].figure.data):,} tickets shown")
    selection = board.selection()
    seconds, _ = timed(lambda: tickets_dash.compute(store, selection, "pt_BR"), 3)
    table.add("tickets compute() alone", seconds, "best of 3")
    first = board.view.figures["by_type"].data[0]
    seconds, rows = timed(lambda: drill_down(store, "tickets_type", list(first.customdata[-1]), selection.filters))
    table.add("drill_down() of one bar (reads the store)", seconds, f"{len(rows):,} rows = bar {first.y[-1]:,}")
    if args.all:
        month = dataclasses.replace(selection, filters=dataclasses.replace(
            selection.filters, start=last - dt.timedelta(days=29), end=last))
        for name, module in (("engagement", engagement), ("response times", response_times), ("channels", channels)):
            seconds, _ = timed(lambda: module.compute(store, month, "pt_BR"))
            table.add(f"{name} compute(), last 30 days (information)", seconds, "reads the store")
    table.print(baseline="tickets(): every ticket with its joins (baseline)", targets={
        "filter change <= 1 s": f"worst {worst:.3f} s", "peak RSS": f"{peak_rss_mb():,.0f} MB"})


if __name__ == "__main__":
    main()
