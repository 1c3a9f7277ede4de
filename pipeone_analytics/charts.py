"""Plotly figure builders: they take core DataFrames and return figures titled and formatted in the locale."""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from . import i18n

PALETTE = ["#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#e53935", "#00897b", "#6d4c41", "#546e7a"]
STAR_COLORS = ["#b0bec5", "#ef9a9a", "#ffcc80", "#fff59d", "#a5d6a7", "#2e7d32"]
_AXIS = {"gridcolor": "#eceff1", "linecolor": "#cfd8dc", "zerolinecolor": "#cfd8dc", "automargin": True,
         "title": {"standoff": 10}}
# A small white template: plotly's own ("plotly_white") is deep-copied into every figure and costs ~40 ms each,
# most of a dashboard's redraw time.
TEMPLATE = go.layout.Template(layout={"paper_bgcolor": "white", "plot_bgcolor": "white", "xaxis": _AXIS,
                                      "yaxis": _AXIS, "hoverlabel": {"align": "left", "bgcolor": "white"},
                                      "font": {"color": "#37474f"}})


def figure(*traces: go.BaseTraceType) -> go.Figure:
    """A figure on the project's template (never plotly's default one, which is slow to apply).

    Its layout updates are not validated (the builders below set known properties); traces are, and they are
    given lists, which plotly validates four times faster than pandas Series."""
    return go.Figure(data=list(traces), layout={"template": TEMPLATE}, _validate=False)


def base_layout(fig: go.Figure, title: str, locale: str, x_title: str = "", y_title: str = "",
                date_axis: bool = False) -> go.Figure:
    """Title, axis titles, pt_BR separators and date format, offline-friendly (no MathJax)."""
    fig.update_layout(
        title={"text": title, "x": 0.01, "font": {"size": 15, "color": "#263238"}}, template=TEMPLATE, margin={"l": 60, "r": 20, "t": 60, "b": 50},
        separators=",." if locale == "pt_BR" else ".,", legend={"orientation": "h", "y": -0.2},
        font={"family": "Inter, Segoe UI, Helvetica, Arial, sans-serif", "size": 12})
    fig.update_xaxes(title_text=x_title)
    fig.update_yaxes(title_text=y_title)
    if date_axis:
        fig.update_xaxes(tickformat="%d/%m/%Y" if locale == "pt_BR" else "%Y-%m-%d",
                         hoverformat="%d/%m/%Y" if locale == "pt_BR" else "%Y-%m-%d")
    return fig


def empty_figure(title: str, locale: str) -> go.Figure:
    """A figure that says "no data for this selection" instead of failing."""
    fig = figure()
    fig.add_annotation(text=i18n.t("no_data", locale), showarrow=False, font={"size": 16, "color": "#78909c"},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, title, locale)


def bars(frame: pd.DataFrame, x: str, y: str, title: str, locale: str, color: str | None = None,
         x_title: str = "", y_title: str = "", stacked: bool = True, date_axis: bool = False,
         hover: Sequence[str] = (), horizontal: bool = False, y_format: str | None = None,
         colors: dict | None = None) -> go.Figure:
    """Bar chart, one trace per value of `color` (when given); customdata carries `hover` columns.

    y_format is the d3 format of the value axis (",d", ".0%"); colors maps `color` values to fixed colours."""
    if frame.empty:
        return empty_figure(title, locale)
    fig = figure()
    groups = frame.groupby(color, sort=False) if color else [(None, frame)]
    for i, (key, part) in enumerate(groups):
        xs, ys = (part[y], part[x]) if horizontal else (part[x], part[y])
        fig.add_trace(go.Bar(x=xs.tolist(), y=ys.tolist(), name=str(key) if key is not None else y,
                             orientation="h" if horizontal else "v",
                             marker_color=(colors or {}).get(key, PALETTE[i % len(PALETTE)]),
                             customdata=part[list(hover)].to_numpy().tolist() if hover else None))
    fig.update_layout(barmode="stack" if stacked else "group", showlegend=color is not None)
    _axis_format(fig, "x" if horizontal else "y", y_format)
    return base_layout(fig, title, locale, x_title, y_title, date_axis)


def _axis_format(fig: go.Figure, axis: str, fmt: str | None) -> None:
    """Tick and hover format of an axis (d3 format: ",d", ".0%", ",.1f"); whole-number axes up to 10 tick by 1
    (",d" would otherwise print the half ticks plotly picks as repeated integers)."""
    if not fmt:
        return
    extra = {}
    if fmt == ",d":
        values = [pd.to_numeric(pd.Series(getattr(trace, axis)), errors="coerce").max() for trace in fig.data
                  if getattr(trace, axis) is not None]
        if values and np.nansum(values) <= 10:  # the sum of the maxima bounds a stacked bar too
            extra["dtick"] = 1
    (fig.update_yaxes if axis == "y" else fig.update_xaxes)(tickformat=fmt, hoverformat=fmt, **extra)


def star_distribution(frame: pd.DataFrame, meaning: pd.DataFrame, title: str, locale: str,
                      x_title: str = "", y_title: str = "") -> go.Figure:
    """Contacts per star level (frame: stars, contacts), each bar's hover giving the level's name and condition.

    customdata per bar: stars, name, condition (from core.ratings.meaning_table in the locale)."""
    if frame.empty or frame["contacts"].sum() == 0:
        return empty_figure(title, locale)
    rows = frame.merge(meaning[["stars", "name", "condition"]], on="stars", how="left")
    fig = figure(go.Bar(
        x=[f"{s} ★" for s in rows["stars"]], y=rows["contacts"], text=rows["contacts"], textposition="outside",
        marker_color=[STAR_COLORS[int(s)] for s in rows["stars"]], marker_line={"color": "#90a4ae", "width": 1},
        customdata=rows[["stars", "name", "condition"]].to_numpy(),
        hovertemplate="<b>%{customdata[0]} ★ %{customdata[1]}</b><br>%{customdata[2]}<br>%{y:,d}<extra></extra>"))
    fig.update_layout(showlegend=False)
    _axis_format(fig, "y", ",d")
    return base_layout(fig, title, locale, x_title, y_title)


def heatmap(frame: pd.DataFrame, x: str, y: str, z: str, title: str, locale: str, x_title: str = "",
            y_title: str = "", x_labels: dict | None = None, y_labels: dict | None = None,
            colorscale: str = "Blues", z_format: str = ",d", reverse_y: bool = True,
            fill: float | None = 0) -> go.Figure:
    """A y × x grid of z from long-form rows (missing cells are `fill`; None leaves them blank), values written
    in the cells.

    Axis order is the order of first appearance in frame; x_labels/y_labels map keys to shown words.
    customdata per cell: the x key and the y key, so a click knows which cell it was."""
    if frame.empty:
        return empty_figure(title, locale)
    xs, ys = list(dict.fromkeys(frame[x])), list(dict.fromkeys(frame[y]))
    grid = frame.groupby([y, x], sort=False)[z].sum(min_count=1).unstack().reindex(index=ys, columns=xs)
    grid = grid.fillna(fill) if fill is not None else grid.astype(object).where(grid.notna(), None)
    keys = [[[xk, yk] for xk in xs] for yk in ys]
    x_shown = [(x_labels or {}).get(k, str(k)) for k in xs]
    y_shown = [(y_labels or {}).get(k, str(k)) for k in ys]
    fig = figure(go.Heatmap(z=grid.to_numpy().tolist(), x=x_shown, y=y_shown, colorscale=colorscale, showscale=False,
                               customdata=keys, texttemplate=f"%{{z:{z_format}}}", xgap=2, ygap=2,
                               hovertemplate=f"%{{y}} · %{{x}}<br><b>%{{z:{z_format}}}</b><extra></extra>"))
    fig.update_xaxes(type="category", side="bottom", showgrid=False)
    fig.update_yaxes(type="category", autorange="reversed" if reverse_y else True, showgrid=False)
    return base_layout(fig, title, locale, x_title, y_title)


def lines(frame: pd.DataFrame, x: str, y: str, title: str, locale: str, color: str | None = None,
          x_title: str = "", y_title: str = "", date_axis: bool = True, area: bool = False,
          y_format: str | None = ",d", colors: dict | None = None) -> go.Figure:
    """One line (or stacked area) per value of `color`, in the order of first appearance."""
    if frame.empty:
        return empty_figure(title, locale)
    fig = figure()
    groups = frame.groupby(color, sort=False) if color else [(None, frame)]
    for i, (key, part) in enumerate(groups):
        shade = (colors or {}).get(key, PALETTE[i % len(PALETTE)])
        fig.add_trace(go.Scatter(x=part[x].tolist(), y=part[y].tolist(), name=str(key) if key is not None else y,
                                 mode="lines" if area else "lines+markers", line={"color": shade, "width": 2},
                                 marker={"size": 5}, stackgroup="one" if area else None))
    fig.update_layout(showlegend=color is not None, hovermode="x unified")
    _axis_format(fig, "y", y_format)
    return base_layout(fig, title, locale, x_title, y_title, date_axis)


DURATION_TICKS = (1, 10, 60, 300, 1800, 3600, 14400, 86400, 604800, 2592000)


def duration_bins(seconds: pd.Series, per_decade: int = 5) -> pd.DataFrame:
    """Log-spaced bins over the measured values (values under 1 s count in the first bin).

    Columns: low, high (bin edges in seconds), closed (the last bin includes high; the others are [low, high)),
    count."""
    values = seconds.dropna().clip(lower=1.0).to_numpy(dtype=float)
    if len(values) == 0:
        return pd.DataFrame({"low": [], "high": [], "closed": [], "count": []})
    first = np.floor(np.log10(values.min()) * per_decade) / per_decade
    last = np.ceil(np.log10(values.max()) * per_decade) / per_decade
    if last <= first:
        last = first + 1 / per_decade
    edges = 10 ** np.linspace(first, last, int(round((last - first) * per_decade)) + 1)
    if np.all(values[:-1] <= values[1:]):  # sorted (the audit's values): np.histogram's own count, no sort
        counts = np.diff(np.concatenate([np.searchsorted(values, edges[:-1], "left"),
                                         np.searchsorted(values, edges[-1:], "right")]))
    else:
        counts, _ = np.histogram(values, bins=edges)
    closed = np.arange(len(counts)) == len(counts) - 1
    return pd.DataFrame({"low": edges[:-1], "high": edges[1:], "closed": closed, "count": counts})


def duration_histogram(seconds: pd.Series, title: str, locale: str, median: float | None = None,
                       p90: float | None = None, x_title: str = "", y_title: str = "",
                       color: str = PALETTE[0], metric: str = "") -> go.Figure:
    """Histogram of durations on a log time axis, with the median and p90 drawn as vertical lines.

    The axis is linear in log10(minutes), ticks labelled as durations ("5 min", "1,0 h"), so that bars, lines and
    their labels share one coordinate (plotly puts shapes and annotations on log axes in different units).
    Each bar spans its bin; customdata per bar: metric, low, high (seconds) and closed (drill_down's key)."""
    bins = duration_bins(seconds)
    if bins.empty:
        return empty_figure(title, locale)
    low, high = np.log10(bins["low"] / 60), np.log10(bins["high"] / 60)
    fig = figure(go.Bar(
        x=((low + high) / 2).tolist(), y=bins["count"].tolist(), width=(high - low).tolist(), marker_color=color,
        opacity=0.85, marker_line={"color": "white", "width": 0.5},
        customdata=bins.assign(metric=metric)[["metric", "low", "high", "closed"]].to_numpy(dtype=object).tolist(),
        hovertext=[f"{i18n.fmt_duration(a, locale)} – {i18n.fmt_duration(b, locale)}"
                   for a, b in zip(bins["low"], bins["high"])],
        hovertemplate="%{hovertext}<br><b>%{y:,d}</b><extra></extra>", showlegend=False))
    ticks = [t for t in DURATION_TICKS if bins["low"].iloc[0] <= t <= bins["high"].iloc[-1]]
    fig.update_xaxes(tickvals=[float(np.log10(t / 60)) for t in ticks],
                     ticktext=[i18n.fmt_duration(t, locale) for t in ticks], showgrid=True)
    lines = (("mediana" if locale == "pt_BR" else "median", median, "solid", 1.0),
             ("p90", p90, "dash", 0.9))
    for name, value, dash, height in lines:
        if value is not None and not pd.isna(value):
            at = float(np.log10(max(value, 1.0) / 60))
            fig.add_shape(type="line", x0=at, x1=at, y0=0, y1=1, yref="paper",
                          line={"color": "#37474f", "width": 1.5, "dash": dash})
            fig.add_annotation(x=at, y=height, yref="paper", text=f"{name} {i18n.fmt_duration(value, locale)}",
                               showarrow=False, xanchor="left", xshift=4, font={"size": 11},
                               bgcolor="rgba(255,255,255,0.8)")
    fig.update_layout(bargap=0)
    _axis_format(fig, "y", ",d")
    return base_layout(fig, title, locale, x_title, y_title)

