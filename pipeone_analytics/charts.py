"""Plotly figure builders: they take core DataFrames and return figures titled and formatted in the locale."""
from __future__ import annotations

from typing import Sequence

import pandas as pd
import plotly.graph_objects as go

from . import i18n

PALETTE = ["#1e88e5", "#43a047", "#fb8c00", "#8e24aa", "#e53935", "#00897b", "#6d4c41", "#546e7a"]
STAR_COLORS = ["#b0bec5", "#ef9a9a", "#ffcc80", "#fff59d", "#a5d6a7", "#2e7d32"]


def base_layout(fig: go.Figure, title: str, locale: str, x_title: str = "", y_title: str = "",
                date_axis: bool = False) -> go.Figure:
    """Title, axis titles, pt_BR separators and date format, offline-friendly (no MathJax)."""
    fig.update_layout(
        title={"text": title, "x": 0.01}, template="plotly_white", margin={"l": 60, "r": 20, "t": 60, "b": 50},
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
    fig = go.Figure()
    fig.add_annotation(text=i18n.t("no_data", locale), showarrow=False, font={"size": 16, "color": "#78909c"},
                       xref="paper", yref="paper", x=0.5, y=0.5)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return base_layout(fig, title, locale)


def bars(frame: pd.DataFrame, x: str, y: str, title: str, locale: str, color: str | None = None,
         x_title: str = "", y_title: str = "", stacked: bool = True, date_axis: bool = False,
         hover: Sequence[str] = (), horizontal: bool = False) -> go.Figure:
    """Bar chart, one trace per value of `color` (when given); customdata carries `hover` columns."""
    if frame.empty:
        return empty_figure(title, locale)
    fig = go.Figure()
    groups = frame.groupby(color, sort=False) if color else [(None, frame)]
    for i, (key, part) in enumerate(groups):
        xs, ys = (part[y], part[x]) if horizontal else (part[x], part[y])
        fig.add_trace(go.Bar(x=xs, y=ys, name=str(key) if key is not None else y,
                             orientation="h" if horizontal else "v",
                             marker_color=PALETTE[i % len(PALETTE)],
                             customdata=part[list(hover)].to_numpy() if hover else None))
    fig.update_layout(barmode="stack" if stacked else "group", showlegend=color is not None)
    return base_layout(fig, title, locale, x_title, y_title, date_axis)
