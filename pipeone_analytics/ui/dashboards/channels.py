"""Channels and backlog dashboard: messages by channel per day, backlog by status at each day's end, time in
status, reopens; click a backlog bar for the conversations in that status that day."""
from __future__ import annotations

import dataclasses
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ... import charts, i18n
from ...core import aggregates, measured
from ...store import Store
from .base import ChartPanel, Dashboard, Selection, grid, kpi_tiles, labelled, words
from .drill import drill_down

OPEN = ("new", "in_progress", "on_hold")
STATUS_COLORS = {"new": "#1e88e5", "in_progress": "#fb8c00", "on_hold": "#8e24aa", "resolved": "#43a047"}


@dataclasses.dataclass
class ChannelsView:
    """Everything the channels dashboard shows for one selection.

    volume columns: day, channel, messages_in, messages_out, conversations, messages. backlog: day, status,
    conversations (open statuses only). in_status: response_times.summarize(time_in_status, by=status). reopens: day, reopens."""

    volume: pd.DataFrame
    backlog: pd.DataFrame
    in_status: pd.DataFrame
    reopens: pd.DataFrame
    kpis: list[tuple[str, str]]
    figures: dict[str, go.Figure]


def compute(store: Store, selection: Selection, locale: str) -> ChannelsView:
    """The channels and backlog figures for a selection, all from core.aggregates (equal to core.channels,
    core.status and core.response_times.time_in_status). Backlog and reopens take only the period."""
    say = words(locale)
    filters = selection.filters
    prefix = "business_" if selection.business else ""
    volume = aggregates.select(aggregates.channel_facts(store), filters, store, {"channels": "channel"})
    volume = volume.assign(messages=volume["messages_in"] + volume["messages_out"],
                           channel_label=labelled(volume["channel"], "channel", locale))
    backlog = aggregates.backlog_in(aggregates.backlog_facts(store), filters, store)
    backlog = backlog[backlog["status"].isin(OPEN)].reset_index(drop=True)
    backlog_rows = backlog.assign(status_label=labelled(backlog["status"], "status", locale))
    intervals = aggregates.status_facts(store)
    statuses = intervals["status"].cat
    chosen = measured.choose(intervals, aggregates.measured_mask(intervals, filters, store))
    in_status = measured.summary(chosen, (), "status", statuses.codes.to_numpy())
    in_status = in_status[(in_status["status"] >= 0) & (in_status["count"] > 0)]
    in_status = in_status.assign(status=statuses.categories.to_numpy()[in_status["status"]]).reset_index(drop=True)
    hours = pd.concat([in_status.assign(measure=say("dash_col_median"), hours=in_status[f"{prefix}median"] / 3600),
                       in_status.assign(measure="p90", hours=in_status[f"{prefix}p90"] / 3600)], ignore_index=True)
    hours["status_label"] = hours["status"].map(lambda s: i18n.label("status", s, locale))
    reopens = aggregates.select(aggregates.reopen_facts(store), filters, store).reset_index(drop=True)
    status_colors = {i18n.label("status", k, locale): v for k, v in STATUS_COLORS.items()}
    figures = {
        "volume": charts.bars(volume, "day", "messages", say("dash_fig_volume"), locale, color="channel_label",
                              x_title=say("dash_col_day"), y_title=say("dash_col_messages"), date_axis=True,
                              hover=("day", "channel"), y_format=",d"),
        "backlog": charts.bars(backlog_rows, "day", "conversations", say("dash_fig_backlog"), locale,
                               color="status_label", x_title=say("dash_col_day"),
                               y_title=say("dash_col_conversations"), date_axis=True, hover=("day", "status"),
                               y_format=",d", colors=status_colors),
        "in_status": charts.bars(hours, "status_label", "hours", say("dash_fig_time_in_status"), locale,
                                 color="measure", stacked=False, x_title=say("dash_col_status"),
                                 y_title=say("dash_col_hours"), y_format=",.1f"),
        "reopens": charts.bars(reopens, "day", "reopens", say("dash_fig_reopens"), locale,
                               x_title=say("dash_col_day"), y_title=say("dash_col_reopens"), date_axis=True,
                               y_format=",d", colors={None: "#e53935"}),
    }
    totals = volume.groupby("channel_label")["messages"].sum().sort_values(ascending=False)
    last_day = backlog[backlog["day"] == backlog["day"].max()]
    kpis = [(say("dash_kpi_messages"), i18n.fmt_number(int(volume["messages"].sum()), locale)),
            (say("dash_kpi_top_channel"), totals.index[0] if len(totals) else "—"),
            (say("dash_kpi_open_backlog"), i18n.fmt_number(int(last_day["conversations"].sum()), locale)),
            (say("dash_kpi_reopens"), i18n.fmt_number(int(reopens["reopens"].sum()), locale))]
    return ChannelsView(volume.reset_index(drop=True), backlog, in_status, reopens, kpis, figures)


class ChannelsDashboard(Dashboard):
    """Where the messages come from and how the queue evolves."""

    title_key = "dash_channels"

    def build(self) -> Any:
        self.panels = {name: ChartPanel(360) for name in ("volume", "backlog", "in_status", "reopens")}
        p = self.panels
        return grid([p["volume"], p["backlog"]], [p["in_status"], p["reopens"]])

    def render(self, selection: Selection) -> None:
        self.view = compute(self.store, selection, self.locale)
        self.kpis.value = kpi_tiles(self.view.kpis)
        handlers = {"volume": None, "backlog": lambda d: self.drill_into("backlog", [d[0], d[1]]),
                    "in_status": None, "reopens": None}
        for name, panel in self.panels.items():
            panel.show(self.view.figures[name], handlers[name])

    def drill_into(self, kind: str, key: list) -> None:
        """Show the conversations in a status at the end of a clicked day."""
        say, loc = self.say, self.locale
        rows = drill_down(self.store, kind, key, self.selection().filters)
        rows = rows.assign(status_label=rows["status"].map(lambda s: i18n.label("status", s, loc)),
                           channel_label=rows["last_channel"].map(
                               lambda c: i18n.label("channel", c, loc) if isinstance(c, str) else ""))
        title = say("dash_drill_backlog", status=i18n.label("status", key[1], loc),
                    day=i18n.fmt_date(pd.Timestamp(key[0]).date(), loc))
        self.drill.show(title, rows, {"conversation_id": say("dash_col_conversation"),
                                      "contact_id": say("dash_col_contact"), "status_label": say("dash_col_status"),
                                      "status_since": say("dash_col_status_since"),
                                      "channel_label": say("dash_col_channel"), "assignee_id": say("dash_col_agent")})


def show(db: str | None = None, locale: str | None = None, timezone: str | None = None) -> ChannelsDashboard:
    """Build the channels and backlog dashboard on the store (PIPEONE_DB by default) and display it."""
    from IPython.display import display

    from .base import open_store

    dashboard = ChannelsDashboard(open_store(db, locale, timezone), locale)
    display(dashboard)
    return dashboard
