"""THE conversation status fold (DESIGN 4.2) as SQL, and its results stored as derived tables.

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

Stored results. `conversation_state` (migrations/003) holds one row per started conversation: its state
folded over every input it has (as of infinity), its latest ticket, and `horizon`, the latest time among all
its inputs (messages and notes sent_at, events "at", conversations.created_at, tickets.resolved_at).
`status_changes` holds the same fold's `changes` rows. Every comparison with $as_of in the fold is against
the time of one of the conversation's inputs, so for any as_of >= horizon the fold as of as_of equals the
stored rows; readers take the stored rows of conversations with horizon <= $as_of and fold the others only
(status_now_ctes, changes_ctes). A conversation with no stored row never starts, at any as_of.
derived.refresh calls refresh() for the conversations a writer changed; it folds them once.
"""
from __future__ import annotations

import datetime as dt

import duckdb

from .names import table_name

# conversation_state is stored in conversation_id order: every refresh keeps it so (refresh, _merge), and DuckDB
# returns a table's rows in their stored order (preserve_insertion_order), so a plain scan of it needs no sort.
STATE_TABLE = "conversation_state"
CHANGES_TABLE = "status_changes"
STATE_COLUMNS = ("conversation_id", "contact_id", "status", "status_since", "assignee_id", "cycle", "reopens",
                 "unanswered", "last_activity_at", "first_message_at", "last_message_at", "messages_in",
                 "messages_out", "last_channel")
_STORED_COLUMNS = ", ".join(STATE_COLUMNS + ("last_ticket_type", "last_ticket_category", "horizon"))
_ROWS = f"SELECT {_STORED_COLUMNS} FROM _status_fold WHERE seg = 0"  # the folded rows of conversation_state
CHANGE_COLUMNS = ("conversation_id", "n", "ts", "status", "actor_id", "cause", "cycle", "left_status")
READS = frozenset({"messages", "events", "conversations", "tickets"})  # the canonical tables of the fold
MIGRATIONS = frozenset({3})  # migrations after which both tables are rebuilt whole (they create them)

ALL = "TRUE"  # the `only` predicate that keeps every conversation
FEW = 10_000  # up to this many conversations to fold, the fold reads each input once (MATERIALIZED)
FEW_IDS = 100  # up to this many conversations to refresh, their ids are written into the SQL as parameters

# Conversations whose stored rows are not their state as of $as_of (folded at read time).
_UNSETTLED = f"conversation_id IN (SELECT conversation_id FROM {STATE_TABLE} WHERE horizon > $as_of)"

_KNOWN = "('new', 'in_progress', 'on_hold', 'resolved')"
_SETS = f"(kind = 'resolved' OR (kind = 'status_changed' AND value IN {_KNOWN}))"
_INBOUND = "(direction = 'inbound' AND sender_type = 'contact')"
_AGENT = "(direction = 'outbound' AND sender_type = 'agent')"
_TALK = "sender_type IN ('contact', 'agent')"
_NOTE = "sender_type = 'note'"


def _segment_ctes(only: str = ALL, few: bool | None = None) -> str:
    """CTEs up to `seg_states` (one row per conversation segment as of $as_of) and `conv_facts` (one row per
    started conversation); `only` is a constant predicate on conversation_id applied to every base scan; `few`
    (default: `only` is not ALL) says it keeps few conversations, whose read-once CTEs are then materialized.

    seg_states columns: conversation_id, seg (0 before the first state-setting input, k from the k-th on), value
    (the status the segment starts in), entered_at (the set's time; the first activity for segment 0),
    set_actor, next_value, next_at, next_actor (the next set's; NULL in the last segment), r_at, r_actor (the move
    resolved -> new, resolved segments only), p_at (the move new -> in_progress), end_status.
    conv_facts columns: conversation_id, contact_id, snapshot, assignee_id, first_at, last_activity_at,
    first_message_at, last_message_at, messages_in, messages_out, last_channel, unanswered.
    """
    few = only != ALL if few is None else few
    keep = "MATERIALIZED" if few else "NOT MATERIALIZED"
    once = "MATERIALIZED" if few else ""  # a few rows: planning them once beats pipelining
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


# The fold's moves and changes, from seg_states.
_CHANGES = """,
moves AS (
    SELECT conversation_id, seg, 0 AS step, entered_at AS ts, 'new' AS status, NULL::VARCHAR AS actor_id,
           'start' AS cause, FALSE AS leaves_resolved, NULL::VARCHAR AS left_status
    FROM seg_states WHERE seg = 0
    UNION ALL
    SELECT s.conversation_id, s.seg + 1, 0, s.next_at, s.next_value, s.next_actor, 'set', s.end_status = 'resolved',
           s.end_status
    FROM seg_states s WHERE s.next_value <> s.end_status
    UNION ALL
    SELECT conversation_id, seg, 1, r_at, 'new', r_actor, 'reopen', TRUE, 'resolved' FROM seg_states
    WHERE r_at IS NOT NULL
    UNION ALL
    SELECT conversation_id, seg, 2, p_at, 'in_progress', NULL, 'progress', FALSE, 'new' FROM seg_states
    WHERE p_at IS NOT NULL
),
fold_changes AS (
    SELECT conversation_id, seg * 3 + step AS n, ts, status, actor_id, cause,
           count(*) FILTER (WHERE leaves_resolved) OVER (
               PARTITION BY conversation_id ORDER BY seg, step ROWS UNBOUNDED PRECEDING) + 1 AS cycle,
           left_status
    FROM moves
)"""

# The fold's state per conversation, from seg_states and conv_facts.
_STATE = """,
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

# The latest ticket of each conversation kept by {only}, as of $as_of.
_TICKETS = """
    SELECT conversation_id, arg_max(type, (resolved_at, ticket_id)) AS last_ticket_type,
           arg_max(category, (resolved_at, ticket_id)) AS last_ticket_category, max(resolved_at) AS last_ticket_at
    FROM tickets WHERE {only} AND resolved_at <= $as_of GROUP BY conversation_id"""


def fold_changes_ctes(only: str = ALL, few: bool | None = None) -> str:
    """CTEs (to follow WITH) of the fold as of $as_of up to `fold_changes`: one row per status change.

    fold_changes columns (CHANGE_COLUMNS): conversation_id, n (order in the fold; 0 for the start), ts, status,
    actor_id (the event's actor; NULL for a move made by a message or the snapshot), cause (start, set, reopen,
    progress), cycle, left_status (the status it leaves; NULL for the start). `moves` and `seg_states` stay
    available.
    """
    return _segment_ctes(only, few) + _CHANGES


def state_ctes(only: str = ALL, few: bool | None = None) -> str:
    """CTEs (to follow WITH) of the fold as of $as_of ending in `state`: one row per conversation started by
    $as_of, with the columns STATE_COLUMNS (core.status.status_as_of describes them); `only` is a constant
    predicate on conversation_id (it may use named parameters) that every base scan applies, so naming a few
    conversations reads only theirs. The CTE `msgs` (their messages) stays available."""
    return _segment_ctes(only, few) + _STATE


def unsettled(only: str = ALL) -> str:
    """The predicate keeping the conversations of `only` whose stored rows are not their state as of $as_of."""
    return f"({only}) AND {_UNSETTLED}"


def status_now_ctes(only: str = ALL, fold: bool = True, few: bool | None = None) -> str:
    """CTEs (to follow WITH) ending in `status_now`: the state as of $as_of of the conversations kept by `only`
    (a constant predicate on conversation_id), from the stored rows where horizon <= $as_of and a fold of the
    others; `fold` False skips that fold (the caller knows there are none); `few`: see _segment_ctes.

    status_now columns: STATE_COLUMNS, then last_ticket_type, last_ticket_category (of the latest ticket
    resolved by $as_of).
    """
    columns = ", ".join(STATE_COLUMNS + ("last_ticket_type", "last_ticket_category"))
    stored = f"SELECT {columns} FROM {STATE_TABLE} WHERE horizon <= $as_of AND {only}"
    if not fold:
        return f"status_now AS ({stored})"
    fresh = unsettled(only)
    return (state_ctes(fresh, few) + ",\nfresh_tickets AS (" + _TICKETS.format(only=fresh) + ")," +
            f"""
status_now AS (
    {stored}
    UNION ALL
    SELECT s.*, t.last_ticket_type, t.last_ticket_category
    FROM state s LEFT JOIN fresh_tickets t USING (conversation_id)
)""")


def changes_ctes(only: str = ALL, fold: bool = True, few: bool | None = None) -> str:
    """CTEs (to follow WITH) ending in `changes`: every status change as of $as_of of the conversations kept by
    `only`, the stored rows where horizon <= $as_of plus a fold of the others (skipped when `fold` is False).

    changes columns: CHANGE_COLUMNS (see fold_changes_ctes).
    """
    columns = ", ".join(CHANGE_COLUMNS)
    stored = f"SELECT {columns} FROM {CHANGES_TABLE} WHERE horizon <= $as_of AND {only}"
    if not fold:
        return f"changes AS ({stored})"
    return fold_changes_ctes(unsettled(only), few) + f""",
changes AS (
    {stored}
    UNION ALL
    SELECT {columns} FROM fold_changes
)"""


def cycles_sql(only: str = ALL) -> str:
    """THE cycle SQL: a SELECT over the store's tables using the named parameter $as_of (TIMESTAMPTZ).

    `only` is a constant SQL predicate over conversation_id that keeps or drops whole conversations
    (it may use further named parameters); the stored changes of those whose horizon is at or before $as_of are
    read, and the others alone are folded.

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
    return "WITH " + changes_ctes(only, few=only != ALL) + "," + CYCLES_SELECT


CYCLES_SELECT = """
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


def _everything(sql: str) -> str:
    """The fold's SQL as of infinity: every input of every conversation (what the stored rows hold)."""
    return sql.replace("$as_of", "'infinity'::TIMESTAMPTZ")


def refresh(con: duckdb.DuckDBPyConnection, conversations: str | None = None,
            since: dt.datetime | None = None) -> int:
    """Rebuild the conversation_state and status_changes rows of the conversations listed in table
    `conversations` (all when None); state rows written.

    One fold as of infinity of those conversations (their segment states, with the conversation's state row on
    segment 0, in a temp table) feeds both tables. conversation_state stays stored in conversation_id order:
    a full rebuild inserts in that order, a partial one updates rows in place and appends new
    conversations only when they sort after every stored one, else it rewrites the table in order. `since` is
    not used: any input can change a conversation's whole fold. Runs in the caller's transaction, after its
    writes and before COMMIT.
    """
    only, ids = (ALL, {}) if conversations is None else listed(con, conversations)
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE _status_fold AS
        WITH {_everything(_segment_ctes(only, few=False if conversations is None else None) + _STATE)},
        latest AS ({_everything(_TICKETS.format(only=only))})
        SELECT s.*, f.* EXCLUDE (conversation_id), t.last_ticket_type, t.last_ticket_category,
               greatest(f.last_activity_at, t.last_ticket_at) AS horizon
        FROM seg_states s LEFT JOIN state f ON s.seg = 0 AND f.conversation_id = s.conversation_id
        LEFT JOIN latest t ON s.seg = 0 AND t.conversation_id = s.conversation_id""", ids)
    if conversations is None:
        con.execute(f"DELETE FROM {STATE_TABLE}")
        rows = con.execute(f"INSERT INTO {STATE_TABLE} ({_STORED_COLUMNS}) {_ROWS} ORDER BY conversation_id"
                           ).fetchall()[0][0]
    else:
        rows = _merge(con, only, ids, table_name(conversations))
    con.execute(f"DELETE FROM {CHANGES_TABLE} WHERE {only}", ids)
    con.execute(f"""
        INSERT INTO {CHANGES_TABLE} ({", ".join(CHANGE_COLUMNS)}, horizon)
        WITH seg_states AS (SELECT {", ".join(SEG_COLUMNS)} FROM _status_fold){_CHANGES},
        settled AS (SELECT conversation_id, horizon FROM _status_fold WHERE seg = 0)
        SELECT c.*, t.horizon FROM fold_changes c JOIN settled t USING (conversation_id)
        ORDER BY conversation_id, n""")  # clustered by conversation: a refresh's DELETE skips most row groups
    con.execute("DROP TABLE _status_fold")
    return rows


def listed(con: duckdb.DuckDBPyConnection, conversations: str) -> tuple[str, dict[str, str]]:
    """The predicate on conversation_id keeping the conversations listed in table `conversations`, with its
    parameters: their ids as constants when there are few (a scan then skips the row groups of others and plans
    faster), else a subquery."""
    table = table_name(conversations)
    ids = con.execute(f"SELECT DISTINCT conversation_id FROM {table} LIMIT {FEW_IDS + 1}").fetchall()
    if len(ids) > FEW_IDS:
        return f"conversation_id IN (SELECT conversation_id FROM {table})", {}
    params = {f"listed_{i}": conversation_id for i, (conversation_id,) in enumerate(ids)}
    return f"conversation_id IN ({', '.join('$' + k for k in params)})" if params else "FALSE", params


def _merge(con: duckdb.DuckDBPyConnection, only: str, ids: dict[str, str], conversations: str) -> int:
    """Write the folded rows (_status_fold) of the conversations kept by `only` (with its parameters `ids`; listed
    in table `conversations`) into conversation_state, keeping it in conversation_id order; rows written."""
    columns = [c for c in _STORED_COLUMNS.split(", ") if c != "conversation_id"]
    differ = ", ".join(f"coalesce(bool_or(t.{c} IS DISTINCT FROM r.{c}) FILTER (WHERE t.conversation_id IS NOT NULL), "
                       "FALSE)" for c in columns)
    updated, folded, unfolded, *changed = con.execute(
        f"SELECT count(t.conversation_id), count(*), (SELECT count(*) FROM {conversations} c WHERE NOT EXISTS "
        "(SELECT 1 FROM _status_fold f WHERE f.conversation_id = c.conversation_id)), "
        f"{differ} FROM ({_ROWS}) r LEFT JOIN {STATE_TABLE} t USING (conversation_id)").fetchall()[0]
    sets = ", ".join(f"{c} = r.{c}" for c, differs in zip(columns, changed) if differs)
    if sets:  # only the columns that change are written: the checkpoint rewrites less
        con.execute(f"UPDATE {STATE_TABLE} SET {sets} FROM ({_ROWS}) r "
                    f"WHERE {STATE_TABLE}.conversation_id = r.conversation_id")
    if unfolded:  # listed, not started: a stored row of one is gone (an input was deleted)
        con.execute(f"DELETE FROM {STATE_TABLE} WHERE {only} AND conversation_id NOT IN "
                    "(SELECT conversation_id FROM _status_fold)", ids)
    new = folded - updated  # rows not stored yet
    if not new:
        return updated
    rows = f"""SELECT * FROM ({_ROWS}) r
               WHERE NOT EXISTS (SELECT 1 FROM {STATE_TABLE} t WHERE t.conversation_id = r.conversation_id)"""
    if con.execute(f"SELECT coalesce(min(conversation_id) > (SELECT max(conversation_id) FROM {STATE_TABLE}), "
                   f"TRUE) FROM ({rows})").fetchall()[0][0]:  # they sort after every stored one: appended in order
        con.execute(f"INSERT INTO {STATE_TABLE} ({_STORED_COLUMNS}) {rows} ORDER BY conversation_id")
    else:  # the table is written again, in order
        con.execute(f"CREATE OR REPLACE TEMP TABLE _status_all AS SELECT {_STORED_COLUMNS} FROM {STATE_TABLE} "
                    f"UNION ALL {rows}")
        con.execute(f"DELETE FROM {STATE_TABLE}")
        con.execute(f"INSERT INTO {STATE_TABLE} ({_STORED_COLUMNS}) SELECT * FROM _status_all "
                    "ORDER BY conversation_id")
        con.execute("DROP TABLE _status_all")
    return updated + new


SEG_COLUMNS = ("conversation_id", "seg", "value", "entered_at", "set_actor", "next_value", "next_at", "next_actor",
               "r_at", "r_actor", "p_at", "end_status")
