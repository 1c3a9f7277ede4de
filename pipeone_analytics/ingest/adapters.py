"""Registry of real-world format adapters; each turns a file into canonical DataFrames."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable

import pandas as pd

from ..config import Settings

# format name -> read(path, options, settings) -> {table: DataFrame of canonical columns}
Adapter = Callable[[Path, dict[str, Any], Settings], dict[str, pd.DataFrame]]
ADAPTERS: dict[str, Adapter] = {}


def detect_format(path: Path) -> str:
    """The format of an export path: 'canonical' or the name of an adapter."""
    return "canonical"
