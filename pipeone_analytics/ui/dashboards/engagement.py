"""Engagement dashboard: stars distribution with their meaning, stars by channel, history, transitions, drill-down."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ... import charts, i18n
from ...core import rating_states
from ...core import ratings as core_ratings
from ...store import Store
from .base import ChartPanel, Dashboard, Selection, grid, kpi_tiles, words
from .drill import drill_down, period_dates

HISTORY_DAYS = 183  # the history shows at least the last six month ends


@dataclasses.dataclass
class EngagementView:
    """Everything the engagement dashboard shows for one selection.

    distribution columns: stars, contacts. by_channel: channel, stars, contacts, share. history: as_of, stars,
    contacts. transitions: from_stars, to_stars, contacts."""

    distribution: pd.DataFrame
    by_channel: pd.DataFrame
    history: pd.DataFrame
    transitions: pd.DataFrame
    kpis: list[tuple[str, str]]
    figures: dict[str, go.Figure]


def _levels(stars: np.ndarray) -> pd.DataFrame:
    """Contacts per star level 0-5, zero included. Columns: stars, contacts."""
    counts = np.bincount(stars, minlength=len(core_ratings.STAR_LEVELS))
    return pd.DataFrame({"stars": list(core_ratings.STAR_LEVELS), "contacts": counts.astype("int64")})


def _by_channel(channels: pd.Index, codes: np.ndarray, stars: np.ndarray) -> pd.DataFrame:
    """core.ratings.stars_by_channel of rated contacts (channel codes into channels, -1: none) with a channel: all
    six levels of every channel that has a contact, and their share of it. Columns: channel, stars, contacts, share."""
    levels = len(core_ratings.STAR_LEVELS)
    with_channel = codes >= 0
    counts = np.bincount(codes[with_channel] * levels + stars[with_channel], minlength=len(channels) * levels)
    counts = counts.reshape(len(channels), levels)
    totals = counts.sum(axis=1)
    present = np.flatnonzero(totals)
    present = present[np.argsort(channels.to_numpy()[present])]
    return pd.DataFrame({"channel": np.repeat(channels.to_numpy()[present], levels),
                         "stars": np.tile(core_ratings.STAR_LEVELS, len(present)),
                         "contacts": counts[present].ravel().astype("int64"),
                         "share": (counts[present] / totals[present, None]).ravel()})


def compute(store: Store, selection: Selection, locale: str) -> EngagementView:
    """The engagement figures for a selection: ratings as of the period's last day, changes since its start, all
    from the contacts' rating states (core.rating_states), equal to core.ratings'.

    Channels select contacts by their main channel; agents, teams and business hours do not apply to ratings."""
    say = words(locale)
    filters = selection.filters
    first, last = period_dates(filters, store)
    states = rating_states.rating_states(store)
    contact, stars = states["contact"].to_numpy(), states["stars"].to_numpy()
    channels, codes = states["channel"].cat.categories, states["channel"].cat.codes.to_numpy()
    held = rating_states.on_day(states, last)
    by_channel = _by_channel(channels, codes[held], stars[held])
    if filters.channels:
        by_channel = by_channel[by_channel["channel"].isin(filters.channels)]
        held &= np.isin(codes, np.flatnonzero(channels.isin(filters.channels)))
    kept = np.zeros(int(contact.max()) + 1 if len(contact) else 0, dtype=bool)
    kept[contact[held]] = True
    now = stars[held]
    distribution = _levels(now)
    ends = core_ratings.period_ends(min(first, last - dt.timedelta(days=HISTORY_DAYS)), last)
    counted = kept[contact] if filters.channels else np.ones(len(contact), dtype=bool)
    history = []
    for end in ends:  # a contact has one state per day it is rated: count the states that hold then
        levels = _levels(stars[rating_states.on_day(states, end) & counted])
        history.append(levels[levels["contacts"] > 0].assign(as_of=end))
    history = pd.concat(history, ignore_index=True)[["as_of", "stars", "contacts"]]
    before = rating_states.stars_by_contact(states, first - dt.timedelta(days=1), missing=0)
    after = rating_states.stars_by_contact(states, last)
    cells = np.bincount(before[kept] * 6 + after[kept], minlength=36).astype("int64")
    grid_index = pd.MultiIndex.from_product([core_ratings.STAR_LEVELS] * 2, names=["from_stars", "to_stars"])
    transitions = pd.DataFrame({"contacts": cells}, index=grid_index).reset_index()
    change = after[kept].astype(int) - before[kept]
    stars_labels = {s: f"{s} ★" for s in core_ratings.STAR_LEVELS}
    channel_rows = by_channel.assign(channel_label=by_channel["channel"].map(lambda c: i18n.label("channel", c, locale)),
                                     level=by_channel["stars"].map(stars_labels))
    history_rows = history.assign(level=history["stars"].map(stars_labels))
    star_colors = {f"{s} ★": charts.STAR_COLORS[s] for s in core_ratings.STAR_LEVELS}
    date = lambda d: i18n.fmt_date(d, locale, "medium")  # noqa: E731
    figures = {
        "stars": charts.star_distribution(distribution, core_ratings.meaning_table(locale), say("dash_fig_stars"),
                                          locale, say("dash_col_stars"), say("dash_col_contacts")),
        "by_channel": charts.bars(channel_rows, "channel_label", "share", say("dash_fig_stars_channel"), locale,
                                  color="level", x_title=say("dash_col_channel"), y_title=say("dash_col_share"),
                                  hover=("channel", "stars", "contacts"), y_format=".0%", colors=star_colors),
        "history": charts.lines(history_rows, "as_of", "contacts", say("dash_fig_history"), locale, color="level",
                                x_title=say("dash_col_month_end"), y_title=say("dash_col_contacts"), area=True,
                                colors=star_colors),
        "transitions": charts.heatmap(transitions, "to_stars", "from_stars", "contacts",
                                      say("dash_fig_transitions", start=date(first - dt.timedelta(days=1)),
                                          end=date(last)), locale, say("dash_col_to_stars"),
                                      say("dash_col_from_stars"), stars_labels, stars_labels),
    }
    total = int(distribution["contacts"].sum())
    mean = (distribution["stars"] * distribution["contacts"]).sum() / total if total else float("nan")
    kpis = [(say("dash_kpi_contacts"), i18n.fmt_number(total, locale)),
            (say("dash_kpi_mean_stars"), "—" if not total else i18n.fmt_number(mean, locale, 2)),
            (say("dash_kpi_engaged"), i18n.fmt_number(int((now >= 4).sum()), locale)),
            (say("dash_kpi_up"), i18n.fmt_number(int((change > 0).sum()), locale)),
            (say("dash_kpi_down"), i18n.fmt_number(int((change < 0).sum()), locale))]
    return EngagementView(distribution, by_channel.reset_index(drop=True), history, transitions, kpis, figures)


class EngagementDashboard(Dashboard):
    """Stars of the contacts: distribution, by channel, history and transitions; click a bar for the contacts."""

    title_key = "dash_engagement"

    def build(self) -> Any:
        self.panels = {name: ChartPanel(380) for name in ("stars", "by_channel", "history", "transitions")}
        p = self.panels
        return grid([p["stars"], p["by_channel"]], [p["history"], p["transitions"]])

    def render(self, selection: Selection) -> None:
        self.view = compute(self.store, selection, self.locale)
        self.kpis.value = kpi_tiles(self.view.kpis)
        handlers = {"stars": lambda data: self.drill_into("stars", [data[0]]),
                    "by_channel": lambda data: self.drill_into("stars_channel", [data[0], data[1]]),
                    "history": None,
                    "transitions": lambda data: self.drill_into("transition", [data[1], data[0]])}
        for name, panel in self.panels.items():
            panel.show(self.view.figures[name], handlers[name])

    def drill_into(self, kind: str, key: list) -> None:
        """Show the contacts behind a clicked bar or cell, with their explanation."""
        rows = drill_down(self.store, kind, key, self.selection().filters)
        say = self.say
        title = {"stars": lambda: say("dash_drill_stars", stars=key[0]),
                 "stars_channel": lambda: say("dash_drill_stars_channel", stars=key[1],
                                              channel=i18n.label("channel", key[0], self.locale)),
                 "transition": lambda: say("dash_drill_transition", from_stars=key[0], to_stars=key[1])}[kind]()
        rows = rows.assign(channel_label=rows["channel"].map(
            lambda c: i18n.label("channel", c, self.locale) if isinstance(c, str) else ""))
        headers = {"contact_id": "id", "name": say("dash_col_contact"), "channel_label": say("dash_col_channel")}
        if kind == "transition":
            headers |= {"from_stars": say("dash_col_from_stars"), "to_stars": say("dash_col_to_stars")}
        else:
            headers |= {"stars": say("dash_col_stars")}
        headers |= {"reason": say("dash_col_reason")}
        self.drill.show(title, rows, headers)


def show(db: str | None = None, locale: str | None = None, timezone: str | None = None) -> EngagementDashboard:
    """Build the engagement dashboard on the store (PIPEONE_DB by default) and display it."""
    from IPython.display import display

    from .base import open_store

    dashboard = EngagementDashboard(open_store(db, locale, timezone), locale)
    display(dashboard)
    return dashboard


