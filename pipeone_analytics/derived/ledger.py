"""THE interaction ledger (DESIGN 4.1) as a derived table.

`interaction_ledger` (migrations/002) holds THE interaction ledger of DESIGN 4.1, one row per response.
One conversation's messages, without notes and automation, are taken in time order; equal `sent_at`
values are ordered by `message_id`, so the order (and so every turn) is deterministic. Consecutive
messages with the same direction form a turn; every turn after the first is a response to the turn
before it, measured from the first message of that turn to the first message of the response.
Because that order is total and a row looks only backwards, the ledger as of any time T is exactly
the rows with to_at <= T, so one table serves every as_of. Settings (timezone, business hours) are
applied at query time, never stored.

It reads messages and conversations (a conversation's contact_id: the ledger's contact_id falls back on it);
derived.refresh calls refresh_ledger for the conversations a writer changed.
"""
from __future__ import annotations

import datetime as dt

import duckdb

from .names import table_name

LEDGER_TABLE = "interaction_ledger"
LEDGER_COLUMNS = ("conversation_id", "contact_id", "direction", "from_message_id", "from_at",
                  "to_message_id", "to_at", "channel", "agent_id", "seconds")
READS = frozenset({"messages", "conversations"})  # the canonical tables the ledger is computed from
MIGRATIONS = frozenset({2})  # migrations after which the whole ledger is rebuilt (they create or redefine it)


def messages_sql(where: str = "TRUE") -> str:
    """SELECT of the messages kept by `where` (over the messages table) with their contact resolved.

    A message without contact_id takes its conversation's; only those messages' conversations are hashed, so
    a few conversations' messages never build a hash table of every conversation. Columns: message_id, conversation_id,
    contact_id, channel, direction, sent_at, sender_type, agent_id.
    """
    return f"""
        SELECT m.message_id, m.conversation_id, coalesce(m.contact_id, c.contact_id) AS contact_id,
               m.channel, m.direction, m.sent_at, m.sender_type, m.agent_id
        FROM (SELECT * FROM messages WHERE {where}) m
        LEFT JOIN (SELECT conversation_id, contact_id FROM conversations WHERE conversation_id IN (
                       SELECT conversation_id FROM messages WHERE contact_id IS NULL AND ({where}))) c
            ON m.contact_id IS NULL AND c.conversation_id = m.conversation_id"""


def ledger_sql(scope: str = "TRUE") -> str:
    """SELECT of every response of the conversations kept by `scope` (DESIGN 4.1), over all their messages.

    `scope` is a constant SQL predicate over conversation_id that keeps or drops whole conversations.
    Columns: conversation_id, contact_id (of the response message, else of its conversation), direction
    ('agent_reply' | 'contact_reply'), from_message_id, from_at, to_message_id, to_at, channel (of the
    response), agent_id (sender of an agent reply; for a contact reply, sender of the first message of
    the agent turn answered), seconds (to_at - from_at).
    """
    return f"""
    SELECT conversation_id, contact_id,
           CASE direction WHEN 'outbound' THEN 'agent_reply' ELSE 'contact_reply' END AS direction,
           from_message_id, from_at, message_id AS to_message_id, sent_at AS to_at, channel,
           CASE direction WHEN 'outbound' THEN agent_id ELSE from_agent_id END AS agent_id,
           (epoch_us(sent_at) - epoch_us(from_at)) / 1e6 AS seconds
    FROM (
        SELECT *, lag(message_id) OVER turn AS from_message_id, lag(sent_at) OVER turn AS from_at,
               lag(agent_id) OVER turn AS from_agent_id
        FROM (
            SELECT *, direction IS DISTINCT FROM lag(direction) OVER msg AS turn_start
            FROM ({messages_sql(f"sender_type NOT IN ('note', 'automation') AND ({scope})")}) m
            WINDOW msg AS (PARTITION BY conversation_id ORDER BY sent_at, message_id)
        ) t
        WHERE turn_start
        WINDOW turn AS (PARTITION BY conversation_id ORDER BY sent_at, message_id)
    ) r
    WHERE from_at IS NOT NULL"""


def refresh(con: duckdb.DuckDBPyConnection, conversations: str | None = None,
                   since: dt.datetime | None = None) -> int:
    """Rebuild the ledger rows of the conversations listed in table `conversations` (all when None); rows written.

    `conversations` names a (temp) table with a column conversation_id; duplicates are fine. With `since`,
    only rows with to_at >= since are rebuilt: enough when every message changed was sent at or after
    since, because a row depends only on messages up to its to_at. Runs in the caller's transaction:
    call it after the writes to messages or conversations, before COMMIT.
    """
    columns = ", ".join(LEDGER_COLUMNS)
    kept = ["TRUE" if conversations is None else
            f"conversation_id IN (SELECT conversation_id FROM {table_name(conversations)})"]
    params = {}
    if since is not None:
        kept.append("to_at >= $since::TIMESTAMPTZ")
        params["since"] = since
    where = " AND ".join(kept)
    con.execute(f"DELETE FROM {LEDGER_TABLE} WHERE {where}", params)
    return con.execute(f"INSERT INTO {LEDGER_TABLE} ({columns}) SELECT {columns} FROM ({ledger_sql(kept[0])}) "
                       f"WHERE {where}", params).fetchone()[0]
