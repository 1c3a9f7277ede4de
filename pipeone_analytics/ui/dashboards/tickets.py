"""Tickets and categories dashboard: volume by type and category per week, category × channel and × agent, top
categories with their trend; click through to the tickets, their conversations and resolution notes."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from ... import charts, i18n
from ...core import aggregates
from ...store import Store
from .base import ChartPanel, Dashboard, Selection, grid, kpi_tiles, labelled, words
from .drill import drill_down, period_dates

TOP = 5
NONE = ""  # heatmap key of a missing category or resolver (plotly drops None keys)


@dataclasses.dataclass
class TicketsView:
    """Everything the tickets dashboard shows for one selection.

    by_type / by_category columns: week (Monday), key, label, tickets. category_channel / category_agent: category
    (category_id, "" for none), category_label, key (channel or resolved_by, "" for none), label, tickets.
    top: category, category_label, tickets, previous, change (relative; NaN from zero)."""

    by_type: pd.DataFrame
    by_category: pd.DataFrame
    category_channel: pd.DataFrame
    category_agent: pd.DataFrame
    top: pd.DataFrame
    kpis: list[tuple[str, str]]
    figures: dict[str, go.Figure]


def _weekly(facts: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
    """Tickets per week (Monday) and key. Columns: week, key, label, tickets."""
    frame = facts.assign(key=facts[key], label=facts[label])
    return (frame.groupby(["week", "key"], dropna=False, sort=True)
            .agg(label=("label", "first"), tickets=("tickets", "sum")).reset_index())


def _matrix(facts: pd.DataFrame, key: str, label: str) -> pd.DataFrame:
    """Tickets per category and key, most tickets first. Columns: category, category_label, key, label, tickets."""
    frame = facts.assign(category=facts["category_id"].fillna(NONE), key=facts[key].fillna(NONE),
                         label=facts[label].fillna(NONE))
    frame = (frame.groupby(["category", "key"]).agg(category_label=("category_label", "first"),
                                                    label=("label", "first"), tickets=("tickets", "sum"))
             .reset_index())
    rank = frame.groupby("category")["tickets"].transform("sum")
    return (frame.assign(rank=rank).sort_values(["rank", "category", "tickets"], ascending=[False, True, False])
            .drop(columns="rank").reset_index(drop=True))


def compute(store: Store, selection: Selection, locale: str) -> TicketsView:
    """The tickets figures for a selection, from the daily ticket aggregate (core.aggregates.ticket_facts)."""
    say = words(locale)
    facts = aggregates.ticket_facts(store)
    now = aggregates.select(facts, selection.filters, store)
    first, last = period_dates(selection.filters, store)
    span = (last - first).days + 1
    previous = aggregates.select(facts, dataclasses.replace(
        selection.filters, start=first - dt.timedelta(days=span), end=first - dt.timedelta(days=1)), store)
    types = now.assign(type_label=labelled(now["type"], "ticket_type", locale))
    by_type = _weekly(types, "type", "type_label")
    by_category = _weekly(now, "category_id", "category_label")
    channels = now.assign(channel_label=labelled(now["channel"], "channel", locale, i18n.t("unassigned", locale)))
    category_channel = _matrix(channels, "channel", "channel_label")
    category_agent = _matrix(now.assign(resolver_name=now["resolver_name"].fillna(i18n.t("unassigned", locale))),
                             "resolved_by", "resolver_name")
    totals = now.groupby(now["category_id"].fillna(NONE)).agg(category_label=("category_label", "first"),
                                                               tickets=("tickets", "sum"))
    before = previous.groupby(previous["category_id"].fillna(NONE))["tickets"].sum()
    top = (totals.assign(previous=before.reindex(totals.index, fill_value=0))
           .rename_axis("category").reset_index().sort_values(["tickets", "category"], ascending=[False, True]))
    top["change"] = (top["tickets"] - top["previous"]) / top["previous"].where(top["previous"] > 0)
    top = top.head(TOP).reset_index(drop=True)
    trend = by_category[by_category["key"].fillna(NONE).isin(top["category"])]
    cat_labels = dict(zip(category_channel["category"], category_channel["category_label"]))
    figures = {
        "by_type": charts.bars(by_type, "week", "tickets", say("dash_fig_by_type"), locale, color="label",
                               x_title=say("dash_col_week"), y_title=say("dash_col_tickets"), date_axis=True,
                               hover=("week", "key"), y_format=",d"),
        "by_category": charts.bars(by_category, "week", "tickets", say("dash_fig_by_category"), locale,
                                   color="label", x_title=say("dash_col_week"), y_title=say("dash_col_tickets"),
                                   date_axis=True, hover=("week", "key"), y_format=",d"),
        "category_channel": charts.heatmap(category_channel, "key", "category", "tickets",
                                           say("dash_fig_category_channel"), locale, say("dash_col_channel"),
                                           say("dash_col_category"),
                                           dict(zip(category_channel["key"], category_channel["label"])), cat_labels),
        "category_agent": charts.heatmap(category_agent, "key", "category", "tickets", say("dash_fig_category_agent"),
                                         locale, say("dash_col_agent"), say("dash_col_category"),
                                         dict(zip(category_agent["key"], category_agent["label"])), cat_labels),
        "trend": charts.lines(trend, "week", "tickets", say("dash_fig_top_trend"), locale, color="label",
                              x_title=say("dash_col_week"), y_title=say("dash_col_tickets")),
    }
    total, before_total = int(now["tickets"].sum()), int(previous["tickets"].sum())
    categorized = int(now.loc[now["category_id"].notna(), "tickets"].sum())
    kpis = [(say("dash_kpi_tickets"), i18n.fmt_number(total, locale)),
            (say("dash_kpi_categorized"), i18n.fmt_percent(categorized / total, locale) if total else "—"),
            (say("dash_kpi_top_category"), str(top["category_label"].iloc[0]) if len(top) else "—"),
            (say("dash_kpi_change"), signed_percent((total - before_total) / before_total, locale)
             if before_total else "—")]
    return TicketsView(by_type, by_category, category_channel, category_agent, top, kpis, figures)


def signed_percent(share: float, locale: str) -> str:
    """A relative change as '+12%' or '-5%' in the locale."""
    return ("+" if share > 0 else "") + i18n.fmt_percent(share, locale)


def top_table_html(top: pd.DataFrame, locale: str) -> str:
    """The top categories with their tickets, the previous period's and the change, as an HTML table."""
    from ..components import table_html

    say = words(locale)
    shown = top.assign(change=top["change"].map(lambda v: "—" if pd.isna(v) else signed_percent(v, locale)))
    return table_html(shown[["category_label", "tickets", "previous", "change"]], locale, {
        "category_label": say("dash_col_category"), "tickets": say("dash_col_tickets"),
        "previous": say("dash_col_previous"), "change": say("dash_col_trend")})


class TicketsDashboard(Dashboard):
    """Ticket volume by type and category, category × channel and × agent, top categories; click for tickets."""

    title_key = "dash_tickets"

    def build(self) -> Any:
        import ipywidgets as w

        self.panels = {name: ChartPanel(380) for name in ("by_type", "by_category", "category_channel",
                                                          "category_agent", "trend")}
        self.top = w.HTML()
        top_box = w.VBox([w.HTML(f"<div class='p1-drill-title'>{self.say('dash_top_categories')}</div>"), self.top],
                         layout=w.Layout(width="40%"))
        p = self.panels
        return grid([p["by_type"], p["by_category"]], [p["category_channel"], p["category_agent"]],
                    [p["trend"], top_box])

    def render(self, selection: Selection) -> None:
        self.view = compute(self.store, selection, self.locale)
        self.kpis.value = kpi_tiles(self.view.kpis)
        self.top.value = top_table_html(self.view.top, self.locale)
        none = lambda v: None if v == NONE else v  # noqa: E731
        handlers = {"by_type": lambda d: self.drill_into("tickets_type", [d[0], d[1]]),
                    "by_category": lambda d: self.drill_into("tickets_category", [d[0], d[1]]),
                    "category_channel": lambda d: self.drill_into("category_channel", [none(d[1]), none(d[0])]),
                    "category_agent": lambda d: self.drill_into("category_agent", [none(d[1]), none(d[0])]),
                    "trend": None}
        for name, panel in self.panels.items():
            panel.show(self.view.figures[name], handlers[name])

    def describe(self, kind: str, key: list) -> str:
        """The clicked bar or cell in words: "week of 02/11/2026 · Incident", "Billing × WhatsApp"."""
        view, loc = self.view, self.locale
        if kind in ("tickets_type", "tickets_category"):
            frame = view.by_type if kind == "tickets_type" else view.by_category
            label = frame.loc[frame["key"].fillna(NONE) == (key[1] or NONE), "label"]
            return f"{i18n.fmt_date(pd.Timestamp(key[0]).date(), loc)} · {label.iloc[0] if len(label) else key[1]}"
        frame = view.category_channel if kind == "category_channel" else view.category_agent
        cell = frame[(frame["category"] == (key[0] or NONE)) & (frame["key"] == (key[1] or NONE))]
        return f"{cell['category_label'].iloc[0]} × {cell['label'].iloc[0]}" if len(cell) else str(key)

    def drill_into(self, kind: str, key: list) -> None:
        """Show the tickets behind a clicked bar or cell: conversation, contact, resolver and resolution note."""
        rows = drill_down(self.store, kind, key, self.selection().filters)
        say = self.say
        what = self.describe(kind, key)
        rows = rows.assign(type_label=rows["type"].map(lambda k: i18n.label("ticket_type", k, self.locale)),
                           name=rows["contact_name"])
        self.drill.show(say("dash_drill_tickets", what=what), rows, {
            "ticket_id": "id", "resolved_at": say("dash_col_resolved_at"), "type_label": say("dash_col_type"),
            "category_label": say("dash_col_category"), "conversation_id": say("dash_col_conversation"),
            "contact_name": say("dash_col_contact"), "resolver_name": say("dash_col_agent"),
            "note": say("dash_col_note")})


def show(db: str | None = None, locale: str | None = None, timezone: str | None = None) -> TicketsDashboard:
    """Build the tickets dashboard on the store (PIPEONE_DB by default) and display it."""
    from IPython.display import display

    from .base import open_store

    dashboard = TicketsDashboard(open_store(db, locale, timezone), locale)
    display(dashboard)
    return dashboard
