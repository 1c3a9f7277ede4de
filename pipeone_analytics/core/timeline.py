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


_ITEMS = """
WITH convs AS MATERIALIZED (
    SELECT conversation_id FROM conversations WHERE contact_id = $contact_id
),
msgs AS MATERIALIZED (
    SELECT *, CASE sender_type WHEN 'note' THEN 'note' WHEN 'automation' THEN 'automation' ELSE 'message' END
                  AS kind
    FROM (SELECT * FROM messages WHERE contact_id = $contact_id
          UNION ALL
          SELECT * FROM messages
          WHERE contact_id IS NULL AND conversation_id IN (SELECT conversation_id FROM convs))
    WHERE sent_at <= $as_of
),
mine AS MATERIALIZED (
    SELECT conversation_id FROM convs UNION SELECT conversation_id FROM msgs
),
shown AS MATERIALIZED (
    SELECT conversation_id FROM mine
    WHERE len($channels::VARCHAR[]) = 0 OR conversation_id IN (
        SELECT conversation_id FROM msgs WHERE sender_type <> 'note' AND list_contains($channels::VARCHAR[], channel))
),
evs AS (
    SELECT *, CASE WHEN kind = 'assigned' THEN lag(nullif(value, '')) OVER (
                  PARTITION BY conversation_id, kind = 'assigned' ORDER BY "at", event_id) END AS from_agent
    FROM events WHERE conversation_id IN (SELECT conversation_id FROM shown) AND "at" <= $as_of
),
tks AS ({tickets}),
message_items AS (
    SELECT sent_at AS "at", kind, conversation_id, channel, direction, sender_type, agent_id, body,
           NULL::VARCHAR AS event_kind, NULL::VARCHAR AS value, NULL::VARCHAR AS from_agent,
           NULL::VARCHAR AS ticket_type, NULL::VARCHAR AS category, NULL::VARCHAR AS note, message_id AS item_id,
           list_position({kinds}, kind) AS kind_rank
    FROM msgs
    WHERE CASE WHEN sender_type = 'note' THEN conversation_id IN (SELECT conversation_id FROM shown)
               ELSE len($channels::VARCHAR[]) = 0 OR list_contains($channels::VARCHAR[], channel) END
),
event_items AS (
    SELECT "at", item_kind AS kind, conversation_id, NULL::VARCHAR AS channel, NULL::VARCHAR AS direction,
           NULL::VARCHAR AS sender_type, actor_id AS agent_id, NULL::VARCHAR AS body, event_kind, value, from_agent,
           NULL::VARCHAR AS ticket_type, NULL::VARCHAR AS category, NULL::VARCHAR AS note, event_id AS item_id,
           list_position({kinds}, item_kind) AS kind_rank
    FROM (SELECT *, kind AS event_kind,
                 CASE WHEN kind = 'assigned' AND from_agent IS NOT NULL AND nullif(value, '') IS NOT NULL
                           AND from_agent <> value THEN 'transfer' ELSE 'event' END AS item_kind
          FROM evs)
),
ticket_items AS (
    SELECT resolved_at AS "at", 'ticket' AS kind, conversation_id, channel, NULL::VARCHAR AS direction,
           NULL::VARCHAR AS sender_type, resolved_by AS agent_id, NULL::VARCHAR AS body,
           NULL::VARCHAR AS event_kind, NULL::VARCHAR AS value, NULL::VARCHAR AS from_agent, type AS ticket_type,
           category_label AS category, note, ticket_id AS item_id, list_position({kinds}, 'ticket') AS kind_rank
    FROM tks WHERE conversation_id IN (SELECT conversation_id FROM shown)
),
page AS (
    SELECT * FROM (
        (SELECT * FROM message_items WHERE {after} ORDER BY "at" {order}, kind_rank {order}, item_id {order}
         LIMIT $limit)
        UNION ALL
        (SELECT * FROM event_items WHERE {after} ORDER BY "at" {order}, kind_rank {order}, item_id {order}
         LIMIT $limit)
        UNION ALL
        (SELECT * FROM ticket_items WHERE {after} ORDER BY "at" {order}, kind_rank {order}, item_id {order}
         LIMIT $limit)
    )
    ORDER BY "at" {order}, kind_rank {order}, item_id {order} LIMIT $limit
)
SELECT p."at", p.kind, p.conversation_id, p.channel, p.direction, p.sender_type, p.agent_id,
       a.name AS agent_name, p.body, p.event_kind, p.value, p.from_agent, p.ticket_type, p.category, p.note,
       p.item_id, p.kind_rank
FROM page p LEFT JOIN agents a ON a.agent_id = p.agent_id
ORDER BY p."at", p.kind_rank, p.item_id"""

_OLDER = ('("at" < $c_at OR ("at" = $c_at AND (kind_rank < $c_rank OR '
          '(kind_rank = $c_rank AND item_id < $c_id))))')
_NEWER = ('("at" > $c_at OR ("at" = $c_at AND (kind_rank > $c_rank OR '
          '(kind_rank = $c_rank AND item_id > $c_id))))')


def _cursor(at: pd.Timestamp, kind_rank: int, item_id: str) -> str:
    return f"{at.isoformat()}|{int(kind_rank)}|{item_id}"


def item_cursor(item: Mapping[str, object]) -> str:
    """The cursor of one item (a row of Page.items): pages from it, e.g. direction "newer" after the newest shown."""
    return _cursor(item["at"], KINDS.index(str(item["kind"])) + 1, str(item["item_id"]))


def _parse_cursor(cursor: str, timezone: str) -> dict:
    try:
        at, rank, item_id = cursor.split("|", 2)
        return {"c_at": to_timestamp(at, timezone), "c_rank": int(rank), "c_id": item_id}
    except (ValueError, AttributeError):
        raise ValidationError(f"timeline cursor '{cursor}' is not one this page handed out") from None


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
    params = (filters or Filters()).params(store.settings) | label_params(store.settings.locale)
    params |= {"contact_id": contact_id, "channels": list(as_tuple(channels)), "limit": int(limit) + 1}
    after = "TRUE"
    if cursor is not None:
        params |= _parse_cursor(cursor, store.settings.timezone)
        after = _OLDER if direction == "older" else _NEWER
    order = "DESC" if direction == "older" else "ASC"
    # only the tickets that can reach this page get their joins (the channel join reads the contact's messages)
    tickets = TICKET_JOINS_SQL.format(messages="msgs", tickets=(
        "(SELECT * FROM (SELECT *, resolved_at AS \"at\", {rank} AS kind_rank, ticket_id AS item_id FROM tickets "
        "WHERE conversation_id IN (SELECT conversation_id FROM shown)) WHERE {after} "
        "ORDER BY \"at\" {order}, item_id {order} LIMIT $limit)").format(
            rank=KINDS.index("ticket") + 1, after=after, order=order))
    sql = _ITEMS.format(tickets=tickets, after=after, order=order,
                        kinds="[" + ", ".join(f"'{k}'" for k in KINDS) + "]")
    frame = store.df(sql, used_params(sql, params))
    more = len(frame) > limit
    if more:
        frame = frame.iloc[1:] if direction == "older" else frame.iloc[:-1]
    frame = frame.reset_index(drop=True)
    next_cursor = None
    if more:
        edge = frame.iloc[0] if direction == "older" else frame.iloc[-1]
        next_cursor = _cursor(edge["at"], edge["kind_rank"], edge["item_id"])
    return Page(items=frame.drop(columns="kind_rank"), next_cursor=next_cursor)
