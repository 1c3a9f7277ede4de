"""Conversation status as a fold over messages and events (DESIGN 4.2): status as of T, cycles, time in status,
backlog and assignee history, all as set-based SQL.

The fold, in the order (time, messages before events before the snapshot, id):
- the conversation starts `new` at its first activity (created_at, or its first message or event);
- an agent message (outbound, sender_type agent) while `new` makes it `in_progress`;
- automation messages and notes change nothing;
- `status_changed` sets its value (one of new, in_progress, on_hold, resolved; other values are ignored);
- `resolved` sets `resolved`;
- an inbound contact message, or a `reopened` event, while `resolved` makes it `new`;
- an inbound message while `on_hold` leaves it `on_hold` (the unanswered flag shows it);
- `conversations.status`, for a conversation with no status_changed/resolved/reopened event at all, is taken
  as a status_changed at the conversation's last activity (its latest message, note or event of any kind).
Every move out of `resolved` starts a new cycle and counts one reopen. Status as of T folds only what
happened at or before T.

Everything is derived from "the last state-setting event before T plus derived rules": between two
state-setting events (status_changed, resolved, snapshot) the status can only go resolved -> new at the first
inbound, and new -> in_progress at the first agent message after entering new.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd

from ..store import Store, as_store
from .channels import LAST_CHANNEL_EXPR
from .filters import Filters, in_list, in_period, used_params

STATUS_VALUES = ("new", "in_progress", "on_hold", "resolved")

Source = Store | Mapping[str, pd.DataFrame]

# A constant predicate that restricts every base scan to $ids when the caller names conversations.
_ALL = "TRUE"
_ONLY = "list_contains($ids::VARCHAR[], conversation_id)"


def _fold_ctes(only: str = _ALL) -> str:
    """CTEs up to `changes`: one row per status change (deduplicated), with its cycle number.

    changes columns: conversation_id, n (order in the fold; 0 for the start), ts, status, actor_id (the
    event's actor; NULL for a move made by a message or the snapshot), cause (start, set, reopen, progress), cycle.
    """
    keep = "" if only == _ALL else "MATERIALIZED"
    return f"""
msgs AS {keep} (SELECT * FROM messages WHERE {only}),
evs AS {keep} (SELECT * FROM events WHERE {only}),
convs AS {keep} (SELECT * FROM conversations WHERE {only}),
status_events AS MATERIALIZED (
    SELECT conversation_id, "at" AS ts, event_id AS id, actor_id, kind,
           CASE kind WHEN 'resolved' THEN 'resolved' WHEN 'status_changed' THEN value END AS value
    FROM evs
    WHERE (kind IN ('resolved', 'reopened')
           OR (kind = 'status_changed' AND value IN ('new', 'in_progress', 'on_hold', 'resolved')))
),
activity AS MATERIALIZED (
    SELECT conversation_id, max(ts) AS last_at, min(ts) AS first_at FROM (
        SELECT conversation_id, sent_at AS ts FROM msgs
        UNION ALL SELECT conversation_id, "at" FROM evs
        UNION ALL SELECT conversation_id, created_at FROM convs
    ) GROUP BY conversation_id
),
snapshots AS (
    SELECT c.conversation_id, a.last_at AS ts, c.status AS value
    FROM convs c JOIN activity a USING (conversation_id)
    WHERE c.status IN ('new', 'in_progress', 'on_hold', 'resolved')
      AND NOT EXISTS (SELECT 1 FROM status_events s WHERE s.conversation_id = c.conversation_id)
),
inputs AS (
    SELECT conversation_id, sent_at AS ts, 0 AS rank, message_id AS id,
           CASE direction WHEN 'inbound' THEN 'inbound' ELSE 'agent' END AS kind,
           NULL::VARCHAR AS value, NULL::VARCHAR AS actor_id
    FROM msgs
    WHERE sent_at <= $as_of
      AND ((direction = 'inbound' AND sender_type = 'contact') OR (direction = 'outbound' AND sender_type = 'agent'))
    UNION ALL
    SELECT conversation_id, ts, 1, id, CASE kind WHEN 'reopened' THEN 'reopen' ELSE 'set' END, value, actor_id
    FROM status_events WHERE ts <= $as_of
    UNION ALL
    SELECT conversation_id, ts, 2, 'snapshot', 'set', value, NULL FROM snapshots WHERE ts <= $as_of
),
ordered AS MATERIALIZED (
    SELECT conversation_id, ts, kind, value, actor_id,
           row_number() OVER w AS n,
           count(*) FILTER (WHERE kind = 'set') OVER w AS seg
    FROM inputs
    WINDOW w AS (PARTITION BY conversation_id ORDER BY ts, rank, id ROWS UNBOUNDED PRECEDING)
),
segments AS MATERIALIZED (
    SELECT conversation_id, seg,
           coalesce(any_value(value) FILTER (WHERE kind = 'set'), 'new') AS seg_value,
           min(n) FILTER (WHERE kind = 'set') AS set_n,
           min(n) FILTER (WHERE kind IN ('inbound', 'reopen')) AS in_n,
           min(ts) FILTER (WHERE kind IN ('inbound', 'reopen')) AS in_at,
           arg_min(actor_id, n) FILTER (WHERE kind IN ('inbound', 'reopen')) AS in_actor
    FROM ordered GROUP BY conversation_id, seg
),
entries AS (
    SELECT *, CASE seg_value WHEN 'new' THEN coalesce(set_n, 0) WHEN 'resolved' THEN in_n END AS entry_n
    FROM segments
),
progress AS (
    SELECT o.conversation_id, o.seg, min(o.n) AS n, min(o.ts) AS ts, arg_min(o.actor_id, o.n) AS actor_id
    FROM ordered o JOIN entries e ON o.conversation_id = e.conversation_id AND o.seg = e.seg
    WHERE o.kind = 'agent' AND o.n > e.entry_n
    GROUP BY o.conversation_id, o.seg
),
moves AS (
    SELECT conversation_id, 0 AS n, first_at AS ts, 'new' AS status, NULL::VARCHAR AS actor_id, 'start' AS cause
    FROM activity WHERE first_at <= $as_of
    UNION ALL
    SELECT conversation_id, n, ts, value, actor_id, 'set' FROM ordered WHERE kind = 'set'
    UNION ALL
    SELECT conversation_id, in_n, in_at, 'new', in_actor, 'reopen' FROM segments
    WHERE seg_value = 'resolved' AND in_n IS NOT NULL
    UNION ALL
    SELECT conversation_id, n, ts, 'in_progress', actor_id, 'progress' FROM progress
),
changed AS (
    SELECT *, lag(status) OVER (PARTITION BY conversation_id ORDER BY n) AS previous FROM moves
),
changes AS (
    SELECT conversation_id, n, ts, status, actor_id, cause,
           count(*) FILTER (WHERE previous = 'resolved') OVER (
               PARTITION BY conversation_id ORDER BY n ROWS UNBOUNDED PRECEDING) + 1 AS cycle
    FROM changed WHERE previous IS DISTINCT FROM status
)"""


def _cycles_select() -> str:
    return """
cycle_rows AS (
    SELECT conversation_id, cycle, min(ts) AS started_at,
           min(ts) FILTER (WHERE status = 'resolved') AS resolved_at,
           arg_min(actor_id, n) FILTER (WHERE status = 'resolved') AS resolved_by
    FROM changes GROUP BY conversation_id, cycle
)
SELECT conversation_id, cycle, started_at, resolved_at, resolved_by,
       lead(started_at) OVER (PARTITION BY conversation_id ORDER BY cycle) AS next_started_at,
       lead(started_at) OVER (PARTITION BY conversation_id ORDER BY cycle) IS NOT NULL AS reopened
FROM cycle_rows"""


def cycles_sql(only: str = _ALL) -> str:
    """THE cycle SQL: a SELECT over the store's tables using the named parameter $as_of (TIMESTAMPTZ).

    `only` is a constant SQL predicate over conversation_id that keeps or drops whole conversations
    (it may use further named parameters); the fold then reads those conversations alone.

    One row per conversation cycle as of $as_of. Columns:
    - conversation_id;
    - cycle: 1-based; cycle 1 starts at the conversation's first activity (least of created_at and its first
      message, note or event), and every move out of `resolved` (an inbound message or `reopened` event while
      resolved, or a status_changed to another status) starts the next one;
    - started_at: when the cycle started (for cycle > 1, the time of the reopening message or event);
    - resolved_at: when the cycle entered `resolved` (a resolved event, status_changed to resolved, or the
      status snapshot); NULL while the cycle is open;
    - resolved_by: actor_id of that event (NULL for a snapshot or an event without actor);
    - next_started_at: started_at of the next cycle; NULL for the last cycle;
    - reopened: next_started_at IS NOT NULL.
    A message belongs to the cycle with started_at <= sent_at AND (next_started_at IS NULL OR sent_at <
    next_started_at); the reopening inbound message is the first message of the new cycle.
    Wrap it as a CTE: `WITH cycles AS (<cycles_sql()>) SELECT ...`.
    """
    return "WITH " + _fold_ctes(only) + "," + _cycles_select()


def _params(store: Store, filters: Filters | None, ids: Iterable[str] | None = None) -> dict:
    params = (filters or Filters()).params(store.settings)
    if ids is not None:
        params["ids"] = list(ids)
    return params


def cycles(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """Conversation cycles as of filters.as_of; the period filter keeps cycles started in it.

    Columns: conversation_id, cycle, started_at, resolved_at, resolved_by, next_started_at, reopened
    (see cycles_sql for their meaning).
    """
    store = as_store(source)
    sql = (f"WITH cycles AS ({cycles_sql()}) SELECT * FROM cycles WHERE {in_period('started_at')} "
           "ORDER BY conversation_id, cycle")
    return store.df(sql, used_params(sql, _params(store, filters)))


def _status_sql(only: str) -> str:
    """Per conversation as of $as_of: the fold's last change plus message, activity and assignee facts."""
    return "WITH " + _fold_ctes(only) + f""",
current AS (
    SELECT conversation_id, arg_max(status, n) AS status, arg_max(ts, n) AS status_since,
           max(cycle) AS cycle
    FROM changes GROUP BY conversation_id
),
talk AS (
    SELECT conversation_id,
           min(sent_at) FILTER (WHERE sender_type <> 'note') AS first_message_at,
           max(sent_at) FILTER (WHERE sender_type <> 'note') AS last_message_at,
           count(*) FILTER (WHERE sender_type <> 'note' AND direction = 'inbound') AS messages_in,
           count(*) FILTER (WHERE sender_type <> 'note' AND direction = 'outbound') AS messages_out,
           max(sent_at) AS last_note_or_message_at,
           arg_max(direction, (sent_at, message_id)) FILTER (
               WHERE sender_type IN ('contact', 'agent')) = 'inbound' AS unanswered,
           any_value(contact_id) AS message_contact_id,
           {LAST_CHANNEL_EXPR} AS last_channel
    FROM msgs WHERE sent_at <= $as_of
    GROUP BY conversation_id
),
assigned AS (
    SELECT conversation_id,
           nullif(arg_max(coalesce(value, ''), ("at", event_id)) FILTER (WHERE "at" <= $as_of), '') AS assignee_id
    FROM evs WHERE kind = 'assigned'
    GROUP BY conversation_id
),
last_events AS (
    SELECT conversation_id, max("at") AS last_event_at FROM evs
    WHERE "at" <= $as_of GROUP BY conversation_id
)
SELECT cur.conversation_id, coalesce(conv.contact_id, t.message_contact_id) AS contact_id,
       cur.status, cur.status_since,
       CASE WHEN a.conversation_id IS NULL THEN conv.assignee_id ELSE a.assignee_id END AS assignee_id,
       cur.cycle, cur.cycle - 1 AS reopens, coalesce(t.unanswered, FALSE) AS unanswered,
       greatest(t.last_note_or_message_at, e.last_event_at,
                CASE WHEN conv.created_at <= $as_of THEN conv.created_at END) AS last_activity_at,
       t.first_message_at, t.last_message_at,
       coalesce(t.messages_in, 0) AS messages_in, coalesce(t.messages_out, 0) AS messages_out, t.last_channel
FROM current cur
LEFT JOIN convs conv USING (conversation_id)
LEFT JOIN talk t USING (conversation_id)
LEFT JOIN assigned a USING (conversation_id)
LEFT JOIN last_events e USING (conversation_id)"""


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
    sql = _filtered_status_sql(_ALL if conversation_ids is None else _ONLY) + " ORDER BY conversation_id"
    return store.df(sql, used_params(sql, _params(store, filters, conversation_ids)))


def _filtered_status_sql(only: str) -> str:
    return (f"SELECT s.* FROM ({_status_sql(only)}) s "
            "LEFT JOIN agents ag ON ag.agent_id = s.assignee_id "
            f"WHERE {in_list('s.assignee_id', 'agents')} AND {in_list('ag.team', 'teams')} "
            f"AND {in_list('s.last_channel', 'channels')} AND {in_period('s.last_activity_at')}")


def conversations_export(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """`pipeone export conversations`: one row per conversation as of filters.as_of, same filters as
    status_as_of.

    Columns: conversation_id, contact_id, status, status_since, last_channel, assignee_id, cycles, reopens,
    first_message_at, last_message_at, messages_in, messages_out, last_ticket_type, last_ticket_category
    (category_id of the latest ticket), unanswered, last_activity_at.
    """
    store = as_store(source)
    sql = f"""
    WITH s AS ({_filtered_status_sql(_ALL)}),
    latest AS (
        SELECT conversation_id, arg_max(type, (resolved_at, ticket_id)) AS last_ticket_type,
               arg_max(category, (resolved_at, ticket_id)) AS last_ticket_category
        FROM tickets WHERE resolved_at <= $as_of GROUP BY conversation_id
    )
    SELECT s.conversation_id, s.contact_id, s.status, s.status_since, s.last_channel, s.assignee_id,
           s.cycle AS cycles, s.reopens, s.first_message_at, s.last_message_at, s.messages_in, s.messages_out,
           l.last_ticket_type, l.last_ticket_category, s.unanswered, s.last_activity_at
    FROM s LEFT JOIN latest l USING (conversation_id)
    ORDER BY s.conversation_id"""
    return store.df(sql, used_params(sql, _params(store, filters)))


_INTERVALS = """
intervals AS (
    SELECT conversation_id, cycle, status, ts AS entered_at,
           lead(ts) OVER (PARTITION BY conversation_id ORDER BY n) AS left_at
    FROM changes
)"""


def status_intervals(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """Time in each status per cycle as of filters.as_of; the period filter keeps intervals entered in it.

    Columns: conversation_id, cycle, status, entered_at, left_at (NULL while it is the current status),
    seconds (left_at - entered_at in calendar seconds; NULL while current). A reopening `new` belongs to the
    cycle it starts; the `resolved` interval to the cycle it ends.
    """
    store = as_store(source)
    sql = ("WITH " + _fold_ctes() + "," + _INTERVALS +
           f"""
    SELECT conversation_id, cycle, status, entered_at, left_at,
           epoch(left_at - entered_at) AS seconds
    FROM intervals WHERE {in_period('entered_at')}
    ORDER BY conversation_id, entered_at, cycle""")
    return store.df(sql, used_params(sql, _params(store, filters)))


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
    sql = ("WITH " + _fold_ctes() + "," + _INTERVALS + """,
    deltas AS (
        SELECT (entered_at - INTERVAL 1 MICROSECOND)::DATE AS day, status, 1 AS d FROM intervals
        UNION ALL
        SELECT (left_at - INTERVAL 1 MICROSECOND)::DATE, status, -1 FROM intervals WHERE left_at IS NOT NULL
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
    ORDER BY g.day, list_position(['new', 'in_progress', 'on_hold', 'resolved'], g.status)""")
    return store.df(sql, used_params(sql, params))


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
