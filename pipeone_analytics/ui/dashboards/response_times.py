"""Response-time audit: log-scale histograms with median and p90, SLA attainment, weekday × hour, per agent, and
outliers opening their interaction-ledger rows and the contact's timeline around them."""
from __future__ import annotations

import dataclasses
from typing import Any

import babel.dates
import ipywidgets as w
import numpy as np
import pandas as pd
import plotly.graph_objects as go

from ... import charts, i18n
from ...core import aggregates, measured, response_times
from ...store import Store
from ..components import table_html
from .base import ChartPanel, Dashboard, Selection, grid, kpi_tiles, words
from .drill import RESPONSE_METRICS, drill_down

OUTLIERS = 10


@dataclasses.dataclass
class ResponseView:
    """Everything the audit shows for one selection.

    frames: metric -> its measured values, ascending, in the column seconds or (business) business_seconds.
    summaries: metric -> summarize() overall, of those values only (no columns of the other kind).
    sla columns: metric, metric_label, threshold (s), threshold_label, share. heat columns: weekday (1 = Monday),
    hour, median (s), count. agents: summarize(reply_time, by=agent) plus agent_name. outliers: one row per rank
    of outliers(reply_time) (the metric row, without its ledger rows)."""

    frames: dict[str, pd.DataFrame]
    summaries: dict[str, pd.DataFrame]
    sla: pd.DataFrame
    heat: pd.DataFrame
    agents: pd.DataFrame
    outliers: pd.DataFrame
    kpis: list[tuple[str, str]]
    figures: dict[str, go.Figure]


def _weekday_names(locale: str) -> dict[int, str]:
    """1 (Monday) .. 7 (Sunday) -> the abbreviated weekday name in the locale."""
    names = babel.dates.get_day_names("abbreviated", locale=locale)
    return {d: names[d - 1].capitalize() for d in range(1, 8)}


def slowest(replies: pd.DataFrame, mask: np.ndarray, n: int = OUTLIERS) -> pd.DataFrame:
    """The n slowest masked rows (replies sorted by seconds), ranked as core.response_times.outliers ranks them:
    seconds descending, then conversation, cycle and clock start. Columns: rank, then those of replies.

    The rows are sorted by seconds, so they are the last masked ones (with every tie of the n-th): only the
    tail of the mask is read, growing until it holds them."""
    seconds = replies["seconds"].to_numpy()
    size = 4 * n
    while True:
        low = max(len(mask) - size, 0)
        chosen = low + np.flatnonzero(mask[low:])
        if len(chosen) > n:
            chosen = chosen[seconds[chosen] >= seconds[chosen[-n]]]
        if low == 0 or (len(chosen) >= n and seconds[low - 1] < seconds[chosen[0]]):
            break
        size *= 8
    ranked = replies.iloc[chosen].sort_values(["seconds", "conversation_id", "cycle", "from_at"],
                                              ascending=[False, True, True, True]).head(n)
    return ranked.assign(rank=range(1, len(ranked) + 1))[["rank", *replies.columns]].reset_index(drop=True)


def compute(store: Store, selection: Selection, locale: str) -> ResponseView:
    """The audit's figures and tables for a selection; durations in business seconds when selection.business.

    Every number comes from the rows of core.aggregates.response_facts that the core functions measure for these
    filters (aggregates.measured_mask), summarized as response_times.summarize does (core.measured)."""
    say = words(locale)
    filters, settings = selection.filters, store.settings
    prefix = "business_" if selection.business else ""
    seconds = f"{prefix}seconds"
    facts = {m: aggregates.response_facts(store, m) for m in RESPONSE_METRICS}
    masks = {m: aggregates.measured_mask(f, filters, store) for m, f in facts.items()}
    chosen = {m: measured.choose(f, masks[m], [prefix]) for m, f in facts.items()}
    frames = {m: pd.DataFrame({seconds: chosen[m][prefix][0]}) for m in facts}
    summaries = {m: measured.summary(chosen[m], response_times.sla_thresholds(m, settings)) for m in facts}
    label = {m: say(f"dash_metric_{m}") for m in frames}
    figures: dict[str, go.Figure] = {}
    for i, (m, frame) in enumerate(frames.items()):
        s = summaries[m].iloc[0]
        figures[m] = charts.duration_histogram(
            frame[seconds], say("dash_fig_hist", metric=label[m]), locale, s[f"{prefix}median"], s[f"{prefix}p90"],
            say("dash_axis_time", unit="min"), say("dash_col_count"), charts.PALETTE[i], metric=m)
    sla = pd.DataFrame([{"metric": m, "metric_label": label[m], "threshold": t,
                         "threshold_label": i18n.fmt_duration(t, locale),
                         "share": summaries[m][f"{prefix}within_{t}s"].iloc[0]}
                        for m in frames for t in response_times.sla_thresholds(m, settings)])
    sla = sla[sla["share"].notna()] if len(sla) else sla
    figures["sla"] = charts.bars(sla, "threshold_label", "share", say("dash_fig_sla"), locale, color="metric_label",
                                 stacked=False, x_title=say("dash_col_threshold"), y_title=say("dash_axis_within"),
                                 y_format=".0%")
    replies = facts["reply_time"]
    thresholds = response_times.sla_thresholds("reply_time", settings)
    cells = (replies["weekday"].to_numpy().astype("int16") - 1) * 24 + replies["hour"].to_numpy()
    heat = measured.summary(chosen["reply_time"], thresholds, "cell", cells)
    heat = heat.assign(weekday=heat["cell"] // 24 + 1, hour=heat["cell"] % 24)
    heat = heat[["weekday", "hour", f"{prefix}median", "count"]].rename(columns={f"{prefix}median": "median"})
    days = _weekday_names(locale)
    grid_rows = (pd.MultiIndex.from_product([range(1, 8), range(24)], names=["weekday", "hour"]).to_frame(index=False)
                 .merge(heat.assign(minutes=heat["median"] / 60), how="left", on=["weekday", "hour"]))
    figures["heat"] = (charts.heatmap(grid_rows, "hour", "weekday", "minutes",
                                      say("dash_fig_heatmap"), locale, say("dash_col_hour"), say("dash_col_weekday"),
                                      {h: f"{h:02d}h" for h in range(24)}, days, colorscale="YlOrRd",
                                      z_format=",.0f", fill=None) if not heat.empty else
                       charts.empty_figure(say("dash_fig_heatmap"), locale))
    names = aggregates.agent_names(store)
    agent_ids = replies["agent_id"].cat
    agents = measured.summary(chosen["reply_time"], thresholds, "agent_id", agent_ids.codes.to_numpy())
    agents = agents[(agents["agent_id"] >= 0) & (agents["count"] > 0)]
    agents = agents.assign(agent_id=agent_ids.categories.to_numpy()[agents["agent_id"]]).merge(
        names, on="agent_id", how="left")
    agents = agents.sort_values([f"{prefix}median", "agent_id"], ascending=[False, True]).reset_index(drop=True)
    slow = slowest(replies, masks["reply_time"]).merge(names, on="agent_id", how="left")
    first = summaries["first_response_time"].iloc[0]
    threshold = 1800 if 1800 in settings.sla_first_response_seconds else settings.sla_first_response_seconds[0]
    fmt = lambda v: i18n.fmt_duration(v, locale)  # noqa: E731
    kpis = [(say("dash_kpi_median", metric=label["first_response_time"]), fmt(first[f"{prefix}median"])),
            (say("dash_kpi_p90", metric=label["first_response_time"]), fmt(first[f"{prefix}p90"])),
            (say("dash_kpi_sla", metric=label["first_response_time"], threshold=fmt(threshold)),
             "—" if pd.isna(first[f"{prefix}within_{threshold}s"]) else
             i18n.fmt_percent(first[f"{prefix}within_{threshold}s"], locale)),
            (say("dash_kpi_median", metric=label["reply_time"]),
             fmt(summaries["reply_time"][f"{prefix}median"].iloc[0])),
            (say("dash_kpi_median", metric=label["resolution_time"]),
             fmt(summaries["resolution_time"][f"{prefix}median"].iloc[0]))]
    return ResponseView(frames, summaries, sla, heat, agents, slow, kpis, figures)


def agents_html(agents: pd.DataFrame, locale: str, settings: Any, business: bool) -> str:
    """Per agent: count, median, p90 and the share within each reply SLA threshold, as an HTML table."""
    say = words(locale)
    prefix = "business_" if business else ""
    shown = pd.DataFrame({say("dash_col_agent"): agents["agent_name"], say("dash_col_count"): agents["count"],
                          say("dash_col_median"): agents[f"{prefix}median"].map(lambda v: i18n.fmt_duration(v, locale)),
                          "p90": agents[f"{prefix}p90"].map(lambda v: i18n.fmt_duration(v, locale))})
    for t in response_times.sla_thresholds("reply_time", settings):
        shown[say("dash_col_sla", threshold=i18n.fmt_duration(t, locale))] = agents[f"{prefix}within_{t}s"].map(
            lambda v: "—" if pd.isna(v) else i18n.fmt_percent(v, locale))
    return table_html(shown, locale)


class ResponseTimesDashboard(Dashboard):
    """The analysts' audit: every number opens the rows that made it."""

    title_key = "dash_response"

    def build(self) -> Any:
        self.panels = {name: ChartPanel(340) for name in (*RESPONSE_METRICS, "sla", "heat")}
        self.panels["heat"] = ChartPanel(380)
        self.agents = w.HTML()
        self.outliers = w.HTML()
        self.case = w.Dropdown(options=[], description=self.say("dash_outlier_pick"),
                               style={"description_width": "initial"}, layout=w.Layout(width="320px"))
        self.case.observe(lambda change: change["new"] and self.drill_into("outlier", ["reply_time", change["new"]]),
                          names="value")
        title = lambda key: w.HTML(f"<div class='p1-drill-title'>{self.say(key)}</div>")  # noqa: E731
        p = self.panels
        return grid([p["first_response_time"], p["reply_time"]], [p["resolution_time"], p["sla"]], [p["heat"]],
                    [w.VBox([title("dash_agents_table"), self.agents])],
                    [w.VBox([title("dash_outliers"), self.case, self.outliers])])

    def render(self, selection: Selection) -> None:
        self.view = compute(self.store, selection, self.locale)
        self.business = selection.business
        self.kpis.value = kpi_tiles(self.view.kpis)
        for name, panel in self.panels.items():
            clickable = name in RESPONSE_METRICS
            panel.show(self.view.figures[name], (lambda d: self.drill_into("response_bin", list(d))) if clickable
                       else None)
        self.agents.value = agents_html(self.view.agents, self.locale, self.store.settings, selection.business)
        say, loc = self.say, self.locale
        slow = self.view.outliers
        self.outliers.value = table_html(slow.assign(duration=slow["business_seconds" if self.business else "seconds"]
                                                     .map(lambda v: i18n.fmt_duration(v, loc)))[
            ["rank", "conversation_id", "agent_name", "from_message_id", "to_message_id", "from_at", "duration"]],
            loc, {"rank": say("dash_col_rank"), "conversation_id": say("dash_col_conversation"),
                  "agent_name": say("dash_col_agent"), "from_message_id": say("dash_col_from_message"),
                  "to_message_id": say("dash_col_to_message"), "from_at": say("dash_col_from_at"),
                  "duration": say("dash_col_duration")})
        self.case.options = [("—", None), *[(f"#{r} · {c}", int(r)) for r, c in
                                             zip(slow["rank"], slow["conversation_id"])]]

    def drill_into(self, kind: str, key: list) -> None:
        """Show the metric rows in a histogram bin, or an outlier's interaction-ledger rows."""
        say, loc = self.say, self.locale
        rows = drill_down(self.store, kind, key, self.selection().filters, business=self.business)
        seconds = "business_seconds" if self.business else "seconds"
        if kind == "outlier":
            rows = rows.assign(ledger=rows["ledger_seconds"].map(lambda v: i18n.fmt_duration(v, loc)))
            title = say("dash_drill_outlier", rank=key[1])
            headers = {"conversation_id": say("dash_col_conversation"), "contact_id": say("dash_col_contact"),
                       "ledger_direction": say("dash_col_direction"),
                       "ledger_from_message_id": say("dash_col_from_message"),
                       "ledger_to_message_id": say("dash_col_to_message"), "ledger_from_at": say("dash_col_from_at"),
                       "ledger_to_at": say("dash_col_to_at"), "ledger": say("dash_col_ledger")}
        else:
            title = say("dash_drill_bin", metric=say(f"dash_metric_{key[0]}"),
                        low=i18n.fmt_duration(float(key[1]), loc), high=i18n.fmt_duration(float(key[2]), loc))
            rows = rows.assign(duration=rows[seconds].map(lambda v: i18n.fmt_duration(v, loc)))
            headers = {"conversation_id": say("dash_col_conversation"), "contact_id": say("dash_col_contact"),
                       "from_message_id": say("dash_col_from_message"), "to_message_id": say("dash_col_to_message"),
                       "from_at": say("dash_col_from_at"), "to_at": say("dash_col_to_at"),
                       "agent_id": say("dash_col_agent"), "duration": say("dash_col_duration")}
        self.drill.show(title, rows, headers)


def show(db: str | None = None, locale: str | None = None, timezone: str | None = None) -> ResponseTimesDashboard:
    """Build the response-time audit on the store (PIPEONE_DB by default) and display it."""
    from IPython.display import display

    from .base import open_store

    dashboard = ResponseTimesDashboard(open_store(db, locale, timezone), locale)
    display(dashboard)
    return dashboard
