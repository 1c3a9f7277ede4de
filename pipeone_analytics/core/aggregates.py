"""Pre-aggregates for the dashboards, computed once per store version, then filtered without the store.

"Now" is when the aggregate was computed: a store that does not change keeps the tickets and messages that were
there then (every import or inbox action changes the file, and so the version).

A filter change on a dashboard then costs a scan of the aggregate instead of the messages. Only whole local days
can be selected: filters give dates, and `end` includes its day (core.filters.Filters). What each aggregate keeps:
- ticket_facts, channel_facts, backlog_facts, reopen_facts: counts per local day (and per filter dimension);
- response_facts, status_facts: the measured rows themselves, sorted by seconds (percentiles cannot be
  re-aggregated): measured_mask() selects exactly the rows core.response_times measures for any filters, and
  core.measured summarizes them;
- core.rating_states: each contact's stars and main channel from one local day's end to the next change.
The numbers equal the core functions' (tests/core/test_aggregates*.py, tests/ui/test_dashboards*.py).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import threading
from pathlib import Path
from typing import Callable

import numpy as np
import pandas as pd

from ..store import Store
from . import measured, response_times, status
from .calendar import business_seconds
from .filters import Filters
from .tickets import TICKETS_SQL, label_params

_CACHE: dict[tuple, pd.DataFrame] = {}
FORMAT = 5  # bumped whenever an aggregate's rows change meaning, so older Parquet files are not read
SHAPING = ("timezone", "business_hours", "holidays_country", "holidays_subdivision", "extra_holidays")
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


def cached(store: Store, name: str, compute: Callable[[], pd.DataFrame]) -> pd.DataFrame:
    """compute() once per store version and locale: kept in this process and in a Parquet file beside the store,
    so every Voilà kernel after the first reads it instead of scanning the messages. An in-memory store is never
    cached (it has no version); an unwritable folder only costs the file cache. The key also holds FORMAT and
    the settings that shape the rows (timezone, business hours, holidays)."""
    if store.path is None:
        return compute()
    shape = {k: v for k, v in vars(store.settings).items() if k in SHAPING}
    key = (name, store.settings.locale, FORMAT, repr(shape), *store_version(store))
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
    return cached(store, "tickets", lambda: store.df(TICKET_FACTS_SQL, params))


def channel_facts(store: Store) -> pd.DataFrame:
    """Messages (notes excluded) per local day and channel up to now.

    Columns: day (DATE), channel, messages_in, messages_out, conversations (distinct, that day and channel).
    """
    params = {"as_of": pd.Timestamp.now(tz=store.settings.timezone)}
    return cached(store, "channels", lambda: store.df(CHANNEL_FACTS_SQL, params))


def agent_names(store: Store) -> pd.DataFrame:
    """Every agent's name (its id when it has none). Columns: agent_id, agent_name."""
    return cached(store, "agents", lambda: store.df(
        "SELECT agent_id, coalesce(name, agent_id) AS agent_name FROM agents ORDER BY agent_id"))


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


def backlog_facts(store: Store) -> pd.DataFrame:
    """Conversations per status at each local day's end, from the first day with activity through today.

    Columns: day (DATE), status, conversations (core.status.backlog with no filters).
    """
    return cached(store, "backlog", lambda: status.backlog(store, Filters()))


def backlog_in(facts: pd.DataFrame, filters: Filters, store: Store) -> pd.DataFrame:
    """status.backlog(store, filters) from backlog_facts: days before the first counted are zero, days after the
    last are counted as of the aggregate's now (its last day).

    Columns: day (DATE), status, conversations.
    """
    first, after = day_range(filters, store)
    known = facts["day"]
    if known.empty:
        return facts
    first = known.min() if first is None else pd.Timestamp(first)
    last = known.max() if after is None else pd.Timestamp(after) - pd.Timedelta(days=1)
    days = pd.Series(pd.date_range(first, last, freq="D"), dtype=known.dtype)
    grid = pd.MultiIndex.from_product([days, status.STATUS_VALUES], names=["day", "status"]).to_frame(index=False)
    grid["at"] = grid["day"].clip(upper=known.max())
    frame = grid.merge(facts.rename(columns={"day": "at"}), on=["at", "status"], how="left")
    counts = frame["conversations"].where(frame["at"] >= known.min(), 0).fillna(0).astype("int64")
    return frame[["day", "status"]].assign(conversations=counts.to_numpy())


def reopen_facts(store: Store) -> pd.DataFrame:
    """Cycles started by a reopen (cycle > 1) per local day of their start, up to now.

    Columns: day (DATE), reopens.
    """
    def compute() -> pd.DataFrame:
        cycles = status.cycles(store, Filters())
        reopened = cycles[cycles["cycle"] > 1]
        days = pd.to_datetime(reopened["started_at"].dt.date).rename("day")  # the account timezone's days
        return reopened.groupby(days).size().rename("reopens").reset_index()
    return cached(store, "reopens", compute)


RESPONSE_METRICS = {"first_response_time": response_times.first_response_times,
                    "reply_time": response_times.reply_times, "resolution_time": response_times.resolution_times}
RESPONSE_COLUMNS = ["metric", "conversation_id", "cycle", "from_message_id", "to_message_id", "from_at", "to_at",
                    "until_at", "channel", "agent_id", "assignee_at_response", "team", "assignee_team", "open",
                    "seconds", "business_seconds"]
KEYS = ["metric", "channel", "agent_id", "assignee_at_response", "team", "assignee_team", "status"]

# A cycle whose first inbound message comes after its start (a `reopened` event, or an agent writing first)
# shows, until that message arrives, a first response timed from the cycle start to the first agent message:
# one row per such cycle with an agent message before the inbound. Needs the registered frame _late
# (conversation_id, cycle, started_at, inbound_at) and $as_of. The assignee is response_times' (the last
# `assigned` event, else conversations.assignee_id when the conversation has none).
EARLY_FIRST_RESPONSES_SQL = """
WITH early AS (
    SELECT l.conversation_id, l.cycle, l.started_at AS from_at, l.inbound_at AS until_at,
           arg_min(m.message_id, (m.sent_at, m.message_id)) AS to_message_id, min(m.sent_at) AS to_at,
           arg_min(m.channel, (m.sent_at, m.message_id)) AS channel,
           arg_min(m.agent_id, (m.sent_at, m.message_id)) AS agent_id
    FROM _late l JOIN messages m ON m.conversation_id = l.conversation_id AND m.sent_at >= l.started_at
         AND m.sent_at < l.inbound_at AND m.direction = 'outbound' AND m.sender_type = 'agent'
    GROUP BY ALL
),
assigned AS (
    SELECT conversation_id, "at", nullif(value, '') AS assignee FROM events
    WHERE kind = 'assigned' AND "at" <= $as_of
)
SELECT 'first_response_time' AS metric, e.*, CASE WHEN a.conversation_id IS NULL AND NOT EXISTS (
           SELECT 1 FROM events x WHERE x.conversation_id = e.conversation_id AND x.kind = 'assigned')
       THEN conv.assignee_id ELSE a.assignee END AS assignee_at_response,
       (epoch_us(e.to_at) - epoch_us(e.from_at)) / 1e6 AS seconds
FROM early e LEFT JOIN conversations conv USING (conversation_id)
ASOF LEFT JOIN assigned a ON a.conversation_id = e.conversation_id AND e.to_at >= a."at"
"""


def _early_first_responses(store: Store, first: pd.DataFrame) -> pd.DataFrame:
    """EARLY_FIRST_RESPONSES_SQL for the cycles of first (first_response_times rows) timed from a later inbound.

    Columns: metric, conversation_id, cycle, from_at, until_at, to_message_id, to_at, channel, agent_id,
    assignee_at_response, seconds, business_seconds."""
    cycles = status.cycles(store, Filters())[["conversation_id", "cycle", "started_at"]]
    late = first[first["from_message_id"].notna()].merge(cycles, on=["conversation_id", "cycle"])
    late = late.loc[late["from_at"] > late["started_at"], ["conversation_id", "cycle", "started_at", "from_at"]]
    early = store.df(EARLY_FIRST_RESPONSES_SQL, {"as_of": pd.Timestamp.now(tz=store.settings.timezone)},
                     frames={"_late": late.rename(columns={"from_at": "inbound_at"})})
    pairs = pd.DataFrame({"start": early["from_at"], "end": early["to_at"]})
    return early.assign(business_seconds=business_seconds(store, pairs) if len(early) else pd.Series(dtype=float))


def _sorted(frame: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """frame[columns] sorted by seconds (then the other columns), with business_order (core.measured), weekday
    (1 = Monday) and hour of from_at, and the few-valued keys as categories (less memory, fast isin)."""
    frame = frame.reindex(columns=columns).assign(open=False)
    if "until_at" in frame:
        frame["until_at"] = frame["until_at"].astype(frame["from_at"].dtype)
    frame = frame.sort_values(["seconds", *[c for c in ("conversation_id", "cycle", "from_at") if c in frame]],
                              ignore_index=True, kind="stable")
    frame = frame.astype({c: "category" for c in KEYS if c in frame})
    return frame.assign(business_order=measured.ordered(frame["business_seconds"]),
                        weekday=frame["from_at"].dt.dayofweek.astype("int8") + 1,
                        hour=frame["from_at"].dt.hour.astype("int8"))


def response_facts(store: Store, metric: str) -> pd.DataFrame:
    """Every measured row of a response metric up to now (core.response_times with no filters); for first
    responses also the early ones of cycles timed from a later inbound, which count while the cut-off is before
    until_at. Sorted by seconds.

    Columns: metric, conversation_id, cycle, from_message_id and to_message_id (reply_time only: its outliers are
    listed), from_at, to_at, until_at (NaT but
    for early first responses), channel, agent_id, assignee_at_response, team, assignee_team (the team of
    assignee_at_response), open (FALSE), seconds, business_seconds, business_order, weekday, hour.
    """
    def compute() -> pd.DataFrame:
        teams = store.df("SELECT agent_id, team FROM agents")
        rows = RESPONSE_METRICS[metric](store, Filters())
        frames = [rows[~rows["open"]]]
        if metric == "first_response_time":
            frames.append(_early_first_responses(store, rows).merge(teams, on="agent_id", how="left"))
        frame = pd.concat([f for f in frames if len(f)], ignore_index=True) if any(map(len, frames)) else rows
        frame = frame.merge(teams.rename(columns={"agent_id": "assignee_at_response", "team": "assignee_team"}),
                            on="assignee_at_response", how="left")
        shown = [c for c in RESPONSE_COLUMNS if metric == "reply_time" or not c.endswith("message_id")]
        return _sorted(frame, shown)
    return cached(store, f"responses-{metric}", compute)


def status_facts(store: Store) -> pd.DataFrame:
    """Every status interval left by now (core.response_times.time_in_status with no filters), sorted by seconds.

    Columns: metric, status, from_at (entered), to_at (left), channel, agent_id (assignee when entered), team,
    open (FALSE), seconds, business_seconds, business_order, weekday, hour.
    """
    def compute() -> pd.DataFrame:
        rows = response_times.time_in_status(store, Filters())
        return _sorted(rows[~rows["open"]], ["metric", "status", "from_at", "to_at", "channel", "agent_id", "team",
                                             "open", "seconds", "business_seconds"])
    return cached(store, "statuses", compute)


def _ticks(values: pd.Series, moment: pd.Timestamp) -> tuple[np.ndarray, int]:
    """A timestamp column's integer ticks and a moment's in the same unit (NaT: the smallest integer)."""
    array = values.array
    return array.asi8, int(pd.Timestamp(moment).as_unit(array.unit).asm8.view("int64"))


def _among(column: pd.Series, wanted: tuple[str, ...]) -> np.ndarray:
    """column.isin(wanted) for a categorical column, by looking its codes up (pandas' isin sorts: 40 ms a column
    of 2.6M rows); a missing value (code -1) is never wanted."""
    table = np.append(column.cat.categories.isin(wanted), False)
    return table[column.cat.codes.to_numpy()]


def measured_mask(facts: pd.DataFrame, filters: Filters, store: Store) -> np.ndarray:
    """Which rows of response_facts or status_facts core.response_times measures for these filters (a mask).

    The period selects rows by from_at, and a row counts when its clock stopped by the cut-off, the period's
    last microsecond (an early first response only while its inbound had not arrived). Channels select the
    channel; agents the agent_id or assignee_at_response; teams the team or assignee_team.
    """
    start, end = filters.bounds(store.settings)
    keep = np.ones(len(facts), dtype=bool)
    early = facts["until_at"] if "until_at" in facts else None
    if start is not None:
        values, bound = _ticks(facts["from_at"], start)
        keep &= values >= bound
    if end is not None:
        values, bound = _ticks(facts["from_at"], end)
        keep &= values < bound
        values, cut = _ticks(facts["to_at"], end - pd.Timedelta(microseconds=1))
        keep &= values <= cut
        if early is not None:
            values, cut = _ticks(early, end - pd.Timedelta(microseconds=1))
            keep &= early.isna().to_numpy() | (values > cut)
    elif early is not None:
        keep &= early.isna().to_numpy()
    for name, columns in (("channels", ["channel"]), ("agents", ["agent_id", "assignee_at_response"]),
                          ("teams", ["team", "assignee_team"])):
        wanted = getattr(filters, name)
        if wanted:
            keep &= np.logical_or.reduce([_among(facts[c], wanted) for c in columns if c in facts])
    return keep
