"""Daily pre-aggregates for the dashboards, computed once per store version, then filtered without the store.

"Now" is when the aggregate was computed: a store that does not change keeps the tickets and messages that were
there then (every import or inbox action changes the file, and so the version).

A filter change on a dashboard then costs a scan of a few thousand aggregate rows instead of the messages.
Only whole local days can be selected from a daily aggregate: filters give dates, and `end` includes its day
(core.filters.Filters). The numbers equal core.tickets.ticket_counts and core.channels.channel_mix (tests).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from pathlib import Path
from typing import Callable

import pandas as pd

from ..store import Store
from .filters import Filters
from .tickets import TICKETS_SQL, label_params

_CACHE: dict[tuple, pd.DataFrame] = {}
_LOCK = threading.Lock()

TICKET_FACTS_SQL = f"""
SELECT date_trunc('day', resolved_at)::DATE AS day, date_trunc('week', resolved_at)::DATE AS week, type, category_id, any_value(category_label) AS category_label,
       channel, resolved_by, any_value(coalesce(resolver_name, resolved_by)) AS resolver_name, resolver_team,
       count(*) AS tickets
FROM ({TICKETS_SQL}) GROUP BY day, week, type, category_id, channel, resolved_by, resolver_team
ORDER BY day"""

CHANNEL_FACTS_SQL = """
SELECT date_trunc('day', sent_at)::DATE AS day, channel,
       count(*) FILTER (WHERE direction = 'inbound') AS messages_in,
       count(*) FILTER (WHERE direction = 'outbound') AS messages_out,
       count(DISTINCT conversation_id) AS conversations
FROM messages WHERE sender_type <> 'note' AND sent_at <= $as_of
GROUP BY ALL ORDER BY day, channel"""


def store_version(store: Store) -> tuple:
    """What identifies the store's content: its file's (and write-ahead log's) size and modification time."""
    if store.path is None:
        return (id(store),)
    stat = store.path.stat()
    wal = Path(f"{store.path}.wal")
    logged = (wal.stat().st_size, wal.stat().st_mtime_ns) if wal.exists() else ()
    return (str(store.path.resolve()), stat.st_size, stat.st_mtime_ns, *logged)


def cache_dir(store: Store) -> Path:
    """Where a file store's aggregates are kept between processes: a folder beside the store file."""
    return store.path.parent / f".{store.path.name}.aggregates"


def _cached(store: Store, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """compute() once per store version and locale: kept in this process and in a Parquet file beside the store,
    so every Voilà kernel after the first reads it instead of scanning the messages. An in-memory store is never
    cached (it has no version); an unwritable folder only costs the file cache."""
    if store.path is None:
        return compute()
    key = (name, store.settings.locale, *store_version(store))
    with _LOCK:
        if key in _CACHE:
            return _CACHE[key]
        digest = hashlib.sha256(repr(key).encode()).hexdigest()[:16]
        path = cache_dir(store) / f"{name}-{store.settings.locale}-{digest}.parquet"
        try:
            frame = pd.read_parquet(path)
        except (OSError, ValueError):
            frame = compute()
            try:
                path.parent.mkdir(exist_ok=True)
                for old in path.parent.glob(f"{name}-{store.settings.locale}-*.parquet"):
                    old.unlink(missing_ok=True)
                partial = path.with_suffix(f".{os.getpid()}.tmp")
                frame.to_parquet(partial, index=False)
                os.replace(partial, path)
            except OSError:
                pass
        for old in [k for k in _CACHE if k[:2] == key[:2]]:
            del _CACHE[old]
        _CACHE[key] = frame
        return frame


def ticket_facts(store: Store) -> pd.DataFrame:
    """Tickets resolved up to now, counted per local day and per type, category, channel, resolver and team.

    Columns: day (DATE), week (its Monday), type, category_id, category_label, channel, resolved_by, resolver_name, resolver_team,
    tickets.
    """
    params = label_params(store.settings.locale) | {"as_of": pd.Timestamp.now(tz=store.settings.timezone)}
    return _cached(store, "tickets", lambda: store.df(TICKET_FACTS_SQL, params))


def channel_facts(store: Store) -> pd.DataFrame:
    """Messages (notes excluded) per local day and channel up to now.

    Columns: day (DATE), channel, messages_in, messages_out, conversations (distinct, that day and channel).
    """
    params = {"as_of": pd.Timestamp.now(tz=store.settings.timezone)}
    return _cached(store, "channels", lambda: store.df(CHANNEL_FACTS_SQL, params))


def day_range(filters: Filters, store: Store) -> tuple[dt.date | None, dt.date | None]:
    """The filters' period as [first day, day after the last) in local dates (None: open)."""
    start, end = filters.bounds(store.settings)
    return (None if start is None else start.date(), None if end is None else end.date())


def select(facts: pd.DataFrame, filters: Filters, store: Store, columns: dict[str, str] | None = None) -> pd.DataFrame:
    """The aggregate rows within the filters' days and lists; columns maps a filter name to the column it tests.

    Default columns: channels -> channel, agents -> resolved_by, teams -> resolver_team, categories ->
    category_id (each only when the frame has that column). Columns: those of facts.
    """
    columns = columns or {"channels": "channel", "agents": "resolved_by", "teams": "resolver_team",
                          "categories": "category_id"}
    first, after = day_range(filters, store)
    days = facts["day"]
    keep = pd.Series(True, index=facts.index)
    if first is not None:
        keep &= days >= pd.Timestamp(first)
    if after is not None:
        keep &= days < pd.Timestamp(after)
    for name, column in columns.items():
        wanted = getattr(filters, name)
        if wanted and column in facts:
            keep &= facts[column].isin(wanted)
    return facts[keep]
