"""Channel tags (DESIGN 4.2): a conversation's last channel, a contact's default reply channel, and channel mix.

Notes are internal and never count as messages (DESIGN 3.1), so they never set a channel; automation messages
are real outbound messages and do.
"""
from __future__ import annotations

from typing import Iterable, Mapping

import pandas as pd

from ..errors import ValidationError
from ..store import Store, as_store
from .filters import Filters, in_list, in_period, used_params

Source = Store | Mapping[str, pd.DataFrame]
PERIODS = ("day", "week", "month")

# The last channel of a group of messages: the latest one's, notes excluded, ties to the greater message_id.
LAST_CHANNEL_EXPR = "arg_max(channel, (sent_at, message_id)) FILTER (WHERE sender_type <> 'note')"
# Last channel per conversation as of $as_of; {only} is a constant predicate on conversation_id.
LAST_CHANNEL_SQL = f"""
SELECT conversation_id, {LAST_CHANNEL_EXPR} AS last_channel,
       max(sent_at) FILTER (WHERE sender_type <> 'note') AS last_message_at
FROM messages
WHERE {{only}} AND sent_at <= $as_of
GROUP BY conversation_id
HAVING last_channel IS NOT NULL"""


def check_period(period: str) -> str:
    """The period itself, or ValidationError naming the choices."""
    if period not in PERIODS:
        raise ValidationError(f"period '{period}' is not one of {', '.join(PERIODS)}")
    return period


def last_channel(source: Source, filters: Filters | None = None,
                 conversation_ids: Iterable[str] | None = None) -> pd.DataFrame:
    """Each conversation's last channel: the channel of its latest message in either direction (notes excluded).

    Ties on sent_at go to the greater message_id. Conversations with only notes are absent.
    Columns: conversation_id, last_channel, last_message_at.
    """
    store = as_store(source)
    only = "TRUE" if conversation_ids is None else "list_contains($ids::VARCHAR[], conversation_id)"
    sql = LAST_CHANNEL_SQL.format(only=only) + " ORDER BY conversation_id"
    params = (filters or Filters()).params(store.settings)
    params["ids"] = list(conversation_ids or [])
    return store.df(sql, used_params(sql, params))


def default_reply_channel(source: Source, contact_ids: Iterable[str] | None = None,
                          filters: Filters | None = None) -> pd.DataFrame:
    """Each contact's default reply channel as of filters.as_of (DESIGN 4.2).

    The channel of the contact's last inbound message in any conversation; else of their last message
    (notes excluded); else none (channel NULL: the user must choose). Contacts come from the contacts table and
    from messages. Columns: contact_id, channel, basis ('last_inbound', 'last_message' or NULL).
    """
    store = as_store(source)
    only = "TRUE" if contact_ids is None else "list_contains($ids::VARCHAR[], contact_id)"
    # pushed into the messages scan: rows of other contacts never reach the join (a NULL contact_id may
    # still belong to one of them through its conversation, so those rows go on to `picked`'s filter)
    scan = "TRUE" if contact_ids is None else "(m.contact_id IS NULL OR list_contains($ids::VARCHAR[], m.contact_id))"
    sql = f"""
    WITH msgs AS (
        SELECT coalesce(m.contact_id, c.contact_id) AS contact_id, m.channel, m.direction, m.sender_type,
               m.sent_at, m.message_id
        FROM messages m LEFT JOIN conversations c USING (conversation_id)
        WHERE m.sent_at <= $as_of AND m.sender_type <> 'note' AND {scan}
    ),
    picked AS (
        SELECT contact_id,
               arg_max(channel, (sent_at, message_id)) FILTER (WHERE direction = 'inbound') AS inbound_channel,
               arg_max(channel, (sent_at, message_id)) AS any_channel
        FROM msgs WHERE {only} GROUP BY contact_id
    ),
    everyone AS (
        SELECT contact_id FROM contacts WHERE {only}
        UNION SELECT contact_id FROM picked
    )
    SELECT e.contact_id, coalesce(p.inbound_channel, p.any_channel) AS channel,
           CASE WHEN p.inbound_channel IS NOT NULL THEN 'last_inbound'
                WHEN p.any_channel IS NOT NULL THEN 'last_message' END AS basis
    FROM everyone e LEFT JOIN picked p USING (contact_id)
    ORDER BY e.contact_id"""
    params = (filters or Filters()).params(store.settings)
    params["ids"] = list(contact_ids or [])
    return store.df(sql, used_params(sql, params))


def channel_mix(source: Source, filters: Filters | None = None, period: str = "day") -> pd.DataFrame:
    """Messages and conversations per channel per day, week (Monday) or month, in the account timezone.

    Filters: period and channels on the messages, as_of cuts later ones. messages_in counts inbound contact
    messages, messages_out outbound agent and automation messages; notes are not messages.
    Columns: period_start (DATE), channel, messages_in, messages_out, conversations (distinct conversations with
    a message on that channel in that period).
    """
    store = as_store(source)
    check_period(period)
    sql = f"""
    SELECT date_trunc('{period}', sent_at)::DATE AS period_start, channel,
           count(*) FILTER (WHERE direction = 'inbound') AS messages_in,
           count(*) FILTER (WHERE direction = 'outbound') AS messages_out,
           count(DISTINCT conversation_id) AS conversations
    FROM messages
    WHERE sender_type <> 'note' AND sent_at <= $as_of AND {in_period('sent_at')} AND {in_list('channel', 'channels')}
    GROUP BY ALL ORDER BY period_start, channel"""
    params = (filters or Filters()).params(store.settings)
    return store.df(sql, used_params(sql, params))
