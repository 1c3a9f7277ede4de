"""charts.py: every figure holds exactly the data of the frame it came from, titled and formatted in the locale."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeone_analytics import charts
from pipeone_analytics.core.ratings import meaning_table


def _no_data(fig) -> bool:
    return [a.text for a in fig.layout.annotations] in (["Sem dados para esta seleção"], ["No data for this selection"])


def test_bars_one_trace_per_colour_with_its_rows_and_keys() -> None:
    frame = pd.DataFrame({"week": ["2026-11-02", "2026-11-02", "2026-11-09"], "key": ["question", "task", "task"],
                          "label": ["Dúvida", "Tarefa", "Tarefa"], "tickets": [3, 1, 4]})
    fig = charts.bars(frame, "week", "tickets", "Tickets", "pt_BR", color="label", hover=("week", "key"),
                      y_format=",d", x_title="Semana", y_title="Tickets")
    assert [t.name for t in fig.data] == ["Dúvida", "Tarefa"]
    assert list(fig.data[0].y) == [3] and list(fig.data[1].y) == [1, 4]
    assert list(fig.data[1].x) == ["2026-11-02", "2026-11-09"]
    assert [list(c) for c in fig.data[1].customdata] == [["2026-11-02", "task"], ["2026-11-09", "task"]]
    assert fig.layout.title.text == "Tickets" and fig.layout.xaxis.title.text == "Semana"
    assert fig.layout.separators == ",." and fig.layout.yaxis.tickformat == ",d"
    assert charts.bars(frame, "week", "tickets", "T", "en").layout.separators == ".,"
    assert fig.layout.yaxis.dtick == 1  # at most 4 tickets: whole ticks 0..4, never "1, 1, 2, 2"
    assert charts.bars(frame.assign(tickets=[30, 10, 40]), "week", "tickets", "T", "en",
                       y_format=",d").layout.yaxis.dtick is None


def test_star_distribution_carries_the_meaning_of_each_level() -> None:
    frame = pd.DataFrame({"stars": [0, 1, 2, 3, 4, 5], "contacts": [2, 0, 5, 1, 0, 7]})
    fig = charts.star_distribution(frame, meaning_table("en"), "Stars", "en")
    bar = fig.data[0]
    assert list(bar.y) == [2, 0, 5, 1, 0, 7]
    assert list(bar.x) == ["0 ★", "1 ★", "2 ★", "3 ★", "4 ★", "5 ★"]
    assert bar.customdata[5][1] == "High engagement"
    assert bar.customdata[1][2] == "At least one message sent, none received"
    assert "%{customdata[2]}" in bar.hovertemplate
    assert _no_data(charts.star_distribution(frame.assign(contacts=0), meaning_table("en"), "Stars", "en"))


def test_heatmap_fills_missing_cells_with_zero_and_keeps_the_keys() -> None:
    frame = pd.DataFrame({"to": [1, 2, 1], "from": [0, 0, 1], "n": [4, 2, 9]})
    fig = charts.heatmap(frame, "to", "from", "n", "Moves", "pt_BR", x_labels={1: "1 ★", 2: "2 ★"})
    cells = fig.data[0]
    # rows: from 0, from 1; columns: to 1, to 2; (from 1, to 2) never occurs -> 0
    assert np.array_equal(np.asarray(cells.z), [[4, 2], [9, 0]])
    assert list(cells.x) == ["1 ★", "2 ★"] and list(cells.y) == ["0", "1"]
    assert cells.customdata[1][0] == [1, 1] and cells.customdata[0][1] == [2, 0]
    blank = charts.heatmap(frame, "to", "from", "n", "Moves", "pt_BR", fill=None).data[0]
    assert list(blank.z[1]) == [9, None]  # no value is not zero (a median of nothing)


def test_lines_one_trace_per_group_in_order_of_appearance() -> None:
    frame = pd.DataFrame({"as_of": pd.to_datetime(["2026-09-30", "2026-10-31", "2026-09-30", "2026-10-31"]),
                          "level": ["5 ★", "5 ★", "4 ★", "4 ★"], "contacts": [10, 12, 7, 3]})
    fig = charts.lines(frame, "as_of", "contacts", "History", "pt_BR", color="level", area=True)
    assert [t.name for t in fig.data] == ["5 ★", "4 ★"]
    assert list(fig.data[1].y) == [7, 3] and fig.data[0].stackgroup == "one"
    assert fig.layout.xaxis.tickformat == "%d/%m/%Y"


def test_duration_bins_are_log_spaced_and_count_every_value() -> None:
    seconds = pd.Series([0.5, 30, 60, 600, 3600, None])
    bins = charts.duration_bins(seconds)
    # 5 bins per decade from 10^0 (0.5 s counts as 1 s) to 10^3.6 (3600 s = 10^3.556): 18 bins.
    # log10: 1 -> 0 (bin 0), 30 -> 1.48 (bin 7), 60 -> 1.78 (bin 8), 600 -> 2.78 (bin 13), 3600 -> 3.56 (bin 17).
    assert len(bins) == 18
    assert bins["low"].iloc[0] == pytest.approx(1.0) and bins["high"].iloc[-1] == pytest.approx(10 ** 3.6)
    assert [i for i, c in enumerate(bins["count"]) if c] == [0, 7, 8, 13, 17]
    assert bins["count"].sum() == 5 and list(bins["closed"]) == [False] * 17 + [True]


def test_duration_histogram_draws_the_bins_in_minutes_with_median_and_p90() -> None:
    seconds = pd.Series([30.0, 60.0, 600.0, 3600.0])
    fig = charts.duration_histogram(seconds, "Reply", "pt_BR", median=330.0, p90=2700.0, metric="reply_time")
    bar = fig.data[0]
    bins = charts.duration_bins(seconds)
    assert list(bar.y) == list(bins["count"])
    # each bar spans exactly its bin: centre ± width / 2 = [low, high] in log10(minutes)
    assert np.allclose(10 ** (np.asarray(bar.x) - np.asarray(bar.width) / 2), bins["low"] / 60)
    assert np.allclose(10 ** (np.asarray(bar.x) + np.asarray(bar.width) / 2), bins["high"] / 60)
    assert np.allclose([10 ** s.x0 for s in fig.layout.shapes], [5.5, 45.0])  # 330 s and 2700 s in minutes
    assert np.allclose([10 ** a.x for a in fig.layout.annotations], [5.5, 45.0])
    assert [a.text for a in fig.layout.annotations] == ["mediana 6 min", "p90 45 min"]
    assert "1,0 h" in fig.layout.xaxis.ticktext
    assert list(bar.customdata[0][:1]) == ["reply_time"]


def test_every_builder_says_no_data_for_an_empty_frame() -> None:
    empty = pd.DataFrame({"x": [], "y": [], "c": []})
    assert _no_data(charts.bars(empty, "x", "y", "T", "pt_BR"))
    assert _no_data(charts.heatmap(empty, "x", "c", "y", "T", "en"))
    assert _no_data(charts.lines(empty, "x", "y", "T", "en"))
    assert _no_data(charts.duration_histogram(pd.Series([], dtype=float), "T", "pt_BR"))
