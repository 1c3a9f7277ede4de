"""Each contact's engagement counts (DESIGN 4.4) as derived tables: per conversation and channel, and per contact.

`contact_engagement` (migrations/004) holds, per (contact, conversation, channel), the counts the star rating
sums over a contact's messages: sent, received, and the interactions of the ledger (DESIGN 4.1) whose response
is one of those messages, with how many took <= 30 min, <= 2 h, and fell on one local calendar day. A message's
contact is its own contact_id, else its conversation's (as in the ledger). `contact_engagement_totals` sums
them per contact, with the main channel. They are the counts of ratings() as of any time at or after last_at:
a ledger row's response is one of the row's messages, and a message's row never changes with later messages.
`same_day` depends on the timezone, so it is computed in the writer's session TimeZone (the store sets it to the
account timezone) and each row records that name; a reader in another timezone counts same-day from the ledger.

It reads messages and conversations, and the interaction ledger of the same conversations (refreshed before
it: derived.TABLES lists the ledger first). A refresh rebuilds the rows of whole conversations, then the totals
of every contact that had or has a row in them.
"""
from __future__ import annotations

import datetime as dt

import duckdb

from .ledger import LEDGER_TABLE, messages_sql
from .status import listed

ENGAGEMENT_TABLE = "contact_engagement"
TOTALS_TABLE = "contact_engagement_totals"
ENGAGEMENT_COLUMNS = ("contact_id", "conversation_id", "channel", "messages", "rated_messages", "last_at", "sent",
                      "received", "interactions", "same_day", "within_30m", "within_2h", "timezone")
COUNTS = ("sent", "received", "interactions", "same_day", "within_30m", "within_2h")
TOTALS_COLUMNS = ("contact_id", "channel", "last_at", *COUNTS, "timezone")
CONTACTS = "_engagement_contacts"  # temp table of the contacts whose totals a refresh of many conversations rebuilds
READS = frozenset({"messages", "conversations"})  # the canonical tables the counts are computed from
MIGRATIONS = frozenset({4})  # migrations after which both tables are rebuilt whole (they create or redefine them)

# A message counted as sent (DESIGN 4.1: outbound by an agent or an automation) and as received (by the contact).
SENT_SQL = "(direction = 'outbound' AND sender_type IN ('agent', 'automation'))"
RECEIVED_SQL = "(direction = 'inbound' AND sender_type = 'contact')"


def engagement_sql(scope: str = "TRUE") -> str:
    """SELECT of the engagement rows of the conversations kept by `scope`, over all their messages and ledger rows.

    `scope` is a constant SQL predicate over conversation_id that keeps or drops whole conversations; same_day is
    computed in the session TimeZone. Columns: ENGAGEMENT_COLUMNS (see migrations/004_contact_engagement.sql).
    """
    return f"""
    SELECT m.contact_id, m.conversation_id, m.channel, m.messages, m.rated_messages, m.last_at, m.sent, m.received,
           coalesce(l.interactions, 0) AS interactions, coalesce(l.same_day, 0) AS same_day,
           coalesce(l.within_30m, 0) AS within_30m, coalesce(l.within_2h, 0) AS within_2h,
           current_setting('TimeZone') AS timezone
    FROM (
        SELECT contact_id, conversation_id, channel, count(*) AS messages,
               count(*) FILTER (WHERE sender_type <> 'note') AS rated_messages,
               max(sent_at) FILTER (WHERE sender_type <> 'note') AS last_at,
               count(*) FILTER (WHERE {SENT_SQL}) AS sent, count(*) FILTER (WHERE {RECEIVED_SQL}) AS received
        FROM ({messages_sql(scope)}) r
        GROUP BY contact_id, conversation_id, channel
    ) m
    LEFT JOIN (
        SELECT contact_id, conversation_id, channel, count(*) AS interactions,
               count(*) FILTER (WHERE from_at::DATE = to_at::DATE) AS same_day,
               count(*) FILTER (WHERE seconds <= 1800) AS within_30m,
               count(*) FILTER (WHERE seconds <= 7200) AS within_2h
        FROM {LEDGER_TABLE}
        WHERE {scope}
        GROUP BY contact_id, conversation_id, channel
    ) l ON l.contact_id IS NOT DISTINCT FROM m.contact_id AND l.conversation_id = m.conversation_id
       AND l.channel = m.channel"""


def totals_sql(scope: str = "TRUE") -> str:
    """SELECT of the totals of the contacts kept by `scope` (a constant SQL predicate over contact_id), from their rows.

    Only rows with a message other than a note count, and only contacts with one get a total. The main channel
    has the most such messages, then the latest, then the first name. Columns: TOTALS_COLUMNS (see
    migrations/004_contact_engagement.sql).
    """
    sums = ", ".join(f"sum({c})::BIGINT AS {c}" for c in COUNTS)
    return f"""
    SELECT contact_id, arg_min(channel, (-n, -epoch_us(last_at), channel)) AS channel, max(last_at) AS last_at,
           {sums}, CASE WHEN min(first_zone) = max(last_zone) THEN min(first_zone) END AS timezone
    FROM (
        SELECT contact_id, channel, sum(rated_messages) AS n, max(last_at) AS last_at, {sums},
               min(timezone) AS first_zone, max(timezone) AS last_zone
        FROM {ENGAGEMENT_TABLE}
        WHERE rated_messages > 0 AND contact_id IS NOT NULL AND ({scope})
        GROUP BY contact_id, channel
    ) c
    GROUP BY contact_id"""


def refresh(con: duckdb.DuckDBPyConnection, conversations: str | None = None,
            since: dt.datetime | None = None) -> int:
    """Rebuild the engagement rows of the conversations listed in table `conversations` (all when None), and the
    totals of their contacts; rows written to both tables.

    `conversations` names a (temp) table with a column conversation_id; duplicates are fine. A row sums over all
    of its conversation's messages, so whole conversations are rebuilt and `since` is not needed. Reads the
    interaction ledger of those conversations, so run it after refreshing the ledger, in the caller's transaction.
    """
    rows, totals = ", ".join(ENGAGEMENT_COLUMNS), ", ".join(TOTALS_COLUMNS)
    if conversations is None:
        con.execute(f"DELETE FROM {ENGAGEMENT_TABLE}")
        written = con.execute(f"INSERT INTO {ENGAGEMENT_TABLE} ({rows}) {engagement_sql()}").fetchall()[0][0]
        con.execute(f"DELETE FROM {TOTALS_TABLE}")
        return written + con.execute(f"INSERT INTO {TOTALS_TABLE} ({totals}) {totals_sql()}").fetchall()[0][0]
    scope, ids = listed(con, conversations)
    if not ids:  # many conversations (an import): their contacts stay in the database, in a temp table
        contacts = f"SELECT contact_id FROM {ENGAGEMENT_TABLE} WHERE contact_id IS NOT NULL AND {scope}"
        con.execute(f"CREATE OR REPLACE TEMP TABLE {CONTACTS} AS {contacts}")  # those that had a row there
        con.execute(f"DELETE FROM {ENGAGEMENT_TABLE} WHERE {scope}")
        written = con.execute(f"INSERT INTO {ENGAGEMENT_TABLE} ({rows}) {engagement_sql(scope)}").fetchall()[0][0]
        con.execute(f"INSERT INTO {CONTACTS} {contacts}")  # and those that have one now
        touched, params = f"contact_id IN (SELECT contact_id FROM {CONTACTS})", {}
    else:  # a few (an inbox action): RETURNING gives their contacts, with fewer statements
        had = con.execute(f"DELETE FROM {ENGAGEMENT_TABLE} WHERE {scope} RETURNING contact_id", ids).fetchall()
        has = con.execute(f"INSERT INTO {ENGAGEMENT_TABLE} ({rows}) {engagement_sql(scope)} RETURNING contact_id",
                          ids).fetchall()
        written = len(has)
        params = {"contacts": sorted({c for c, in had + has if c is not None})}
        touched = "contact_id IN (SELECT unnest($contacts::VARCHAR[]))"
    con.execute(f"DELETE FROM {TOTALS_TABLE} WHERE {touched}", params)
    written += con.execute(f"INSERT INTO {TOTALS_TABLE} ({totals}) {totals_sql(touched)}", params).fetchall()[0][0]
    if not ids:
        con.execute(f"DROP TABLE {CONTACTS}")
    return written
