"""Table names that derived-table SQL writes into a statement (a name cannot be a bound parameter)."""
from __future__ import annotations

import re


def table_name(name: str) -> str:
    """`name` checked to be a plain identifier, so it can be written into SQL."""
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
        raise ValueError(f"'{name}' is not a plain table name")
    return name
