"""Summaries of measured durations kept sorted: response_times.summarize's numbers in milliseconds, not seconds.

The rows (core.aggregates.response_facts / status_facts) are stored sorted by seconds, with business_order:
the rows' positions in business-seconds order. A selection is then a boolean mask, the selected values in order are one mask away, and
a percentile is read at its ranks: count, mean, the quantiles and the shares within each SLA threshold come
from exactly the values summarize() reads. The quantiles use summarize's definition (quantile_cont: linear
interpolation between ranks floor and ceil of (n - 1) * q); only the last bit of that interpolation may differ
from DuckDB's, and means are sums in another order (tests/core/test_measured.py).
"""
from __future__ import annotations

from typing import Sequence

import numpy as np
import pandas as pd

from .response_times import QUANTILES

PREFIXES = {"": "seconds", "business_": "business_seconds"}


def ordered(values: pd.Series) -> np.ndarray:
    """The positions of the values in ascending order, missing values last (stored as business_order)."""
    return np.argsort(values.to_numpy(dtype=float, na_value=np.nan), kind="stable")


def _stats(values: np.ndarray, thresholds: Sequence[int], prefix: str) -> dict[str, float]:
    """count, mean, quantiles and within shares of ascending values (NaN dropped already)."""
    n = len(values)
    out: dict[str, float] = {"count": n}
    out[f"{prefix}mean"] = float(values.mean()) if n else np.nan
    for name, q in QUANTILES.items():
        if not n:
            out[f"{prefix}{name}"] = np.nan
            continue
        position = (n - 1) * q
        low, high = int(np.floor(position)), int(np.ceil(position))
        a, b = float(values[low]), float(values[high])
        out[f"{prefix}{name}"] = a if low == high else a + (b - a) * (position - low)
    for t in thresholds:
        out[f"{prefix}within_{int(t)}s"] = float(np.searchsorted(values, t, side="right")) / n if n else np.nan
    return out


Chosen = dict[str, tuple[np.ndarray, np.ndarray]]


def choose(rows: pd.DataFrame, mask: np.ndarray, prefixes: Sequence[str] = tuple(PREFIXES)) -> Chosen:
    """The masked rows' values in ascending order, per prefix ("" seconds, "business_" business seconds), with
    their row positions; rows are sorted by seconds and carry business_order. Missing values are dropped."""
    chosen: Chosen = {}
    for prefix in prefixes:
        column = PREFIXES[prefix]
        if prefix:
            order = rows["business_order"].to_numpy()
            positions = order[mask[order]]
        else:
            positions = np.flatnonzero(mask)
        values = rows[column].to_numpy()[positions]
        present = ~np.isnan(values)
        chosen[prefix] = (values[present], positions[present])
    return chosen


def summary(chosen: Chosen, thresholds: Sequence[int], by: str | None = None,
            groups: np.ndarray | None = None) -> pd.DataFrame:
    """summarize() of chosen values (choose()), overall or per group.

    groups: a small integer code per row (-1: missing) when by names the key column, which then holds the codes.
    Columns: [by] (codes ascending, -1 last), count (of the first prefix chosen: measured rows have both), open
    (0: measured rows only), then per prefix chosen: mean, median, p75, p90, p95, within_<T>s, with the prefix.
    """
    if groups is None:
        record: dict = {}
        for prefix, (values, _) in chosen.items():
            stats = _stats(values, thresholds, prefix)
            record = {"count": stats.pop("count"), "open": 0} | record | stats
        return pd.DataFrame([record])
    records: dict[int, dict] = {}
    for prefix, (values, positions) in chosen.items():
        codes = groups[positions]
        order = np.argsort(codes, kind="stable")  # radix sort for small ints; each group stays ascending
        values, codes = values[order], codes[order]
        starts = np.flatnonzero(np.diff(codes, prepend=codes[:1] - 1)) if len(codes) else np.empty(0, dtype=int)
        for key, lo, hi in zip(codes[starts], starts, [*starts[1:], len(codes)]):
            stats = _stats(values[lo:hi], thresholds, prefix)
            record = records.setdefault(int(key), {by: int(key), "count": stats["count"], "open": 0})
            record |= {k: v for k, v in stats.items() if k != "count"}
    columns = [by, "count", "open", *[k for prefix in chosen for k in _stats(np.empty(0), thresholds, prefix)
                                      if k != "count"]]
    keys = sorted(records, key=lambda k: (k < 0, k))  # summarize() orders by the key, missing last
    return pd.DataFrame([records[k] for k in keys], columns=columns)
