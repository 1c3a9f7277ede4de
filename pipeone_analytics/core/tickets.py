"""Tickets (DESIGN 4.3): joined to conversation, contact, resolver and category; counts and shares; category notes.

The channel of a ticket is its conversation's last channel at resolve time: the channel of the latest message
(notes excluded) sent at or before resolved_at. Categories that are unknown (no row in `categories`) or
inactive are kept and labelled as such, never dropped.
"""
from __future__ import annotations

from typing import Mapping

import pandas as pd

from .. import i18n
from ..errors import ValidationError
from ..store import Store, as_store
from .channels import check_period
from .filters import Filters, in_list, in_period, used_params

Source = Store | Mapping[str, pd.DataFrame]
BY = ("type", "category", "channel", "agent")

# Every ticket with its joins, as of $as_of; needs $no_category, $unknown_category, $inactive_category.
# {tickets} and {messages} name the relations to read (the tables, or a contact's subset of them).
TICKET_JOINS_SQL = """
WITH resolved AS (SELECT * FROM {tickets} WHERE resolved_at <= $as_of),
resolve_channel AS (
    SELECT t.ticket_id, arg_max(m.channel, (m.sent_at, m.message_id)) AS channel
    FROM resolved t JOIN {messages} m ON m.conversation_id = t.conversation_id AND m.sent_at <= t.resolved_at
    WHERE m.sender_type <> 'note'
    GROUP BY t.ticket_id
)
SELECT t.ticket_id, t.conversation_id, c.contact_id, ct.name AS contact_name, t.resolved_at, t.resolved_by,
       ag.name AS resolver_name, ag.team AS resolver_team, t.type,
       t.category AS category_id, cat.name AS category_name, cat.active AS category_active,
       CASE WHEN t.category IS NULL THEN 'none' WHEN cat.category_id IS NULL THEN 'unknown'
            WHEN cat.active THEN 'active' ELSE 'inactive' END AS category_state,
       CASE WHEN t.category IS NULL THEN $no_category
            WHEN cat.category_id IS NULL THEN $unknown_category || ' (' || t.category || ')'
            WHEN cat.active THEN cat.name
            ELSE replace($inactive_category, '{{name}}', cat.name) END AS category_label,
       t.note, rc.channel
FROM resolved t
LEFT JOIN conversations c USING (conversation_id)
LEFT JOIN contacts ct ON ct.contact_id = c.contact_id
LEFT JOIN agents ag ON ag.agent_id = t.resolved_by
LEFT JOIN categories cat ON cat.category_id = t.category
LEFT JOIN resolve_channel rc ON rc.ticket_id = t.ticket_id"""
TICKETS_SQL = TICKET_JOINS_SQL.format(tickets="tickets", messages="messages")


def label_params(locale: str) -> dict[str, str]:
    """The category words TICKETS_SQL needs, in the locale."""
    return {"no_category": i18n.t("no_category", locale), "unknown_category": i18n.t("unknown_category", locale),
            "inactive_category": i18n.MESSAGES["inactive_category"][locale]}


# The joins of the period's tickets only: the period is applied before the channel lookup over messages.
PERIOD_TICKETS_SQL = TICKET_JOINS_SQL.format(
    tickets=f"(SELECT * FROM tickets WHERE {in_period('resolved_at')})", messages="messages")


def _filtered(where: str = "") -> str:
    return (f"SELECT * FROM ({PERIOD_TICKETS_SQL}) WHERE {in_list('channel', 'channels')} "
            f"AND {in_list('resolved_by', 'agents')} AND {in_list('resolver_team', 'teams')} "
            f"AND {in_list('category_id', 'categories')} {where}")


def _params(store: Store, filters: Filters | None) -> dict:
    return (filters or Filters()).params(store.settings) | label_params(store.settings.locale)


def tickets(source: Source, filters: Filters | None = None) -> pd.DataFrame:
    """Tickets resolved up to filters.as_of, filtered by period (resolved_at), channels, agents (resolver),
    teams (resolver's team) and categories (category_id).

    Columns: ticket_id, conversation_id, contact_id, contact_name, resolved_at, resolved_by, resolver_name,
    resolver_team, type, category_id, category_name (NULL when unknown), category_active (NULL when unknown),
    category_state (none, unknown, inactive, active), category_label (in the store's locale), note, channel.
    """
    store = as_store(source)
    sql = _filtered() + " ORDER BY resolved_at, ticket_id"
    return store.df(sql, used_params(sql, _params(store, filters)))


def ticket_counts(source: Source, filters: Filters | None = None, by: str = "type",
                  period: str = "day") -> pd.DataFrame:
    """Tickets per day, week (Monday) or month (account timezone) and per type, category, channel or resolver.

    Same filters as tickets(). share is the key's share of that period's tickets (0..1). The key of a ticket
    with no category, channel or resolver is NULL, labelled "no category" / the key itself / "unassigned".
    Columns: period_start (DATE), key, label, tickets, share.
    """
    if by not in BY:
        raise ValidationError(f"by '{by}' is not one of {', '.join(BY)}")
    check_period(period)
    store = as_store(source)
    key = {"type": "type", "category": "category_id", "channel": "channel", "agent": "resolved_by"}[by]
    label = {"type": "type", "category": "category_label", "channel": "channel",
             "agent": "coalesce(resolver_name, resolved_by)"}[by]
    sql = f"""
    WITH counted AS (
        SELECT date_trunc('{period}', resolved_at)::DATE AS period_start, {key} AS key,
               any_value({label}) AS label, count(*) AS tickets
        FROM ({_filtered()}) GROUP BY 1, 2
    )
    SELECT period_start, key, label, tickets,
           tickets / sum(tickets) OVER (PARTITION BY period_start) AS share
    FROM counted ORDER BY period_start, tickets DESC, key"""
    frame = store.df(sql, used_params(sql, _params(store, filters)))
    locale = store.settings.locale
    if by in ("type", "channel"):
        words = i18n.TICKET_TYPES if by == "type" else i18n.CHANNELS
        frame["label"] = frame["key"].map({k: v[locale] for k, v in words.items()}).fillna(frame["key"])
    if by == "agent":
        frame["label"] = frame["label"].fillna(i18n.t("unassigned", locale))
    return frame


def category_notes(source: Source, category_id: str, limit: int = 20,
                   filters: Filters | None = None) -> pd.DataFrame:
    """The newest tickets of a category that carry a note, newest first, up to filters.as_of.

    Columns: ticket_id, conversation_id, contact_id, contact_name, resolved_at, resolved_by, resolver_name,
    type, note.
    """
    store = as_store(source)
    sql = f"""
    SELECT ticket_id, conversation_id, contact_id, contact_name, resolved_at, resolved_by, resolver_name, type, note
    FROM ({TICKETS_SQL})
    WHERE category_id = $category_id AND nullif(trim(note), '') IS NOT NULL
    ORDER BY resolved_at DESC, ticket_id DESC LIMIT $limit"""
    params = _params(store, filters) | {"category_id": category_id, "limit": int(limit)}
    return store.df(sql, used_params(sql, params))


def export_tickets(store: Store, as_of: str | None = None, **_: object) -> pd.DataFrame:
    """`pipeone export tickets`: one row per ticket with the columns of tickets()."""
    return tickets(store, Filters(as_of=as_of))
