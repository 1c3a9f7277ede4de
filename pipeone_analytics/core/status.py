"""Conversation status (DESIGN 4.2): status as of T, cycles, time in status, backlog and assignee history, all as
set-based SQL.

THE fold and its rules live in derived/status.py (the store layer, so that every writer can refresh its stored
results): the rows of conversation_state and status_changes are each conversation's fold over all its inputs,
and they are its state as of any as_of at or after its `horizon` (its latest input). The functions here read
those rows, and fold at read time only the conversations with an input after as_of (none, as of now, unless
something is dated in the future); a cheap count decides whether that fold runs at all.
"""
from __future__ import annotations

from typing import Callable, Iterable, Mapping

import duckdb
import pandas as pd

from ..derived.status import (ALL, CYCLES_SELECT, FEW, STATE_COLUMNS, STATE_TABLE, changes_ctes, cycles_sql,
                              state_ctes, status_now_ctes)
from ..store import Store, as_store
from .filters import Filters, in_list, in_period, used_params

__all__ = ["STATUS_VALUES", "cycles_sql", "cycles_as_of_sql", "unsettled_count", "state_ctes", "status_as_of",
           "conversations_export", "cycles", "status_intervals", "backlog", "assignee_history", "assignment_summary",
           "export_conversations"]

STATUS_VALUES = ("new", "in_progress", "on_hold", "resolved")

Source = Store | Mapping[str, pd.DataFrame]

# A constant predicate that restricts every base scan to $ids when the caller names conversations.
_ALL = ALL
_ONLY = "list_contains($ids::VARCHAR[], conversation_id)"


def unsettled_count(con: duckdb.DuckDBPyConnection, params: dict, scope: str = _ALL) -> int:
    """How many conversations kept by `scope` (a constant predicate on conversation_id) have an input after
    $as_of: their stored status rows do not hold, so reading them as of $as_of folds them."""
    sql = f"SELECT count(*) FROM {STATE_TABLE} WHERE horizon > $as_of AND {scope}"
    return con.execute(sql, used_params(sql, params)).fetchall()[0][0]


def cycles_as_of_sql(con: duckdb.DuckDBPyConnection, params: dict, scope: str = _ALL) -> str:
    """THE cycle SELECT (cycles_sql, same columns) of the conversations kept by `scope` as of $as_of: their stored
    status changes, plus a fold of those with an input after $as_of, written in only when a count finds any
    (cycles_sql always plans that fold)."""
    n = unsettled_count(con, params, scope)
    return f"WITH {changes_ctes(scope, n > 0, n <= FEW)}, {CYCLES_SELECT}"


def _fetch(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> pd.DataFrame:
    """One query's rows through Arrow: several times faster than .df() for a million rows of strings."""
    return con.sql(sql, params=used_params(sql, params)).to_arrow_table().to_pandas()


def _params(store: Store, filters: Filters | None, ids: Iterable[str] | None = None) -> dict:
    params = (filters or Filters()).params(store.settings)
    if ids is not None:
        params["ids"] = list(ids)
    return params


def _read(store: Store, build: Callable[[bool, bool], str], params: dict, only: str = _ALL,
          fetch: Callable[[duckdb.DuckDBPyConnection, str, dict], pd.DataFrame] = _fetch) -> pd.DataFrame:
    """Run build(fold, few) -> SQL on one read connection, where fold says whether any conversation kept by
    `only` must be folded as of $as_of and few whether they are few (derived.status.FEW)."""
    with store.read() as con:
        n = unsettled_count(con, params, only)
        return fetch(con, build(n > 0, n <= FEW), params)


def cycles(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """Conversation cycles as of filters.as_of; the period filter keeps cycles started in it.

    Columns: conversation_id, cycle, started_at, resolved_at, resolved_by, next_started_at, reopened
    (see cycles_sql for their meaning).
    """
    store = as_store(source)
    params = _params(store, filters)
    with store.read() as con:
        return _fetch(con, f"WITH cycles AS ({cycles_as_of_sql(con, params)}) SELECT * FROM cycles "
                           f"WHERE {in_period('started_at')} ORDER BY conversation_id, cycle", params)


def status_as_of(source: Source, filters: Filters | None = None,
                 conversation_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Status of every conversation (or only conversation_ids) as of filters.as_of (default now).

    Conversations that had not started by then are absent. Filters: agents (assignee), teams (assignee's team),
    channels (last channel), period (last_activity_at in it).
    Columns: conversation_id, contact_id, status, status_since (when it entered that status), assignee_id
    (last `assigned` event, else conversations.assignee_id when it has no assigned event), cycle (1-based),
    reopens (cycle - 1), unanswered (the last contact/agent message, ignoring notes and automation, is
    inbound), last_activity_at (latest message, note, event or created_at), first_message_at and
    last_message_at (notes excluded), messages_in (inbound), messages_out (outbound agent and automation),
    last_channel (see channels.last_channel).
    """
    store = as_store(source)
    only = _ALL if conversation_ids is None else _ONLY
    columns = ", ".join(f"s.{c}" for c in STATE_COLUMNS)
    params = _params(store, filters, conversation_ids)
    return _read(store, lambda fold, few: _filtered_status_sql(columns, only, fold, few, params), params, only)


def _filtered_status_sql(columns: str, only: str, fold: bool, few: bool, params: dict) -> str:
    """The filtered rows of status_now, in conversation_id order: the stored rows alone come in that order
    (derived/status.py keeps conversation_state so), so they are sorted only after a fold or a join."""
    teams = bool(params.get("teams"))
    return (f"WITH {status_now_ctes(only, fold, few)} SELECT {columns} FROM status_now s " +
            ("LEFT JOIN agents ag ON ag.agent_id = s.assignee_id " if teams else "") +
            f"WHERE {in_list('s.assignee_id', 'agents')} AND {in_list('ag.team', 'teams') if teams else 'TRUE'} "
            f"AND {in_list('s.last_channel', 'channels')} AND {in_period('s.last_activity_at')}" +
            (" ORDER BY s.conversation_id" if fold or teams else ""))


_EXPORT_COLUMNS = ("s.conversation_id, s.contact_id, s.status, s.status_since, s.last_channel, s.assignee_id, "
                   "s.cycle AS cycles, s.reopens, s.first_message_at, s.last_message_at, s.messages_in, "
                   "s.messages_out, s.last_ticket_type, s.last_ticket_category, s.unanswered, s.last_activity_at")


def conversations_export(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """`pipeone export conversations`: one row per conversation as of filters.as_of, same filters as
    status_as_of.

    Columns: conversation_id, contact_id, status, status_since, last_channel, assignee_id, cycles, reopens,
    first_message_at, last_message_at, messages_in, messages_out, last_ticket_type, last_ticket_category
    (category_id of the latest ticket resolved by as_of), unanswered, last_activity_at.
    """
    store = as_store(source)
    params = _params(store, filters)
    return _read(store, lambda fold, few: _filtered_status_sql(_EXPORT_COLUMNS, _ALL, fold, few, params), params)


def status_intervals(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """Time in each status per cycle as of filters.as_of; the period filter keeps intervals entered in it.

    Columns: conversation_id, cycle, status, entered_at, left_at (NULL while it is the current status),
    seconds (left_at - entered_at in calendar seconds; NULL while current). A reopening `new` belongs to the
    cycle it starts; the `resolved` interval to the cycle it ends.
    """
    store = as_store(source)
    return _read(store, lambda fold, few: f"""
    WITH {changes_ctes(_ALL, fold, few)},
    intervals AS (
        SELECT conversation_id, n, cycle, status, ts AS entered_at,
               lead(ts) OVER (PARTITION BY conversation_id ORDER BY n) AS left_at
        FROM changes
    )
    SELECT conversation_id, cycle, status, entered_at, left_at,
           epoch(left_at - entered_at) AS seconds
    FROM intervals WHERE {in_period('entered_at')}
    ORDER BY conversation_id, n""", _params(store, filters))


def backlog(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """Conversations per status at the end of each day of the period, in the account timezone.

    A day's count is the status as of the local midnight that ends it (status_as_of with that as_of, so an
    event at 23:30 local belongs to that day). The period defaults to the first day with activity through the
    day of as_of; days after as_of are counted as of as_of. Every status appears on every day, zero included.
    Only the period and as_of apply (a conversation's channel and assignee change over time).
    Columns: day (DATE), status, conversations.
    """
    store = as_store(source)
    filters = filters or Filters()
    params = filters.params(store.settings)
    start, end = params["start"], params["end"]
    as_of = params["as_of"]
    if end is not None and end < as_of:
        params["as_of"] = end
    params["first_day"] = None if start is None else start.date()
    params["last_day"] = ((end - pd.Timedelta(microseconds=1)) if end is not None else as_of).date()
    return _read(store, lambda fold, few: f"""
    WITH {changes_ctes(_ALL, fold, few)},
    deltas AS (
        -- each change enters its status and leaves the one before it, on the day that ends at or after it
        SELECT (ts - INTERVAL 1 MICROSECOND)::DATE AS day, status, 1 AS d FROM changes
        UNION ALL
        SELECT (ts - INTERVAL 1 MICROSECOND)::DATE, left_status, -1 FROM changes WHERE left_status IS NOT NULL
    ),
    span AS (
        SELECT coalesce($first_day::DATE, (SELECT min(day) FROM deltas)) AS first_day, $last_day::DATE AS last_day
    ),
    grid AS (
        SELECT d.day::DATE AS day, s.status
        FROM span, unnest(generate_series(span.first_day, span.last_day, INTERVAL 1 DAY)) AS d(day),
             (VALUES ('new'), ('in_progress'), ('on_hold'), ('resolved')) AS s(status)
    ),
    base AS (
        SELECT status, sum(d) AS n FROM deltas, span WHERE deltas.day < span.first_day GROUP BY status
    ),
    daily AS (
        SELECT day, status, sum(d) AS n FROM deltas, span
        WHERE deltas.day BETWEEN span.first_day AND span.last_day GROUP BY day, status
    )
    SELECT g.day, g.status,
           (coalesce(b.n, 0) + sum(coalesce(x.n, 0)) OVER (PARTITION BY g.status ORDER BY g.day))::BIGINT
               AS conversations
    FROM grid g LEFT JOIN daily x USING (day, status) LEFT JOIN base b USING (status)
    ORDER BY g.day, list_position(['new', 'in_progress', 'on_hold', 'resolved'], g.status)""", params,
                 fetch=lambda con, sql, p: con.execute(sql, used_params(sql, p)).df())


_ASSIGNMENTS = """
assignments AS (
    SELECT conversation_id, "at" AS assigned_at, event_id, actor_id, nullif(value, '') AS to_agent,
           lag(nullif(value, '')) OVER (PARTITION BY conversation_id ORDER BY "at", event_id) AS from_agent
    FROM events
    WHERE {only} AND kind = 'assigned' AND "at" <= $as_of
)"""


def assignee_history(source: Source, filters: Filters | None = None,
                     conversation_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Every `assigned` event as of filters.as_of, with the assignee before it; the period filter applies to at.

    A transfer is an assignment from one agent to another (DESIGN 4.2); a first assignment or an unassignment
    is not. An empty value means unassigned.
    Columns: conversation_id, at, from_agent, to_agent, actor_id, is_transfer, event_id.
    """
    store = as_store(source)
    only = _ALL if conversation_ids is None else _ONLY
    sql = "WITH " + _ASSIGNMENTS.format(only=only) + f"""
    SELECT conversation_id, assigned_at AS "at", from_agent, to_agent, actor_id,
           coalesce(from_agent IS NOT NULL AND to_agent IS NOT NULL AND from_agent <> to_agent, FALSE)
               AS is_transfer,
           event_id
    FROM assignments WHERE {in_period('assigned_at')}
    ORDER BY conversation_id, assigned_at, event_id"""
    return store.df(sql, used_params(sql, _params(store, filters, conversation_ids)))


def assignment_summary(source: Source, filters: Filters | None = None,
                       conversation_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Per conversation as of filters.as_of: transfers and how many agents touched it.

    An agent touched a conversation when they were its assignee (an `assigned` event, or
    conversations.assignee_id when it has no assigned event) or wrote an agent message or a note in it.
    Columns: conversation_id, transfers, agents_touched.
    """
    store = as_store(source)
    only = _ALL if conversation_ids is None else _ONLY
    sql = "WITH " + _ASSIGNMENTS.format(only=only) + f""",
    touches AS (
        SELECT conversation_id, to_agent AS agent_id FROM assignments
        UNION ALL
        SELECT conversation_id, assignee_id FROM conversations c
        WHERE {only} AND NOT EXISTS (SELECT 1 FROM events e WHERE e.conversation_id = c.conversation_id
                                      AND e.kind = 'assigned' AND e."at" <= $as_of)
        UNION ALL
        SELECT conversation_id, agent_id FROM messages
        WHERE {only} AND sent_at <= $as_of AND sender_type IN ('agent', 'note')
    ),
    counted AS (
        SELECT conversation_id, count(DISTINCT agent_id) AS agents_touched FROM touches GROUP BY conversation_id
    ),
    moved AS (
        SELECT conversation_id, count(*) FILTER (
            WHERE from_agent IS NOT NULL AND to_agent IS NOT NULL AND from_agent <> to_agent) AS transfers
        FROM assignments GROUP BY conversation_id
    )
    SELECT c.conversation_id, coalesce(m.transfers, 0) AS transfers, c.agents_touched
    FROM counted c LEFT JOIN moved m USING (conversation_id)
    ORDER BY c.conversation_id"""
    return store.df(sql, used_params(sql, _params(store, filters, conversation_ids)))


def export_conversations(store: Store, as_of: str | None = None, **_: object) -> pd.DataFrame:
    """`pipeone export conversations`: one row per conversation with the columns of conversations_export()."""
    return conversations_export(store, Filters(as_of=as_of))
