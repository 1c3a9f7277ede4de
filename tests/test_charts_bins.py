"""charts.duration_bins counts sorted values (the response-time audit's) by bisection: the same bins and counts
as np.histogram gives for the same values in any order."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from pipeone_analytics import charts


@pytest.mark.parametrize("seed", range(20))
def test_sorted_values_get_the_counts_of_np_histogram(seed: int) -> None:
    rng = np.random.default_rng(seed)
    values = np.round(rng.lognormal(6, 3, int(rng.integers(1, 3000))), int(rng.integers(0, 3)))
    values[rng.integers(0, len(values), 3)] = 0.0  # under 1 s: counted in the first bin
    ascending = pd.Series(np.sort(values))
    shuffled = pd.Series(rng.permutation(values))
    bins = charts.duration_bins(ascending)
    pd.testing.assert_frame_equal(bins, charts.duration_bins(shuffled))
    expected, _ = np.histogram(np.clip(values, 1.0, None), bins=np.append(bins["low"], bins["high"].iloc[-1]))
    assert bins["count"].tolist() == expected.tolist() and bins["count"].sum() == len(values)
