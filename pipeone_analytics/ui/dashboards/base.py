"""What every dashboard shares: the store, the filter bar, click-through charts, the drill-down pane and KPI tiles."""
from __future__ import annotations

import dataclasses
import datetime as dt
import html
from typing import Any, Callable, Mapping, Sequence

import ipywidgets as w
import pandas as pd
import plotly.graph_objects as go

from ... import i18n
from ...config import load_settings
from ...core.filters import Filters
from ...core.timeline import timeline
from ...store import Store
from ..components import CSS, FilterBar, empty_html, table_html

DASHBOARD_CSS = """
<style>
.p1-dash-title {font-size:20px;font-weight:600;color:#263238;margin:4px 0 2px 0}
.p1-dash-sub {font-size:12px;color:#78909c;margin-bottom:8px}
.p1-kpis {display:flex;gap:12px;flex-wrap:wrap;margin:6px 0 10px 0}
.p1-kpi {flex:1 1 150px;border:1px solid #e0e6ea;border-radius:8px;padding:10px 14px;background:#fff;
         box-shadow:0 1px 2px rgba(0,0,0,.04)}
.p1-kpi-value {font-size:24px;font-weight:600;color:#1e3a5f;font-variant-numeric:tabular-nums}
.p1-kpi-label {font-size:12px;color:#607d8b;margin-top:2px}
.p1-drill-title {font-size:14px;font-weight:600;color:#37474f;margin:10px 0 4px 0}
.p1-card {border:1px solid #e0e6ea;border-radius:8px;background:#fff;padding:4px}
</style>
"""


def words(locale: str) -> Callable[..., str]:
    """t() of the dashboards' i18n keys in one locale: say("dash_x", n=1)."""
    return lambda key, **values: i18n.t(key, locale, **values)


def labelled(values: pd.Series, kind: str, locale: str, missing: str = "") -> pd.Series:
    """The words of statuses, channels or ticket types for a column (looked up once per distinct value)."""
    words_of = {v: i18n.label(kind, v, locale) for v in values.dropna().unique()}
    return values.map(words_of).fillna(missing)


def kpi_tiles(values: Sequence[tuple[str, str]]) -> str:
    """HTML tiles of (label, formatted value): the headline numbers above a dashboard's charts."""
    tiles = "".join(f"<div class='p1-kpi'><div class='p1-kpi-value'>{html.escape(v)}</div>"
                    f"<div class='p1-kpi-label'>{html.escape(k)}</div></div>" for k, v in values)
    return f"<div class='p1-kpis'>{tiles}</div>"


def open_store(db: str | None = None, locale: str | None = None, timezone: str | None = None) -> Store:
    """The store a dashboard reads: PIPEONE_DB / pipeone.toml settings, overridden by the notebook's parameters."""
    settings = load_settings(db_path=db or None, locale=locale or None, timezone=timezone or None)
    return Store(settings.db_path, settings)


def store_choices(store: Store) -> dict[str, Any]:
    """Channels, agents (label, id), teams and the default period (the last 30 days with activity).

    Keys: channels, agents, teams, start, end."""
    frame = store.df("""
        SELECT (SELECT list(DISTINCT channel ORDER BY channel) FROM messages) AS channels,
               (SELECT list(DISTINCT team ORDER BY team) FROM agents WHERE team IS NOT NULL) AS teams,
               (SELECT max(sent_at) FROM messages) AS last_at""")
    agents = store.df("SELECT agent_id, coalesce(name, agent_id) AS name FROM agents ORDER BY name, agent_id")
    last = frame["last_at"].iloc[0]
    end = last.date() if not pd.isna(last) else dt.date.today()
    listed = lambda col: [] if frame[col].iloc[0] is None else list(frame[col].iloc[0])  # noqa: E731
    return {"channels": listed("channels"), "teams": listed("teams"),
            "agents": list(zip(agents["name"], agents["agent_id"])), "start": end - dt.timedelta(days=29), "end": end}


@dataclasses.dataclass(frozen=True)
class Selection:
    """A filter bar's state: the core Filters and whether durations are in business time."""

    filters: Filters
    business: bool = False


class ChartPanel(w.VBox):
    """A FigureWidget that is redrawn in place; a click on any bar or cell calls on_click(customdata of it)."""

    def __init__(self, height: int = 360) -> None:
        self.figure = go.FigureWidget(layout={"height": height})
        self.height = height
        self._on_click: Callable[[Any], None] | None = None
        super().__init__([self.figure], layout=w.Layout(width="100%"))
        self.add_class("p1-card")

    def show(self, fig: go.Figure, on_click: Callable[[Any], None] | None = None) -> None:
        """Draw fig in a new FigureWidget (a fresh widget model always reaches the browser whole, where in-place
        edits made before the first display are lost); clicks go to on_click (None: not clickable)."""
        self._on_click = on_click
        self.figure = go.FigureWidget(fig)
        self.figure.layout.height = self.height
        for trace in self.figure.data:
            trace.on_click(self._clicked)
        self.children = [self.figure]

    def _clicked(self, trace: Any, points: Any, _state: Any) -> None:
        if self._on_click is None or not points.point_inds:
            return
        index = points.point_inds[0]
        data = trace.customdata
        if data is None:
            return
        if trace.type == "heatmap":  # heatmap customdata is a grid; plotly gives [row, column]
            row, col = index if isinstance(index, (list, tuple)) else divmod(index, len(data[0]))
            self._on_click(data[row][col])
        else:
            self._on_click(data[index])

    def click(self, trace_index: int, point_index: Any) -> None:
        """Act as if a person clicked that point (tests and scripted tours)."""
        trace = self.figure.data[trace_index]
        from plotly.callbacks import Points

        trace._dispatch_on_click(Points(point_inds=[point_index], xs=[], ys=[], trace_name=trace.name,
                                        trace_index=trace_index), None)


class DrillPane(w.VBox):
    """The rows behind a clicked bar, and (for contacts) a picker that opens one contact's timeline."""

    def __init__(self, store: Store, locale: str, timeline_of: bool = False) -> None:
        self.store, self.locale = store, locale
        self.title = w.HTML()
        self.table = w.HTML(empty_html(locale))
        self.contact = w.Dropdown(options=[], description=i18n.t("dash_timeline_of", locale),
                                  layout=w.Layout(width="420px", display="none"),
                                  style={"description_width": "initial"})
        self.timeline = w.HTML()
        self.rows = pd.DataFrame()
        self.contact.observe(self._open_timeline, names="value")
        super().__init__([self.title, self.table, self.contact, self.timeline])
        self._timeline_of = timeline_of

    def show(self, title: str, rows: pd.DataFrame, headers: Mapping[str, str], digits: dict | None = None) -> None:
        """Show rows (only the columns named in headers), and offer their contacts' timelines."""
        self.rows = rows
        self.title.value = f"<div class='p1-drill-title'>{html.escape(title)} · " \
                           f"{i18n.fmt_number(len(rows), self.locale)}</div>"
        shown = rows[[c for c in headers if c in rows]]
        self.table.value = table_html(shown, self.locale, dict(headers), digits)
        self.timeline.value = ""
        if self._timeline_of and "contact_id" in rows and not rows.empty:
            names = rows["name"] if "name" in rows else rows.get("contact_name", rows["contact_id"])
            ids = rows["contact_id"].drop_duplicates()
            labels = names.loc[ids.index].fillna(ids).astype(str) + " (" + ids + ")"
            self.contact.options = [("—", None), *zip(labels, ids)]
            self.contact.value = None
            self.contact.layout.display = "flex"
        else:
            self.contact.layout.display = "none"

    def _around(self, contact_id: str) -> Filters | None:
        """Rows with a clock stop (metric or ledger rows): the timeline ends an hour after the contact's last one."""
        stops = [c for c in ("ledger_to_at", "to_at") if c in self.rows]
        if not stops:
            return None
        last = self.rows.loc[self.rows["contact_id"] == contact_id, stops].max().max()
        return None if pd.isna(last) else Filters(as_of=last + pd.Timedelta(hours=1))

    def _open_timeline(self, change: dict) -> None:
        contact_id = change["new"]
        if not contact_id:
            self.timeline.value = ""
            return
        items = timeline(self.store, contact_id, limit=30, filters=self._around(contact_id)).items
        say = words(self.locale)
        items = items.assign(kind_label=items["kind"].map(lambda k: say(f"dash_kind_{k}")),
                             channel_label=items["channel"].map(
                                 lambda c: i18n.label("channel", c, self.locale) if isinstance(c, str) else ""))
        headers = {"at": say("dash_col_at"), "kind_label": say("dash_col_kind"), "channel_label": say("dash_col_channel"),
                   "direction": say("dash_col_direction"), "agent_name": say("dash_col_agent"),
                   "body": say("dash_col_body"), "item_id": "id"}
        shown = items[list(headers)].assign(at=items["at"].dt.tz_convert(self.store.settings.timezone))
        self.timeline.value = (table_html(shown, self.locale, headers).replace("<table", "<table data-kind='timeline'", 1)
                               if not items.empty else empty_html(self.locale))


class Dashboard(w.VBox):
    """A title, the shared filter bar, KPI tiles, the dashboard's own body, and a drill-down pane.

    Subclasses set `title_key`, build their body in `build()` and redraw it in `render(selection)`.
    """

    title_key = ""

    def __init__(self, store: Store, locale: str | None = None) -> None:
        self.store = store
        self.locale = i18n.check_locale(locale or store.settings.locale)
        self.say = words(self.locale)
        choices = store_choices(store)
        self.bar = FilterBar(self.locale, choices["channels"], choices["agents"], choices["teams"],
                             choices["start"], choices["end"], on_change=lambda _: self.refresh())
        self.kpis = w.HTML()
        self.notice = w.HTML()
        self.drill = DrillPane(store, self.locale, timeline_of=True)
        body = self.build()
        header = w.HTML(CSS + DASHBOARD_CSS + f"<div class='p1-dash-title'>{html.escape(self.say(self.title_key))}"
                        f"</div><div class='p1-dash-sub'>{html.escape(self.say('dash_click_hint'))}</div>")
        super().__init__([header, self.bar, self.notice, self.kpis, body, self.drill],
                         layout=w.Layout(width="100%", max_width="1400px"))
        self.refresh()

    def selection(self) -> Selection:
        """The filter bar's current state."""
        return Selection(self.bar.filters(), self.bar.business)

    def refresh(self) -> None:
        """Recompute and redraw every chart, table and tile for the current filters."""
        sel = self.selection()
        start, end = sel.filters.start, sel.filters.end
        if start is not None and end is not None and start > end:
            self.notice.value = f"<div class='p1-notice p1-notice-error'>{html.escape(self.say('dash_bad_period'))}</div>"
            return
        self.notice.value = ""
        self.render(sel)

    def build(self) -> w.Widget:
        raise NotImplementedError

    def render(self, selection: Selection) -> None:
        raise NotImplementedError


def grid(*rows: Sequence[w.Widget]) -> w.VBox:
    """Rows of panels, side by side within a row."""
    return w.VBox([w.HBox(list(r), layout=w.Layout(width="100%", gap="10px")) if len(r) > 1 else r[0]
                   for r in rows], layout=w.Layout(gap="10px", width="100%"))
