"""Widgets shared by the inbox and the dashboards: filter bar, tags, tables, notices."""
from __future__ import annotations

import datetime as dt
import html
from typing import Callable, Iterable, Sequence

import ipywidgets as w
import pandas as pd

from .. import i18n
from ..core.filters import Filters

CSS = """
<style>
.p1-tag {display:inline-block;padding:1px 8px;border-radius:10px;font-size:11px;font-weight:600;
         margin-right:4px;white-space:nowrap}
.p1-status-new {background:#e3f2fd;color:#0d47a1} .p1-status-in_progress {background:#fff3e0;color:#e65100}
.p1-status-on_hold {background:#f3e5f5;color:#6a1b9a} .p1-status-resolved {background:#e8f5e9;color:#1b5e20}
.p1-channel {background:#eceff1;color:#37474f}
.p1-table {border-collapse:collapse;font-size:13px;width:100%}
.p1-table th {text-align:left;border-bottom:2px solid #cfd8dc;padding:4px 8px;background:#fafafa}
.p1-table td {border-bottom:1px solid #eceff1;padding:4px 8px;vertical-align:top}
.p1-table td.num {text-align:right;font-variant-numeric:tabular-nums}
.p1-empty {color:#78909c;font-style:italic;padding:24px;text-align:center}
.p1-notice {padding:6px 10px;border-radius:4px;margin:4px 0}
.p1-notice-error {background:#ffebee;color:#b71c1c} .p1-notice-ok {background:#e8f5e9;color:#1b5e20}
.p1-notice-info {background:#e3f2fd;color:#0d47a1}
</style>
"""


def tag(kind: str, key: str, locale: str) -> str:
    """HTML chip for a status or channel, labelled in the locale."""
    css = f"p1-status-{key}" if kind == "status" else "p1-channel"
    return f'<span class="p1-tag {css}">{html.escape(i18n.label(kind, key, locale))}</span>'


def table_html(frame: pd.DataFrame, locale: str, headers: dict[str, str] | None = None,
               numeric_digits: dict[str, int] | None = None, max_rows: int = 200) -> str:
    """An HTML table of a DataFrame, numbers formatted in the locale, or the empty-state line."""
    if frame.empty:
        return empty_html(locale)
    headers = headers or {}
    digits = numeric_digits or {}
    cells = ["<table class='p1-table'><thead><tr>"]
    cells += [f"<th>{html.escape(headers.get(c, c))}</th>" for c in frame.columns]
    cells.append("</tr></thead><tbody>")
    for row in frame.head(max_rows).itertuples(index=False):
        cells.append("<tr>")
        for col, value in zip(frame.columns, row):
            if isinstance(value, (int, float)) and not isinstance(value, bool) and not pd.isna(value):
                cells.append(f"<td class='num'>{i18n.fmt_number(value, locale, digits.get(col, 0))}</td>")
            elif isinstance(value, (pd.Timestamp, dt.datetime)) and not pd.isna(value):
                cells.append(f"<td>{html.escape(i18n.fmt_datetime(value, locale))}</td>")
            else:
                cells.append(f"<td>{'' if value is None or (not isinstance(value, str) and pd.isna(value)) else html.escape(str(value))}</td>")
        cells.append("</tr>")
    cells.append("</tbody></table>")
    return "".join(cells)


def empty_html(locale: str) -> str:
    """The "no data for this selection" line."""
    return f"<div class='p1-empty'>{html.escape(i18n.t('no_data', locale))}</div>"


class Notice(w.HTML):
    """A one-line message area for errors and confirmations; errors stay until replaced."""

    def show(self, message: str, kind: str = "info") -> None:
        self.value = f"<div class='p1-notice p1-notice-{kind}'>{html.escape(message)}</div>"

    def clear(self) -> None:
        self.value = ""


class FilterBar(w.HBox):
    """Period, channels, agents, teams and calendar/business time; calls on_change(filters) on edits."""

    def __init__(self, locale: str, channels: Sequence[str], agents: Sequence[tuple[str, str]],
                 teams: Sequence[str], start: dt.date, end: dt.date,
                 on_change: Callable[[Filters], None] | None = None) -> None:
        pt = locale == "pt_BR"
        self.start = w.DatePicker(value=start, description="De" if pt else "From")
        self.end = w.DatePicker(value=end, description="Até" if pt else "To")
        self.channels = w.SelectMultiple(options=[(i18n.label("channel", c, locale), c) for c in channels],
                                         description="Canais" if pt else "Channels", rows=4)
        self.agents = w.SelectMultiple(options=list(agents), description="Agentes" if pt else "Agents", rows=4)
        self.teams = w.SelectMultiple(options=list(teams), description="Equipes" if pt else "Teams", rows=4)
        self.hours = w.ToggleButtons(options=[("Calendário" if pt else "Calendar", "calendar"),
                                              ("Horário comercial" if pt else "Business hours", "business")],
                                     value="calendar")
        self._on_change = on_change
        super().__init__([w.VBox([self.start, self.end, self.hours]), self.channels, self.agents, self.teams],
                         layout=w.Layout(flex_flow="row wrap", gap="8px"))
        for control in (self.start, self.end, self.channels, self.agents, self.teams, self.hours):
            control.observe(self._changed, names="value")

    @property
    def business(self) -> bool:
        return self.hours.value == "business"

    def filters(self) -> Filters:
        """The current selection as core Filters."""
        return Filters(start=self.start.value, end=self.end.value, channels=tuple(self.channels.value),
                       agents=tuple(self.agents.value), teams=tuple(self.teams.value))

    def _changed(self, _: object) -> None:
        if self._on_change is not None:
            self._on_change(self.filters())


def options(values: Iterable[str], locale: str, kind: str) -> list[tuple[str, str]]:
    """(label, value) pairs for a dropdown of statuses, channels or ticket types."""
    return [(i18n.label(kind, v, locale), v) for v in values]
