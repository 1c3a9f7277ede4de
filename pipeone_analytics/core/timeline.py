"""A contact's timeline across all their conversations: messages, notes, status events, transfers and tickets.

Paginated by a keyset cursor on (at, kind, item_id), so a contact with 100k messages opens one page fast.
A channel filter keeps messages and automation messages on those channels; notes, events, transfers and
tickets are kept when their conversation has at least one message (notes excluded) on one of those channels.
"""
from __future__ import annotations

import dataclasses
from typing import Iterable, Mapping

import pandas as pd

from ..errors import ValidationError
from ..store import Store, as_store
from .filters import Filters, as_tuple, to_timestamp, used_params
from .tickets import TICKET_JOINS_SQL, label_params

Source = Store | Mapping[str, pd.DataFrame]
KINDS = ("message", "note", "automation", "event", "transfer", "ticket")
DIRECTIONS = ("older", "newer")


@dataclasses.dataclass(frozen=True)
class Page:
    """One page of a timeline: items in time order, and the cursor of the next page (None at the end).

    items columns: at, kind (message, note, automation, event, transfer, ticket), conversation_id, channel,
    direction, sender_type, agent_id (sender, event actor or resolver), agent_name, body, event_kind (events:
    status_changed, resolved, reopened, assigned), value (event value: the status or the new assignee),
    from_agent (assignee before an assignment), ticket_type, category (ticket category label), note (ticket
    note), item_id (message_id, event_id or ticket_id).
    """

    items: pd.DataFrame
    next_cursor: str | None


# Each kind's branch returns at most $limit rows past the cursor, ordered by the page key (at, kind_rank, item_id),
# before the union; only the page's rows get their joins (agents; tickets: category label and channel). The messages
# branch reads the contact's messages twice, each scan with the cursor's time bound pushed into it: once for the
# $limit-th time past the cursor (a top-n aggregate of times, cheaper than sorting rows), once for the rows at or
# past that time, so the sort sees a page's worth of rows, not the contact's 100k (nothing is materialized).
# `conversations` is the contact's own conversations; the name stands for the table inside the ticket joins too,
# which read only their contact_id there (a contact name the timeline does not show), so they scan no more of it.
# The ticket joins read the ticket rows already found (no second scan of tickets) and, for the channel, the messages
# table as tickets() does, only in the conversations of the page's tickets: the contact's messages, estimated at a
# handful, would be hashed whole for a contact with 100k.
_ITEMS = """
WITH conversations AS MATERIALIZED (
    SELECT conversation_id, contact_id FROM main.conversations WHERE contact_id = $contact_id
),
msgs AS NOT MATERIALIZED (
    SELECT * FROM messages WHERE contact_id = $contact_id AND sent_at <= $as_of
    UNION ALL
    SELECT * FROM messages
    WHERE contact_id IS NULL AND sent_at <= $as_of AND conversation_id IN (SELECT conversation_id FROM conversations)
),
shown AS MATERIALIZED ({shown}),
msg_keys AS NOT MATERIALIZED (
    SELECT *, sent_at AS "at", message_id AS item_id,
           CASE sender_type WHEN 'note' THEN 'note' WHEN 'automation' THEN 'automation' ELSE 'message' END AS kind,
           list_position({kinds}, kind) AS kind_rank
    FROM msgs WHERE {near} AND {msg_shown}
),
message_items AS (
    SELECT "at", kind, conversation_id, channel, direction, sender_type, agent_id, body,
           NULL::VARCHAR AS event_kind, NULL::VARCHAR AS value, NULL::VARCHAR AS from_agent, item_id, kind_rank
    FROM msg_keys
    WHERE {after} AND "at" {beyond} (SELECT {edge} FROM msg_keys WHERE {after})
    ORDER BY "at" {order}, kind_rank {order}, item_id {order} LIMIT $limit
),
evs AS (
    -- from_agent: the value of the conversation's assignment before (one ordered window, no partitions: each
    -- conversation's assignments come last among its events, so the row before one is the assignment before it)
    SELECT *, CASE WHEN kind = 'assigned' AND lag(kind) OVER w = 'assigned'
                        AND lag(conversation_id) OVER w = conversation_id
                   THEN lag(nullif(value, '')) OVER w END AS from_agent
    FROM events WHERE conversation_id IN (SELECT conversation_id FROM shown) AND "at" <= $as_of
    WINDOW w AS (ORDER BY conversation_id, kind = 'assigned', "at", event_id)
),
event_items AS (
    SELECT "at", item_kind AS kind, conversation_id, NULL::VARCHAR AS channel, NULL::VARCHAR AS direction,
           NULL::VARCHAR AS sender_type, actor_id AS agent_id, NULL::VARCHAR AS body, event_kind, value, from_agent,
           item_id, list_position({kinds}, item_kind) AS kind_rank
    FROM (SELECT *, kind AS event_kind, event_id AS item_id,
                 CASE WHEN kind = 'assigned' AND from_agent IS NOT NULL AND nullif(value, '') IS NOT NULL
                           AND from_agent <> value THEN 'transfer' ELSE 'event' END AS item_kind
          FROM evs)
    WHERE {after}
    ORDER BY "at" {order}, kind_rank {order}, item_id {order} LIMIT $limit
),
ticket_rows AS MATERIALIZED (
    SELECT * FROM (SELECT *, resolved_at AS "at", ticket_id AS item_id, list_position({kinds}, 'ticket') AS kind_rank
                   FROM tickets
                   WHERE conversation_id IN (SELECT conversation_id FROM shown) AND resolved_at <= $as_of)
    WHERE {after}
    ORDER BY "at" {order}, kind_rank {order}, item_id {order} LIMIT $limit
),
ticket_items AS (
    SELECT "at", 'ticket' AS kind, conversation_id, NULL::VARCHAR AS channel, NULL::VARCHAR AS direction,
           NULL::VARCHAR AS sender_type, resolved_by AS agent_id, NULL::VARCHAR AS body,
           NULL::VARCHAR AS event_kind, NULL::VARCHAR AS value, NULL::VARCHAR AS from_agent, item_id, kind_rank
    FROM ticket_rows
),
page AS MATERIALIZED (
    SELECT * FROM (SELECT * FROM message_items UNION ALL SELECT * FROM event_items
                   UNION ALL SELECT * FROM ticket_items)
    ORDER BY "at" {order}, kind_rank {order}, item_id {order} LIMIT $limit
),
tks AS ({tickets})
SELECT p."at", p.kind, p.conversation_id, coalesce(p.channel, t.channel) AS channel, p.direction, p.sender_type,
       p.agent_id, a.name AS agent_name, p.body, p.event_kind, p.value, p.from_agent, t.type AS ticket_type,
       t.category_label AS category, t.note, p.item_id
FROM page p
LEFT JOIN agents a ON a.agent_id = p.agent_id
LEFT JOIN tks t ON p.kind = 'ticket' AND t.ticket_id = p.item_id
ORDER BY p."at", p.kind_rank, p.item_id"""

# the conversations whose notes, events and tickets are shown: every one of the contact's, or with a channel filter
# those with a message (notes excluded) on one of the channels
_ALL_SHOWN = ("SELECT conversation_id FROM conversations UNION ALL "  # and those where the contact wrote in another's
              "SELECT DISTINCT m.conversation_id FROM messages m ANTI JOIN conversations c USING (conversation_id) "
              "WHERE m.contact_id = $contact_id AND m.sent_at <= $as_of")
_CHANNEL_SHOWN = ("SELECT DISTINCT conversation_id FROM msgs "
                  "WHERE sender_type <> 'note' AND list_contains($channels::VARCHAR[], channel)")
_CHANNEL_MESSAGE = ("CASE WHEN sender_type = 'note' THEN conversation_id IN (SELECT conversation_id FROM shown) "
                    "ELSE list_contains($channels::VARCHAR[], channel) END")
_OLDER = ('("at" < $c_at OR ("at" = $c_at AND (kind_rank < $c_rank OR '
          '(kind_rank = $c_rank AND item_id < $c_id))))')
_NEWER = ('("at" > $c_at OR ("at" = $c_at AND (kind_rank > $c_rank OR '
          '(kind_rank = $c_rank AND item_id > $c_id))))')


def item_cursor(item: Mapping[str, object]) -> str:
    """The cursor of one item (a row of Page.items): pages from it, e.g. direction "newer" after the newest shown."""
    return f"{pd.Timestamp(item['at']).isoformat()}|{KINDS.index(str(item['kind'])) + 1}|{item['item_id']}"


def _parse_cursor(cursor: str, timezone: str) -> dict:
    try:
        at, rank, item_id = cursor.split("|", 2)
        return {"c_at": to_timestamp(at, timezone), "c_rank": int(rank), "c_id": item_id}
    except (ValueError, AttributeError):
        raise ValidationError(f"timeline cursor '{cursor}' is not one this page handed out") from None


def _sql(channels: bool, cursor: bool, direction: str) -> str:
    """The page query for a channel filter or none, a cursor or none, and a direction."""
    older = direction == "older"
    return _ITEMS.format(
        shown=_CHANNEL_SHOWN if channels else _ALL_SHOWN, msg_shown=_CHANNEL_MESSAGE if channels else "TRUE",
        near=("sent_at <= $c_at" if older else "sent_at >= $c_at") if cursor else "TRUE",
        after=(_OLDER if older else _NEWER) if cursor else "TRUE",
        # the $limit-th newest (oldest) time past the cursor: no message newer (older) than the page's is cut
        edge='list_min(max("at", $limit))' if older else 'list_max(min("at", $limit))',
        beyond=">=" if older else "<=", order="DESC" if older else "ASC",
        kinds="[" + ", ".join(f"'{k}'" for k in KINDS) + "]",
        tickets=TICKET_JOINS_SQL.format(
            tickets="(SELECT * EXCLUDE (\"at\", item_id, kind_rank) FROM ticket_rows "
                    "WHERE ticket_id IN (SELECT item_id FROM page WHERE kind = 'ticket'))",
            messages="(SELECT * FROM messages "
                     "WHERE conversation_id IN (SELECT conversation_id FROM page WHERE kind = 'ticket'))"))


def timeline(source: Source, contact_id: str, channels: Iterable[str] | str = (), cursor: str | None = None,
             limit: int = 50, direction: str = "older", filters: Filters | None = None) -> Page:
    """One page of a contact's timeline, up to filters.as_of, in time order (oldest first within the page).

    direction "older" starts from the newest item (or just before `cursor`) and pages back in time; "newer"
    starts from the oldest (or just after `cursor`) and pages forward. next_cursor is None when nothing is
    left in that direction. Columns of items: see Page.
    """
    if direction not in DIRECTIONS:
        raise ValidationError(f"direction '{direction}' is not one of {', '.join(DIRECTIONS)}")
    if limit < 1:
        raise ValidationError(f"limit must be at least 1, not {limit}")
    store = as_store(source)
    channels = as_tuple(channels)
    params = (filters or Filters()).params(store.settings) | label_params(store.settings.locale)
    params |= {"contact_id": contact_id, "channels": list(channels), "limit": int(limit) + 1}
    if cursor is not None:
        params |= _parse_cursor(cursor, store.settings.timezone)
    sql = _sql(bool(channels), cursor is not None, direction)
    frame = store.df(sql, used_params(sql, params))
    if len(frame) <= limit:
        return Page(items=frame, next_cursor=None)
    # one row more than the page: there is more; the cursor is the page's last item in that direction
    frame = (frame.iloc[1:] if direction == "older" else frame.iloc[:-1]).reset_index(drop=True)
    edge = 0 if direction == "older" else limit - 1
    return Page(items=frame, next_cursor=item_cursor({k: frame[k].iat[edge] for k in ("at", "kind", "item_id")}))
