"""Response times per conversation cycle (DESIGN 4.5), in calendar and business seconds, with the ledger behind them.

Every metric row has a clock start (`from_at`) and, once measured, a clock stop (`to_at`):
- first_response_time: from the first inbound contact message of the cycle (the cycle start when the cycle
  has no inbound message) to the first agent message at or after it in the same cycle;
- reply_time: each agent reply of the interaction ledger, from the first message of the contact turn;
- contact_reply_time: each contact reply of the ledger, from the first message of the agent turn;
- resolution_time: from the cycle start to its entering `resolved` (the resolved event);
- time_in_status: from entering a status to leaving it (core.status.status_intervals).
A row whose clock has not stopped by the cut-off is `open`: its seconds are NULL, never zero. For replies that
is the last turn of a conversation left unanswered while its cycle is unresolved (a turn closed by resolving
the cycle has no reply and no open row); for a first response, a cycle without an agent message, resolved or not.

The period selects rows by their clock start (from_at in [start, end)), and everything is evaluated as of
the cut-off min(as_of, end): a cycle still open at the end of the period has no resolution time and is open.
Credit: a reply or first response goes to the agent who sent it (agent_id); `assignee_at_response` is the
conversation's assignee when the clock stopped (at the cut-off when open), so a first response after a
transfer is also reported for the new assignee (summarize(by=["assignee"])). A resolution goes to its
resolver; time in a status to the assignee when it was entered. `team` is the team of agent_id, `category`
the category of the cycle's ticket (the first ticket resolved within the cycle).

A summary builds only what its question reads (_needed): a column that neither a breakdown key nor a filter
uses is left NULL, and the join that would fill it (the cycle of each answered reply, the category, the
assignee when the clock stopped, the team, the contact, a resolution's messages and channel) is not made.
The functions that return rows build every column.
"""
from __future__ import annotations

import contextlib
import uuid
from typing import Iterator, Mapping, Sequence

import duckdb
import pandas as pd

from ..config import Settings
from ..derived.status import CHANGES_TABLE, CYCLES_SELECT, STATE_TABLE, changes_ctes, unsettled
from ..errors import ValidationError
from ..store import Store, as_store
from .calendar import add_business_seconds, business_clock
from .filters import Filters, in_list, in_period, used_params
from .interactions import ledger_sql
from .status import cycles_as_of_sql, status_intervals, unsettled_count

Source = Store | Mapping[str, pd.DataFrame]

METRICS = ("first_response_time", "reply_time", "contact_reply_time", "resolution_time", "time_in_status")
COLUMNS = ("metric", "conversation_id", "contact_id", "cycle", "from_message_id", "from_at", "to_message_id",
           "to_at", "event_id", "channel", "agent_id", "assignee_at_response", "team", "category", "open",
           "seconds", "business_seconds")
STATUS_COLUMNS = ("metric", "conversation_id", "contact_id", "cycle", "status", "from_at", "to_at", "channel",
                  "agent_id", "team", "category", "open", "seconds", "business_seconds")
# summarize(by=...) keys: a name -> (output column, SQL expression over a metric row; times in the account tz).
BY = {
    "agent": ("agent_id", "agent_id"),
    "assignee": ("assignee_at_response", "assignee_at_response"),
    "channel": ("channel", "channel"),
    "category": ("category", "category"),
    "team": ("team", "team"),
    "status": ("status", "status"),
    "day": ("day", "date_trunc('day', from_at)::DATE"),
    "week": ("week", "date_trunc('week', from_at)::DATE"),
    "month": ("month", "date_trunc('month', from_at)::DATE"),
    "weekday": ("weekday", "isodow(from_at)"),
    "hour": ("hour", "hour(from_at)"),
}
QUANTILES = {"median": 0.5, "p75": 0.75, "p90": 0.9, "p95": 0.95}
ALL_COLUMNS = frozenset(COLUMNS)
# Columns every summary reads: the period's clock start, the values, and whether the row is open.
_SUMMARY_COLUMNS = frozenset({"metric", "from_at", "to_at", "open", "seconds", "business_seconds"})
# The ledger's messages (derived.ledger_sql): notes and automation messages make no turn.
_TURN_MESSAGES = "sender_type NOT IN ('note', 'automation')"


def sla_thresholds(metric: str, settings: Settings) -> tuple[int, ...]:
    """The SLA thresholds (seconds, inclusive) of a metric; none for contact replies and time in status."""
    return {"first_response_time": settings.sla_first_response_seconds, "reply_time": settings.sla_reply_seconds,
            "resolution_time": settings.sla_resolution_seconds}.get(metric, ())


def _check_metric(metric: str) -> str:
    if metric not in METRICS:
        raise ValidationError(f"unknown metric '{metric}'; choose one of {', '.join(METRICS)}")
    return metric


def _params(store: Store, filters: Filters | None) -> dict:
    """The filters' parameters with as_of cut at the end of the period (its last microsecond)."""
    params = (filters or Filters()).params(store.settings)
    if params["end"] is not None:
        params["as_of"] = min(params["as_of"], params["end"] - pd.Timedelta(microseconds=1))
    return params


@contextlib.contextmanager
def _scratch(con: duckdb.DuckDBPyConnection) -> Iterator[str]:
    """A unique prefix for temp tables, all dropped on exit."""
    prefix = f"_rt_{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        names = con.execute("SELECT table_name FROM duckdb_tables() WHERE temporary AND starts_with(table_name, ?)",
                            [prefix]).fetchall()
        for (name,) in names:
            con.execute(f"DROP TABLE {name}")


def _run(con: duckdb.DuckDBPyConnection, sql: str, params: dict) -> None:
    con.execute(sql, used_params(sql, params))


def _needed(keys: list[tuple[str, str]], params: dict) -> frozenset[str]:
    """The metric-row columns a summary by these keys under these filters reads, with the columns the joins
    that fill them use (the others may stay NULL)."""
    needed = set(_SUMMARY_COLUMNS)
    for name, expr in keys:
        needed.add(name if expr == f'"{name}"' else "from_at")
    if params["channels"]:
        needed.add("channel")
    if params["agents"]:
        needed |= {"agent_id", "assignee_at_response"}
    if params["teams"]:
        needed |= {"team", "assignee_at_response"}
    if params["categories"]:
        needed.add("category")
    if "category" in needed:
        needed.add("cycle")  # the category is the cycle's
    if "team" in needed:
        needed.add("agent_id")  # the team is agent_id's
    if needed & {"cycle", "assignee_at_response", "contact_id"}:
        needed.add("conversation_id")  # they are joined by conversation
    return frozenset(needed)


def _pick(needed: frozenset[str], column: str, expr: str, sql_type: str = "VARCHAR") -> str:
    """`expr AS column` when the column is needed, else a NULL of its type."""
    return f"{expr if column in needed else f'NULL::{sql_type}'} AS {column}"


def _folded(p: str, alias: str, params: dict) -> str:
    """SQL predicate: the row's conversation is one of {p}_cycles, the conversations folded for the period.

    Every metric row belongs to a cycle, so the messages, events and conversations of other conversations are
    never needed; with a period start a semi-join drops them before the sorts, aggregates and windows below.
    Without one every conversation is folded, and the predicate is TRUE.
    """
    if params.get("start") is None:
        return "TRUE"
    return f"{alias}.conversation_id IN (SELECT conversation_id FROM {p}_cycles)"


def _messages_sql(p: str, params: dict) -> str:
    """Messages that count (DESIGN 4.1: notes and automation ignored), up to the cut-off, of folded conversations."""
    return f"""
    SELECT m.conversation_id, m.message_id, m.sent_at, m.channel, m.direction, m.agent_id
    FROM messages m
    WHERE m.sent_at <= $as_of::TIMESTAMPTZ AND {_folded(p, "m", params)}
      AND ((m.direction = 'inbound' AND m.sender_type = 'contact')
           OR (m.direction = 'outbound' AND m.sender_type = 'agent'))"""


def _assignees_sql(p: str, params: dict) -> str:
    """The assignee over time of folded conversations, [since, until): `assigned` events, else
    conversations.assignee_id when a conversation has none (as core.status does)."""
    return f"""
    SELECT *, coalesce(lead(since) OVER (PARTITION BY conversation_id ORDER BY since, event_id),
                       'infinity'::TIMESTAMPTZ) AS until
    FROM (
        SELECT e.conversation_id, e."at" AS since, e.event_id, nullif(e.value, '') AS assignee
        FROM events e WHERE e.kind = 'assigned' AND e."at" <= $as_of::TIMESTAMPTZ AND {_folded(p, "e", params)}
        UNION ALL
        SELECT c.conversation_id, '-infinity'::TIMESTAMPTZ, NULL, c.assignee_id FROM conversations c
        WHERE {_folded(p, "c", params)}
          AND NOT EXISTS (SELECT 1 FROM events e WHERE e.conversation_id = c.conversation_id AND e.kind = 'assigned')
    )"""


# Conversations with activity at or after the period start. Only they can hold a row whose clock starts in
# the period (every clock starts at a message, an event or created_at), so cycles are folded for them alone.
_ACTIVE_SINCE_START = """conversation_id IN (
    SELECT conversation_id FROM messages WHERE sent_at >= $start::TIMESTAMPTZ
    UNION ALL SELECT conversation_id FROM events WHERE "at" >= $start::TIMESTAMPTZ
    UNION ALL SELECT conversation_id FROM conversations WHERE created_at >= $start::TIMESTAMPTZ)"""


def _scope(params: dict) -> str:
    """The conversations worth folding for these parameters (all of them without a period start)."""
    return "TRUE" if params.get("start") is None else _ACTIVE_SINCE_START


def _during(row: str, moment: str, span: str, start: str, end: str) -> str:
    """SQL join condition: the span row of the same conversation whose [start, end) holds moment.

    A hash join on conversation_id with a range filter: conversations have few cycles and assignments,
    and this is faster than an ASOF join partitioned by conversation."""
    return (f"{span}.conversation_id = {row}.conversation_id AND {moment} >= {span}.{start} "
            f"AND {moment} < {span}.{end}")


def _exists(con: duckdb.DuckDBPyConnection, table: str) -> bool:
    return bool(con.execute("SELECT 1 FROM duckdb_tables() WHERE temporary AND table_name = ?", [table]).fetchall())


def _cycles_table(con: duckdb.DuckDBPyConnection, p: str, params: dict) -> None:
    """{p}_cycles, unless made already: the cycles of the period (cycles_as_of_sql) with `until`, the next
    cycle's start or infinity."""
    if _exists(con, f"{p}_cycles"):
        return
    _run(con, f"""
        CREATE TEMP TABLE {p}_cycles AS
        SELECT *, coalesce(next_started_at, 'infinity'::TIMESTAMPTZ) AS until
        FROM ({cycles_as_of_sql(con, params, _scope(params))})""", params)


def _open_cycles_table(con: duckdb.DuckDBPyConnection, p: str, params: dict) -> None:
    """{p}_open_cycles, unless made already: the unresolved cycle of each conversation that has one (the last of
    its conversation: a cycle ends only by leaving `resolved`).

    Columns: conversation_id, cycle, since (a message of the conversation is in this cycle when sent at or after
    it: the cycle's start, or -infinity for cycle 1, which starts at the first activity, before every message),
    unanswered (the last turn is the contact's; NULL when not known from the stored state).
    A conversation whose stored state holds as of the cut-off (horizon) is unresolved when its stored status is
    not `resolved`, with the stored cycle and unanswered flag; only reopened ones read their cycle's start from
    the stored status changes (core.status.cycles_sql's started_at: the cycle's first change). The others are
    folded, when there are any.
    """
    if _exists(con, f"{p}_open_cycles"):
        return
    folded = "" if not unsettled_count(con, params, _scope(params)) else f"""
        UNION ALL
        SELECT conversation_id, cycle, started_at, NULL FROM (WITH {changes_ctes(unsettled(_scope(params)))},
            {CYCLES_SELECT}) WHERE resolved_at IS NULL"""
    _run(con, f"""
        CREATE TEMP TABLE {p}_open_cycles AS
        WITH settled AS (
            SELECT conversation_id, cycle, unanswered FROM {STATE_TABLE}
            WHERE horizon <= $as_of AND status <> 'resolved' AND {_scope(params)}
        ),
        reopened AS (
            SELECT c.conversation_id, min(c.ts) AS since FROM {CHANGES_TABLE} c
            JOIN settled s ON s.cycle > 1 AND s.conversation_id = c.conversation_id AND s.cycle = c.cycle
            GROUP BY c.conversation_id
        )
        SELECT s.conversation_id, s.cycle, coalesce(r.since, '-infinity'::TIMESTAMPTZ) AS since, s.unanswered
        FROM settled s LEFT JOIN reopened r USING (conversation_id){folded}""", params)


def _categories_table(con: duckdb.DuckDBPyConnection, p: str, params: dict) -> None:
    """{p}_categories, unless made already: the category of each cycle's first ticket resolved within it by the
    cut-off (cycles without a ticket are absent)."""
    if _exists(con, f"{p}_categories"):
        return
    _run(con, f"""
        CREATE TEMP TABLE {p}_categories AS
        SELECT c.conversation_id, c.cycle, arg_min(t.category, (t.resolved_at, t.ticket_id)) AS category
        FROM {p}_cycles c
        JOIN tickets t ON t.conversation_id = c.conversation_id AND t.resolved_at <= $as_of::TIMESTAMPTZ
             AND t.resolved_at >= c.started_at AND t.resolved_at < c.until
        GROUP BY ALL""", params)


def _waiting_turns_sql(p: str, direction: str, needed: frozenset[str]) -> str:
    """The last turn of each conversation whose cycle is unresolved, when that turn waits for a `direction`
    response: its first message, with its channel and sender (each only when needed, else NULL).

    The last turn is the latest response of the ledger (by to_at, then to_message_id, the ledger's order) when
    that response is of the other direction, else, in a conversation of one turn (no ledger row, so all its
    messages go one way), its first message. The latest response of each direction is found by time alone;
    only a conversation whose two latest responses share their instant reads the message ids. Only the
    conversations with an unresolved cycle whose last turn is the other side's are read (unanswered, stored
    with the status: the last contact or agent message is inbound; these are the ledger's turn messages).
    Columns: conversation_id, from_message_id, from_at, channel, agent_id.
    """
    answered, side = ("contact_reply", "inbound") if direction == "agent_reply" else ("agent_reply", "outbound")
    unresolved = (f"(SELECT conversation_id FROM {p}_open_cycles WHERE unanswered IS NULL OR "
                  f"unanswered = {'TRUE' if direction == 'agent_reply' else 'FALSE'})")
    latest = f"FILTER (WHERE direction = '{answered}')"
    first = "arg_min({}, create_sort_key(sent_at, 'ASC NULLS LAST', message_id, 'ASC NULLS LAST'))".format
    return f"""
        WITH latest AS MATERIALIZED (
            SELECT conversation_id, max(to_at) {latest} AS waiting_at,
                   max(to_at) FILTER (WHERE direction = '{direction}') AS answered_at,
                   {_pick(needed, "from_message_id", f"arg_max(to_message_id, to_at) {latest}")},
                   {_pick(needed, "channel", f"arg_max(channel, to_at) {latest}")},
                   {_pick(needed, "agent_id", f"arg_max(agent_id, to_at) {latest}")}
            FROM interaction_ledger WHERE to_at <= $as_of::TIMESTAMPTZ AND conversation_id IN {unresolved}
            GROUP BY conversation_id
        ),
        tied AS (
            SELECT l.conversation_id, any_value(t.waiting_at) AS from_at,
                   arg_max(l.direction, l.to_message_id) = '{answered}' AS waits,
                   max(l.to_message_id) AS from_message_id, arg_max(l.channel, l.to_message_id) AS channel,
                   arg_max(l.agent_id, l.to_message_id) AS agent_id
            FROM interaction_ledger l
            JOIN latest t ON t.waiting_at = t.answered_at AND l.conversation_id = t.conversation_id
                 AND l.to_at = t.waiting_at
            GROUP BY l.conversation_id
        )
        SELECT conversation_id, from_message_id, waiting_at AS from_at, channel, agent_id FROM latest
        WHERE waiting_at > answered_at OR (answered_at IS NULL AND waiting_at IS NOT NULL)
        UNION ALL
        SELECT conversation_id, from_message_id, from_at, channel, agent_id FROM tied WHERE waits
        UNION ALL
        SELECT conversation_id, {_pick(needed, "from_message_id", first("message_id"))}, min(sent_at),
               {_pick(needed, "channel", first("channel"))}, {_pick(needed, "agent_id", first("agent_id"))}
        FROM messages
        WHERE sent_at <= $as_of::TIMESTAMPTZ AND {_TURN_MESSAGES} AND conversation_id IN (
            SELECT conversation_id FROM {unresolved} ANTI JOIN latest USING (conversation_id))
        GROUP BY conversation_id HAVING min(direction) = '{side}'"""


def _replies_sql(p: str, direction: str, metric: str, needed: frozenset[str]) -> str:
    """Responses of one direction from the ledger, plus open rows: a conversation's last turn that waits for
    such a response while its cycle is unresolved (a turn closed by resolving the cycle is not open).

    An answered row's cycle (the cycle of its response) is joined only when needed; an open row's cycle is the
    unresolved one, the last of its conversation (a cycle ends only by leaving `resolved`)."""
    agent_waits = direction == "agent_reply"
    cycled = "cycle" in needed
    contact = "contact_id" in needed

    def pick(column: str, sql_type: str = "VARCHAR") -> str:
        return _pick(needed, column, f"l.{column}", sql_type)
    return f"""
        SELECT '{metric}' AS metric, {pick("conversation_id")}, {pick("contact_id")},
               {"c.cycle" if cycled else "NULL::BIGINT"} AS cycle, {pick("from_message_id")}, l.from_at,
               {pick("to_message_id")}, l.to_at, NULL::VARCHAR AS event_id, {pick("channel")}, {pick("agent_id")},
               FALSE AS open, l.seconds
        FROM interaction_ledger l
        {f"LEFT JOIN {p}_cycles c ON {_during('l', 'l.to_at', 'c', 'started_at', 'until')}" if cycled else ""}
        WHERE l.to_at <= $as_of::TIMESTAMPTZ AND l.direction = '{direction}' AND {in_period('l.from_at')}
        UNION ALL
        SELECT '{metric}', {_pick(needed, "conversation_id", "o.conversation_id")},
               {"conv.contact_id" if contact else "NULL"}, u.cycle, o.from_message_id, o.from_at, NULL, NULL, NULL,
               o.channel, {"NULL" if agent_waits else "o.agent_id"}, TRUE, NULL
        FROM ({_waiting_turns_sql(p, direction, needed)}) o
        JOIN {p}_open_cycles u ON u.conversation_id = o.conversation_id AND o.from_at >= u.since
        {"LEFT JOIN conversations conv ON conv.conversation_id = o.conversation_id" if contact else ""}
        WHERE {in_period('o.from_at')}"""


def _first_responses_sql(p: str, needed: frozenset[str], params: dict) -> str:
    contact = "contact_id" in needed
    return f"""
        WITH msgs AS ({_messages_sql(p, params)}),
        inbound AS (
            SELECT m.conversation_id, c.cycle, arg_min(m.message_id, (m.sent_at, m.message_id)) AS message_id,
                   min(m.sent_at) AS sent_at, arg_min(m.channel, (m.sent_at, m.message_id)) AS channel
            FROM (SELECT * FROM msgs WHERE direction = 'inbound') m
            JOIN {p}_cycles c ON {_during("m", "m.sent_at", "c", "started_at", "until")}
            GROUP BY ALL
        ),
        starts AS (
            SELECT c.conversation_id, c.cycle, c.next_started_at, i.message_id AS from_message_id,
                   coalesce(i.sent_at, c.started_at) AS from_at, i.channel AS from_channel
            FROM {p}_cycles c LEFT JOIN inbound i USING (conversation_id, cycle)
        ),
        answered AS (
            SELECT s.*, CASE WHEN s.next_started_at IS NULL OR a.sent_at < s.next_started_at
                             THEN a.message_id END AS to_message_id,
                   CASE WHEN s.next_started_at IS NULL OR a.sent_at < s.next_started_at THEN a.sent_at END AS to_at,
                   a.channel AS to_channel, a.agent_id
            FROM starts s
            ASOF LEFT JOIN (SELECT * FROM msgs WHERE direction = 'outbound') a
                ON a.conversation_id = s.conversation_id AND a.sent_at >= s.from_at
        )
        SELECT 'first_response_time' AS metric, a.conversation_id, {_pick(needed, "contact_id", "conv.contact_id")},
               a.cycle, a.from_message_id, a.from_at, a.to_message_id, a.to_at, NULL::VARCHAR AS event_id,
               CASE WHEN a.to_at IS NULL THEN a.from_channel ELSE coalesce(a.to_channel, a.from_channel) END
                   AS channel,
               CASE WHEN a.to_at IS NOT NULL THEN a.agent_id END AS agent_id, a.to_at IS NULL AS open,
               (epoch_us(a.to_at) - epoch_us(a.from_at)) / 1e6 AS seconds
        FROM answered a
        {"LEFT JOIN conversations conv USING (conversation_id)" if contact else ""}"""


def _resolutions_sql(p: str, needed: frozenset[str], params: dict) -> str:
    """Resolution rows; the cycle's first message, the resolved event, the channel and the contact only when
    needed."""
    start_message, event, channel = ("from_message_id" in needed, "event_id" in needed, "channel" in needed)
    contact = "contact_id" in needed
    return f"""
        WITH resolved_events AS (
            SELECT conversation_id, "at", min(event_id) AS event_id FROM events
            WHERE kind = 'resolved' OR (kind = 'status_changed' AND value = 'resolved')
            GROUP BY ALL
        ),
        start_messages AS (
            SELECT c.conversation_id, c.cycle, min(m.message_id) AS message_id
            FROM {p}_cycles c JOIN (SELECT * FROM messages m WHERE {_folded(p, "m", params)}) m
                ON m.conversation_id = c.conversation_id AND m.sent_at = c.started_at AND m.sender_type <> 'note'
            GROUP BY ALL
        ),
        rows AS (
            SELECT c.*, {_pick(needed, "from_message_id", "sm.message_id")}, {_pick(needed, "event_id", "e.event_id")},
                   coalesce(c.resolved_at, $as_of::TIMESTAMPTZ) AS channel_at
            FROM {p}_cycles c
            {"LEFT JOIN start_messages sm USING (conversation_id, cycle)" if start_message else ""}
            {'LEFT JOIN resolved_events e ON e.conversation_id = c.conversation_id AND e."at" = c.resolved_at'
             if event else ""}
        )
        SELECT 'resolution_time' AS metric, r.conversation_id, {_pick(needed, "contact_id", "conv.contact_id")},
               r.cycle, r.from_message_id, r.started_at AS from_at, NULL::VARCHAR AS to_message_id,
               r.resolved_at AS to_at, r.event_id, {_pick(needed, "channel", "ch.channel")},
               r.resolved_by AS agent_id, r.resolved_at IS NULL AS open,
               (epoch_us(r.resolved_at) - epoch_us(r.started_at)) / 1e6 AS seconds
        FROM rows r
        {"LEFT JOIN conversations conv USING (conversation_id)" if contact else ""}
        {f'''ASOF LEFT JOIN (SELECT conversation_id, sent_at, channel FROM messages m
                        WHERE sender_type <> 'note' AND {_folded(p, "m", params)}) ch
            ON ch.conversation_id = r.conversation_id AND r.channel_at >= ch.sent_at''' if channel else ""}"""


def _clock_range(con: duckdb.DuckDBPyConnection, params: dict) -> tuple[pd.Timestamp, pd.Timestamp]:
    """Bounds of every moment a metric row can hold: from the earliest message, event or conversation creation
    to the cut-off (rows hold nothing after it)."""
    hi = pd.Timestamp(params["as_of"])
    lo = con.execute("""SELECT least((SELECT min(sent_at) FROM messages), (SELECT min("at") FROM events),
                                     (SELECT min(created_at) FROM conversations))::TIMESTAMPTZ AS lo""").df()["lo"][0]
    return (hi, hi) if pd.isna(lo) or lo > hi else (pd.Timestamp(lo), hi)


@contextlib.contextmanager
def _metric_rows(con: duckdb.DuckDBPyConnection, p: str, metric: str, params: dict, settings: Settings,
                 needed: frozenset[str] = ALL_COLUMNS) -> Iterator[tuple[str, dict]]:
    """The SELECT of the metric's rows (COLUMNS) in the period, filtered, with business seconds, and its bound
    parameters, valid while the block runs; the columns not `needed` (and the joins behind them) are NULL."""
    replies = metric in ("reply_time", "contact_reply_time")
    # Replies need every cycle only for their cycle (or category), or for the assignee lookup of a period
    # (_folded); their open rows need the unresolved cycles alone.
    if not replies or "cycle" in needed or (params.get("start") is not None and "assignee_at_response" in needed):
        _cycles_table(con, p, params)
    if replies:
        _open_cycles_table(con, p, params)
        rows = _replies_sql(p, "agent_reply" if metric == "reply_time" else "contact_reply", metric, needed)
    elif metric == "first_response_time":
        rows = _first_responses_sql(p, needed, params)
    else:
        rows = _resolutions_sql(p, needed, params)
    category, team, assignee = ("category" in needed, "team" in needed, "assignee_at_response" in needed)
    if category:
        _categories_table(con, p, params)
    joins = [f"LEFT JOIN {p}_categories c USING (conversation_id, cycle)" if category else "",
             "LEFT JOIN agents ag ON ag.agent_id = r.agent_id" if team else "",
             f"""LEFT JOIN ({_assignees_sql(p, params)}) asg
                 ON {_during("r", "coalesce(r.to_at, $as_of::TIMESTAMPTZ)", "asg", "since", "until")}"""
             if assignee else ""]
    where = [in_period("r.from_at")]
    if params["channels"]:
        where.append(in_list("r.channel", "channels"))
    if params["agents"]:
        where.append(f"({in_list('r.agent_id', 'agents')} OR list_contains($agents::VARCHAR[], asg.assignee))")
    if params["teams"]:
        where.append(f"""({in_list('ag.team', 'teams')} OR asg.assignee IN (
                           SELECT agent_id FROM agents WHERE list_contains($teams::VARCHAR[], team)))""")
    if params["categories"]:
        where.append(in_list("c.category", "categories"))
    with business_clock(con, settings, *_clock_range(con, params)) as clock:
        sql = f"""
            SELECT r.metric, r.conversation_id, r.contact_id, r.cycle, r.from_message_id, r.from_at, r.to_message_id,
                   r.to_at, r.event_id, r.channel, r.agent_id,
                   {_pick(needed, "assignee_at_response", "asg.assignee")}, {_pick(needed, "team", "ag.team")},
                   {_pick(needed, "category", "c.category")}, r.open, r.seconds,
                   {clock.seconds("r.from_at", "r.to_at")} AS business_seconds
            FROM ({rows}) r {" ".join(joins)} {clock.joins("r.from_at", "r.to_at")}
            WHERE {" AND ".join(where)}"""
        yield sql, used_params(sql, params) | clock.params


def _metric_table(con: duckdb.DuckDBPyConnection, p: str, metric: str, params: dict, settings: Settings) -> str:
    """Create {p}_{metric} with every column of the metric's rows (_metric_rows); its name."""
    with _metric_rows(con, p, metric, params, settings) as (sql, bound):
        con.execute(f"CREATE TEMP TABLE {p}_{metric} AS {sql}", bound)
    return f"{p}_{metric}"


def _metric_frame(source: Source, metric: str, filters: Filters | None) -> pd.DataFrame:
    store = as_store(source)
    params = _params(store, filters)
    with store.read() as con, _scratch(con) as p:
        table = _metric_table(con, p, metric, params, store.settings)
        return con.execute(f"SELECT * FROM {table} ORDER BY from_at, conversation_id, cycle, from_message_id").df()


def first_response_times(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """One row per conversation cycle started in the period: first inbound (or cycle start) to first agent message.

    Columns: metric, conversation_id, contact_id, cycle, from_message_id (NULL when timed from the cycle start),
    from_at, to_message_id, to_at, event_id (NULL), channel (of the response, else of the inbound message),
    agent_id (who sent it), assignee_at_response, team, category, open, seconds, business_seconds.
    """
    return _metric_frame(source, "first_response_time", filters)


def reply_times(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """Each agent reply of the ledger whose contact turn started in the period, plus the unanswered last turns.

    Columns: as first_response_times; from_message_id is the first message of the contact turn, agent_id the
    agent who replied (NULL when open), channel the reply's channel (the turn's first message's when open).
    """
    return _metric_frame(source, "reply_time", filters)


def contact_reply_times(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """Each contact reply of the ledger whose agent turn started in the period, plus agent turns left unanswered.

    Columns: as first_response_times; agent_id is the agent whose turn the contact answered.
    """
    return _metric_frame(source, "contact_reply_time", filters)


def resolution_times(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """One row per cycle started in the period: cycle start to its resolution; open when unresolved at the cut-off.

    Columns: as first_response_times; from_message_id is the message that started the cycle (NULL when an event
    or created_at did), to_message_id NULL, event_id the resolved event, agent_id the resolver, channel the
    conversation's last channel at resolution (at the cut-off when open).
    """
    return _metric_frame(source, "resolution_time", filters)


def time_in_status(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """Each status interval entered in the period (core.status.status_intervals), with business seconds.

    Columns: metric, conversation_id, contact_id, cycle, status, from_at (entered), to_at (left; NULL when
    current), channel (last channel when entered), agent_id (assignee when entered), team, category, open,
    seconds, business_seconds.
    """
    store = as_store(source)
    filters = filters or Filters()
    params = _params(store, filters)
    intervals = status_intervals(store, Filters(start=filters.start, end=filters.end, as_of=params["as_of"]))
    with store.read() as con, _scratch(con) as p:
        _cycles_table(con, p, params)
        _categories_table(con, p, params)
        con.register(f"{p}_intervals", intervals)
        _run(con, f"""
            CREATE TEMP TABLE {p}_time_in_status AS
            SELECT 'time_in_status' AS metric, i.conversation_id, conv.contact_id, i.cycle, i.status,
                   i.entered_at AS from_at, i.left_at AS to_at, ch.channel, asg.assignee AS agent_id, ag.team,
                   c.category, i.left_at IS NULL AS open, i.seconds::DOUBLE AS seconds,
                   NULL::DOUBLE AS business_seconds
            FROM {p}_intervals i
            LEFT JOIN conversations conv USING (conversation_id)
            LEFT JOIN {p}_categories c USING (conversation_id, cycle)
            LEFT JOIN ({_assignees_sql(p, params)}) asg ON {_during("i", "i.entered_at", "asg", "since", "until")}
            ASOF LEFT JOIN (SELECT conversation_id, sent_at, channel FROM messages m
                            WHERE sender_type <> 'note' AND {_folded(p, "m", params)}) ch
                ON ch.conversation_id = i.conversation_id AND i.entered_at >= ch.sent_at
            LEFT JOIN agents ag ON ag.agent_id = asg.assignee
            WHERE {in_list('ch.channel', 'channels')} AND {in_list('asg.assignee', 'agents')}
              AND {in_list('ag.team', 'teams')} AND {in_list('c.category', 'categories')}""", params)
        con.unregister(f"{p}_intervals")
        add_business_seconds(con, f"{p}_time_in_status", "from_at", "to_at", "business_seconds", store.settings)
        return con.execute(f"SELECT * FROM {p}_time_in_status ORDER BY from_at, conversation_id, cycle").df()


def _by_columns(by: Sequence[str] | str | None, available: Sequence[str]) -> list[tuple[str, str]]:
    """(output name, SQL expression) of each breakdown key; a key may be an alias of BY or a column name."""
    keys = [by] if isinstance(by, str) else list(by or [])
    out = []
    for key in keys:
        name, expr = BY.get(key, (key, key))
        needed = "from_at" if expr != name else name
        if needed not in available:
            raise ValidationError(f"cannot break down by '{key}'; choose from {', '.join(BY)}")
        out.append((name, expr if expr != name else f'"{name}"'))
    return out


def _summary_sql(relation: str, by: list[tuple[str, str]], thresholds: Sequence[int]) -> tuple[str, dict]:
    """The aggregate SELECT over relation and its parameters (the thresholds, bound as $t0, $t1, ...)."""
    keys = [f"{expr} AS {name}" for name, expr in by]
    stats = ["count(seconds) AS count", "count(*) FILTER (WHERE open) AS open"]
    shown = [name for name, _ in by] + ["count", "open"]
    quantiles = ", ".join(str(q) for q in QUANTILES.values())
    for prefix, column in (("", "seconds"), ("business_", "business_seconds")):
        # One quantile_cont with the list of quantiles sorts each group's values once, not once per quantile.
        stats += [f"avg({column}) AS {prefix}mean", f"quantile_cont({column}, [{quantiles}]) AS _{prefix}q"]
        stats += [f"avg(({column} <= $t{i})::DOUBLE) AS {prefix}within_{int(t)}s" for i, t in enumerate(thresholds)]
        shown += [f"{prefix}mean", *[f"_{prefix}q[{i + 1}] AS {prefix}{name}" for i, name in enumerate(QUANTILES)],
                  *[f"{prefix}within_{int(t)}s" for t in thresholds]]
    positions = ", ".join(str(i + 1) for i in range(len(by)))
    group = f" GROUP BY {positions}" if by else ""
    order = f" ORDER BY {positions} NULLS LAST" if by else ""
    return (f"SELECT {', '.join(shown)} FROM (SELECT {', '.join(keys + stats)} FROM {relation}{group}){order}",
            {f"t{i}": t for i, t in enumerate(thresholds)})


def _summaries(store: Store, metrics: Sequence[str], keys: list[tuple[str, str]],
               filters: Filters | None) -> list[pd.DataFrame]:
    """summarize() of several response metrics in one connection, sharing the cycles; each metric's rows hold
    only the columns the keys and filters need (_needed)."""
    params = _params(store, filters)
    needed = _needed(keys, params)
    out = []
    with store.read() as con, _scratch(con) as p:
        for metric in metrics:
            with _metric_rows(con, p, metric, params, store.settings, needed) as (rows, bound):
                sql, thresholds = _summary_sql(f"({rows})", keys, sla_thresholds(metric, store.settings))
                out.append(con.execute(sql, bound | thresholds).df())
    return out


def summarize(frame_or_metric: pd.DataFrame | str, by: Sequence[str] | str | None = None,
              settings: Settings | None = None, *, source: Source | None = None,
              filters: Filters | None = None) -> pd.DataFrame:
    """Aggregates of a metric's rows (a DataFrame from the functions above, or a metric name with source=).

    Percentiles are quantile_cont: linear interpolation between the two nearest ranks (position
    (n - 1) * q of the sorted values, as numpy's default). Shares within an SLA threshold count values <= it
    among the measured (non-open) values. Breakdown keys: agent, assignee, channel, category, team, status,
    day, week (Monday), month, weekday (1 = Monday), hour (0-23), all in the account timezone by from_at.
    Columns: the breakdown keys, count (measured values), open, mean, median, p75, p90, p95, within_<T>s
    for each SLA threshold T of the metric, then the same with the prefix business_ on business seconds.
    """
    if isinstance(frame_or_metric, str):
        metric = _check_metric(frame_or_metric)
        if source is None:
            raise ValidationError("summarize(metric) needs source=, the store to read")
        store = as_store(source, settings)
        settings = store.settings
        keys = _by_columns(by, COLUMNS if metric != "time_in_status" else STATUS_COLUMNS)
        if metric == "time_in_status":
            frame_or_metric = time_in_status(store, filters)
        else:
            return _summaries(store, [metric], keys, filters)[0]
    frame = frame_or_metric
    metrics = set(frame["metric"].unique()) if "metric" in frame else set()
    if len(metrics) > 1:
        raise ValidationError(f"summarize one metric at a time, not {', '.join(sorted(metrics))}")
    settings = settings or (source.settings if isinstance(source, Store) else Settings())
    keys = _by_columns(by, list(frame.columns))
    thresholds = sla_thresholds(metrics.pop(), settings) if metrics else ()
    store = Store.memory(settings)
    name = f"_rt_frame_{uuid.uuid4().hex[:12]}"
    with store.read() as con:
        con.register(name, frame)
        try:
            return con.execute(*_summary_sql(name, keys, thresholds)).df()
        finally:
            con.unregister(name)


def outliers(source: Source, metric: str, filters: Filters | None = None, n: int = 10) -> pd.DataFrame:
    """The n slowest measured rows of a metric, each with the interaction-ledger rows inside its clock.

    A ledger row is behind an outlier when it is the outlier's own response, or when it lies wholly within
    [from_at, to_at] of the same conversation. An outlier with no such row appears once with NULL ledger_*.
    Columns: rank (1 = slowest), the metric's columns, ledger_direction, ledger_from_message_id,
    ledger_from_at, ledger_to_message_id, ledger_to_at, ledger_seconds.
    """
    _check_metric(metric)
    if metric == "time_in_status":
        raise ValidationError("outliers are for response metrics; time_in_status has no ledger rows")
    store = as_store(source)
    params = _params(store, filters) | {"n": int(n)}
    with store.read() as con, _scratch(con) as p:
        table = _metric_table(con, p, metric, params, store.settings)
        sql = f"""
            WITH slow AS (
                SELECT row_number() OVER (ORDER BY seconds DESC, conversation_id, cycle, from_at) AS rank, *
                FROM {table} WHERE NOT open ORDER BY rank LIMIT $n
            )
            SELECT s.*, l.direction AS ledger_direction, l.from_message_id AS ledger_from_message_id,
                   l.from_at AS ledger_from_at, l.to_message_id AS ledger_to_message_id, l.to_at AS ledger_to_at,
                   l.seconds AS ledger_seconds
            FROM slow s LEFT JOIN ({ledger_sql()}) l ON l.conversation_id = s.conversation_id
                AND (l.to_message_id = s.to_message_id OR (l.from_at >= s.from_at AND l.to_at <= s.to_at))
            ORDER BY s.rank, l.to_at, l.to_message_id"""
        return con.execute(sql, used_params(sql, params)).df()


def export_response_times(store: Store, as_of: str | None = None, by: str | None = None,
                          **_: object) -> pd.DataFrame:
    """`pipeone export response-times [--by KEY]`: summarize() of every response metric, one block per metric.

    Columns: metric, the breakdown key, then summarize()'s columns (within_<T>s empty where a metric has no
    such threshold).
    """
    from .interactions import end_of_day

    metrics = ["first_response_time", "reply_time", "contact_reply_time", "resolution_time"]
    summaries = _summaries(store, metrics, _by_columns(by, COLUMNS), Filters(as_of=end_of_day(as_of, store.settings)))
    frame = pd.concat([block.assign(metric=metric) for metric, block in zip(metrics, summaries)], ignore_index=True)
    return frame[["metric", *[c for c in frame.columns if c != "metric"]]]
