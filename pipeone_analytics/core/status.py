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

How it is computed without sorting the messages. The state-setting events (status_changed, resolved, the
snapshot) cut a conversation into segments: segment 0 before the first one, segment k from the k-th on. Inside
a segment the status can only go resolved -> new at the first inbound contact message or `reopened` event, and
new -> in_progress at the first agent message after entering new; nothing else moves it. So:
- only the events are ordered (a window over them, which is small), numbering the segments;
- each message gets its segment by counting the conversation's set times before it (a message at the same time
  as an event comes first), one hash join, and the messages are aggregated per (conversation, segment): the
  first inbound time, the first and last agent times, plus the facts the export shows;
- each segment's moves follow from those few values; the next set's value (known from the events) tells
  whether the next set changes the status and whether it leaves `resolved`.
Times alone decide every order but one: a resolved segment with an agent message at or before its reopening
inbound message and another at or after it; the first agent message after it is then read again from those
segments' messages by (time, id), a pass that reads no message when no segment needs it. The last message
(last channel, unanswered flag) is taken by (time, id) directly, through one binary sort key per message.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd

from ..store import Store, as_store
from .filters import Filters, in_list, in_period, used_params

STATUS_VALUES = ("new", "in_progress", "on_hold", "resolved")

Source = Store | Mapping[str, pd.DataFrame]

# A constant predicate that restricts every base scan to $ids when the caller names conversations.
_ALL = "TRUE"
_ONLY = "list_contains($ids::VARCHAR[], conversation_id)"

_KNOWN = "('new', 'in_progress', 'on_hold', 'resolved')"
_SETS = f"(kind = 'resolved' OR (kind = 'status_changed' AND value IN {_KNOWN}))"
_INBOUND = "(direction = 'inbound' AND sender_type = 'contact')"
_AGENT = "(direction = 'outbound' AND sender_type = 'agent')"
_TALK = "sender_type IN ('contact', 'agent')"
_NOTE = "sender_type = 'note'"


def _segment_ctes(only: str = _ALL) -> str:
    """CTEs up to `seg_states` (one row per conversation segment as of $as_of) and `conv_facts` (one row per
    started conversation); `only` is a constant predicate on conversation_id applied to every base scan.

    seg_states columns: conversation_id, seg (0 before the first state-setting input, k from the k-th on), value
    (the status the segment starts in), entered_at (the set's time; the first activity for segment 0),
    set_actor, next_value, next_at, next_actor (the next set's; NULL in the last segment), r_at, r_actor (the move
    resolved -> new, resolved segments only), p_at (the move new -> in_progress), end_status.
    conv_facts columns: conversation_id, contact_id, snapshot, assignee_id, first_at, last_activity_at,
    first_message_at, last_message_at, messages_in, messages_out, last_channel, unanswered.
    """
    keep = "NOT MATERIALIZED" if only == _ALL else "MATERIALIZED"
    once = "" if only == _ALL else "MATERIALIZED"  # a few rows: planning them once beats pipelining
    return f"""
msgs AS {keep} (SELECT * FROM messages WHERE {only}),
evs AS {keep} (SELECT * FROM events WHERE {only}),
convs AS {keep} (SELECT * FROM conversations WHERE {only}),
status_events AS MATERIALIZED (
    SELECT conversation_id, "at" AS ts, event_id, actor_id, kind = 'reopened' AS reopen,
           CASE kind WHEN 'resolved' THEN 'resolved' WHEN 'status_changed' THEN value END AS value,
           count(*) FILTER (WHERE kind <> 'reopened') OVER (
               PARTITION BY conversation_id ORDER BY "at", event_id ROWS UNBOUNDED PRECEDING) AS seg,
           lead(CASE WHEN kind <> 'reopened' THEN {{'value': CASE kind WHEN 'resolved' THEN 'resolved' ELSE value END,
                                                   'ts': "at", 'actor': actor_id}} END IGNORE NULLS) OVER (
               PARTITION BY conversation_id ORDER BY "at", event_id) AS nxt
    FROM evs WHERE "at" <= $as_of AND (kind = 'reopened' OR {_SETS})
),
bounds AS MATERIALIZED (
    SELECT conversation_id, list(ts) AS times FROM status_events WHERE NOT reopen GROUP BY conversation_id
),
msg_rows AS NOT MATERIALIZED (
    SELECT m.*, coalesce(len(list_filter(b.times, lambda t: t < m.sent_at)), 0) AS seg,
           create_sort_key(m.sent_at, 'ASC NULLS LAST', m.message_id, 'ASC NULLS LAST') AS msg_key
    FROM msgs m LEFT JOIN bounds b USING (conversation_id)
    WHERE m.sent_at <= $as_of
),
msg_segs AS MATERIALIZED (
    SELECT conversation_id, seg,
           min(sent_at) AS first_at, max(sent_at) AS last_at,
           min(sent_at) FILTER (WHERE NOT {_NOTE}) AS first_message_at,
           max(sent_at) FILTER (WHERE NOT {_NOTE}) AS last_message_at,
           count(*) FILTER (WHERE NOT {_NOTE} AND direction = 'inbound') AS messages_in,
           count(*) FILTER (WHERE NOT {_NOTE} AND direction = 'outbound') AS messages_out,
           arg_max(channel, msg_key) FILTER (WHERE NOT {_NOTE}) AS last_channel,
           arg_max(direction, msg_key) FILTER (WHERE {_TALK}) = 'inbound' AS unanswered,
           any_value(contact_id) AS contact_id,
           min(sent_at) FILTER (WHERE {_INBOUND}) AS in_at,
           min(sent_at) FILTER (WHERE {_AGENT}) AS agent_first,
           max(sent_at) FILTER (WHERE {_AGENT}) AS agent_last
    FROM msg_rows GROUP BY conversation_id, seg
),
talk AS {once} (
    SELECT conversation_id, min(first_at) AS first_at, max(last_at) AS last_at,
           min(first_message_at) AS first_message_at, max(last_message_at) AS last_message_at,
           sum(messages_in)::BIGINT AS messages_in, sum(messages_out)::BIGINT AS messages_out,
           arg_max(last_channel, seg) FILTER (WHERE last_channel IS NOT NULL) AS last_channel,
           arg_max(unanswered, seg) FILTER (WHERE unanswered IS NOT NULL) AS unanswered,
           any_value(contact_id) AS contact_id
    FROM msg_segs GROUP BY conversation_id
),
ev_facts AS {once} (
    SELECT conversation_id, min("at") AS first_at, max("at") AS last_all,
           max("at") FILTER (WHERE "at" <= $as_of) AS last_at,
           bool_or(kind = 'reopened' OR {_SETS}) AS has_status_events,
           bool_or(kind = 'assigned') AS has_assigned,
           nullif(arg_max(coalesce(value, ''), ("at", event_id))
                  FILTER (WHERE kind = 'assigned' AND "at" <= $as_of), '') AS assignee_id
    FROM evs GROUP BY conversation_id
),
later_msgs AS (
    SELECT DISTINCT m.conversation_id FROM msgs m SEMI JOIN convs c
        ON c.conversation_id = m.conversation_id AND c.status IN {_KNOWN}
    WHERE m.sent_at > $as_of
),
conv_facts AS MATERIALIZED (
    SELECT conversation_id, coalesce(c.contact_id, t.contact_id) AS contact_id,
           CASE WHEN c.status IN {_KNOWN} AND NOT coalesce(e.has_status_events, FALSE)
                     AND coalesce(e.last_all <= $as_of, TRUE) AND coalesce(c.created_at <= $as_of, TRUE)
                THEN c.status END AS snapshot,
           CASE WHEN e.has_assigned THEN e.assignee_id ELSE c.assignee_id END AS assignee_id,
           least(t.first_at, e.first_at, c.created_at) AS first_at,
           greatest(t.last_at, e.last_at, CASE WHEN c.created_at <= $as_of THEN c.created_at END) AS last_activity_at,
           t.first_message_at, t.last_message_at, coalesce(t.messages_in, 0) AS messages_in,
           coalesce(t.messages_out, 0) AS messages_out,
           t.last_channel, coalesce(t.unanswered, FALSE) AS unanswered
    FROM talk t FULL JOIN ev_facts e USING (conversation_id) FULL JOIN convs c USING (conversation_id)
    WHERE least(t.first_at, e.first_at, c.created_at) <= $as_of
),
sets AS (
    SELECT conversation_id, seg, ts AS set_at, value, actor_id AS set_actor,
           nxt.value AS next_value, nxt.ts AS next_at, nxt.actor AS next_actor
    FROM status_events WHERE NOT reopen
    UNION ALL
    SELECT conversation_id, 1, last_activity_at, snapshot, NULL, NULL, NULL, NULL FROM conv_facts f
    WHERE snapshot IS NOT NULL AND NOT EXISTS (SELECT 1 FROM later_msgs l WHERE l.conversation_id = f.conversation_id)
),
segments AS (
    SELECT f.conversation_id, 0 AS seg, 'new' AS value, f.first_at AS entered_at, NULL::VARCHAR AS set_actor,
           s.value AS next_value, s.set_at AS next_at, s.set_actor AS next_actor
    FROM conv_facts f LEFT JOIN sets s ON s.conversation_id = f.conversation_id AND s.seg = 1
    UNION ALL
    SELECT conversation_id, seg, value, set_at, set_actor, next_value, next_at, next_actor FROM sets
),
reopens AS (
    SELECT conversation_id, seg, min(ts) AS reopen_at, arg_min(actor_id, (ts, event_id)) AS reopen_actor
    FROM status_events WHERE reopen GROUP BY conversation_id, seg
),
seg_facts AS MATERIALIZED (
    SELECT g.*, f.agent_first, f.agent_last,
           g.value = 'resolved' AND f.in_at IS NOT NULL AND (r.reopen_at IS NULL OR f.in_at <= r.reopen_at)
               AS r_inbound,
           CASE WHEN g.value = 'resolved' THEN least(f.in_at, r.reopen_at) END AS r_at,
           CASE WHEN g.value = 'resolved' AND (f.in_at IS NULL OR f.in_at > r.reopen_at) THEN r.reopen_actor END
               AS r_actor
    FROM segments g LEFT JOIN msg_segs f USING (conversation_id, seg) LEFT JOIN reopens r USING (conversation_id, seg)
),
unsure AS {once} (
    SELECT conversation_id, seg, r_at, r_inbound FROM seg_facts
    WHERE r_at IS NOT NULL AND agent_first <= r_at AND agent_last >= r_at
),
late AS (
    SELECT conversation_id, seg,
           min(sent_at) FILTER (WHERE {_AGENT} AND CASE WHEN r_inbound THEN (sent_at, message_id) > first_in
                                                       ELSE sent_at > r_at END) AS p_at
    FROM (
        SELECT m.conversation_id, m.seg, m.sent_at, m.message_id, m.direction, m.sender_type, u.r_at, u.r_inbound,
               min((m.sent_at, m.message_id)) FILTER (WHERE {_INBOUND}) OVER (
                   PARTITION BY m.conversation_id, m.seg) AS first_in
        FROM msg_rows m JOIN unsure u USING (conversation_id, seg)
    ) GROUP BY conversation_id, seg
),
seg_states AS MATERIALIZED (
    SELECT *, CASE WHEN p_at IS NOT NULL THEN 'in_progress' WHEN value = 'new' OR r_at IS NOT NULL THEN 'new'
                   ELSE value END AS end_status
    FROM (
        SELECT f.* EXCLUDE (agent_first, agent_last, r_inbound),
               CASE WHEN f.value = 'new' THEN f.agent_first
                    WHEN l.conversation_id IS NOT NULL THEN l.p_at
                    WHEN f.agent_first > f.r_at THEN f.agent_first END AS p_at
        FROM seg_facts f LEFT JOIN late l USING (conversation_id, seg)
    )
)"""


def _fold_ctes(only: str = _ALL) -> str:
    """CTEs up to `changes`: one row per status change, with its cycle number.

    changes columns: conversation_id, n (order in the fold; 0 for the start), ts, status, actor_id (the
    event's actor; NULL for a move made by a message or the snapshot), cause (start, set, reopen, progress), cycle.
    """
    return _segment_ctes(only) + """,
moves AS (
    SELECT conversation_id, seg, 0 AS step, entered_at AS ts, 'new' AS status, NULL::VARCHAR AS actor_id,
           'start' AS cause, FALSE AS leaves_resolved
    FROM seg_states WHERE seg = 0
    UNION ALL
    SELECT conversation_id, seg + 1, 0, next_at, next_value, next_actor, 'set', end_status = 'resolved'
    FROM seg_states WHERE next_value <> end_status
    UNION ALL
    SELECT conversation_id, seg, 1, r_at, 'new', r_actor, 'reopen', TRUE FROM seg_states WHERE r_at IS NOT NULL
    UNION ALL
    SELECT conversation_id, seg, 2, p_at, 'in_progress', NULL, 'progress', FALSE FROM seg_states WHERE p_at IS NOT NULL
),
changes AS (
    SELECT conversation_id, seg * 3 + step AS n, ts, status, actor_id, cause,
           count(*) FILTER (WHERE leaves_resolved) OVER (
               PARTITION BY conversation_id ORDER BY seg, step ROWS UNBOUNDED PRECEDING) + 1 AS cycle
    FROM moves
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


def _frame(store: Store, sql: str, params: dict) -> pd.DataFrame:
    """One read query's rows through Arrow: several times faster than .df() for a million rows of strings."""
    with store.read() as con:
        return con.sql(sql, params=used_params(sql, params)).to_arrow_table().to_pandas()


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
    return _frame(store, sql, _params(store, filters))


def state_ctes(only: str = _ALL) -> str:
    """CTEs (to follow WITH) ending in `state`: one row per conversation started by $as_of, as status_as_of
    describes its columns; `only` is a constant predicate on conversation_id (it may use named parameters) that
    every base scan applies, so naming a few conversations reads only theirs."""
    return _segment_ctes(only) + """,
current AS (
    SELECT conversation_id, arg_max(end_status, seg) AS status,
           max(greatest(CASE WHEN seg = 0 THEN entered_at END, r_at, p_at,
                        CASE WHEN next_value <> end_status THEN next_at END)) AS status_since,
           1 + count(*) FILTER (WHERE r_at IS NOT NULL)
             + count(*) FILTER (WHERE end_status = 'resolved' AND next_value <> 'resolved') AS cycle
    FROM seg_states GROUP BY conversation_id
),
state AS (
    SELECT f.conversation_id, f.contact_id, c.status, c.status_since, f.assignee_id, c.cycle,
           c.cycle - 1 AS reopens, f.unanswered, f.last_activity_at, f.first_message_at, f.last_message_at,
           f.messages_in, f.messages_out, f.last_channel
    FROM conv_facts f JOIN current c USING (conversation_id)
)"""


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
    return _frame(store, sql, _params(store, filters, conversation_ids))


def _filtered_status_sql(only: str) -> str:
    return (f"WITH {state_ctes(only)} SELECT s.* FROM state s "
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
    return _frame(store, sql, _params(store, filters))


_INTERVALS = """
intervals AS (
    SELECT conversation_id, n, cycle, status, ts AS entered_at,
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
    ORDER BY conversation_id, n""")
    return _frame(store, sql, _params(store, filters))


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
    sql = ("WITH " + _fold_ctes() + """,
    deltas AS (
        -- each move enters its status and leaves the one before it, on the day that ends at or after it: a reopening
        -- leaves `resolved`, a progress leaves `new` (nothing else moves a segment before them), a set leaves the
        -- status its previous segment ended in. The same sums as over status intervals, without ordering the moves.
        SELECT (ts - INTERVAL 1 MICROSECOND)::DATE AS day, status, 1 AS d FROM moves
        UNION ALL
        SELECT (m.ts - INTERVAL 1 MICROSECOND)::DATE,
               CASE m.cause WHEN 'reopen' THEN 'resolved' WHEN 'progress' THEN 'new' ELSE s.end_status END, -1
        FROM moves m LEFT JOIN seg_states s
            ON m.cause = 'set' AND s.conversation_id = m.conversation_id AND s.seg = m.seg - 1
        WHERE m.cause <> 'start'
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
