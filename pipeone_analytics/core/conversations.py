"""The inbox conversation list: one row per conversation with its tags, preview and assignee, newest activity
first, filtered and paged by a keyset cursor so that the 100,000th conversation opens as fast as the first.

The state of each candidate conversation (status, assignee, unanswered flag, last channel, last activity) is
what status_as_of reads (derived.status.status_now_ctes: the stored fold, and a fold of the candidates with an
input after as_of when there are any), so the list and status_as_of cannot disagree; only the preview (the last
message, notes excluded) is the list's own.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Iterable, Mapping

import pandas as pd

from ..errors import ValidationError
from ..store import Store, as_store
from .filters import Filters, as_tuple, in_list, in_period, to_timestamp, used_params
from ..derived.status import status_now_ctes
from .status import STATUS_VALUES, unsettled_count

Source = Store | Mapping[str, pd.DataFrame]

_IN_CAND = "conversation_id IN (SELECT conversation_id FROM cand)"



def _state(fold: bool) -> str:
    """CTEs of the candidates' state as status_as_of reads it (`fold`: some conversation has an input after
    $as_of), plus the preview: the last message, notes excluded."""
    return f"""
{status_now_ctes(_IN_CAND, fold, few=True)},
previews AS (
    SELECT conversation_id, arg_max(body, (sent_at, message_id)) AS preview,
           arg_max(direction, (sent_at, message_id)) AS preview_direction,
           arg_max(sender_type, (sent_at, message_id)) AS preview_sender
    FROM messages WHERE {_IN_CAND} AND sent_at <= $as_of AND sender_type <> 'note' GROUP BY conversation_id
),
listed AS (
    SELECT s.*, p.preview, p.preview_direction, p.preview_sender
    FROM status_now s LEFT JOIN previews p USING (conversation_id)
)"""


# Candidates: eligible conversations with any activity in the window [$w_start, $w_end] (no lower bound when
# $w_start is NULL). Every eligible conversation whose last activity falls in the window is among them.
_WINDOW = """
cand AS MATERIALIZED (
    SELECT conversation_id FROM (
        SELECT conversation_id FROM messages
        WHERE sent_at <= $w_end AND ($w_start::TIMESTAMPTZ IS NULL OR sent_at >= $w_start)
        UNION SELECT conversation_id FROM events
        WHERE "at" <= $w_end AND ($w_start::TIMESTAMPTZ IS NULL OR "at" >= $w_start)
        UNION SELECT conversation_id FROM conversations
        WHERE created_at <= $w_end AND ($w_start::TIMESTAMPTZ IS NULL OR created_at >= $w_start)
    ) WHERE {eligible}
)"""

# Conversations a text search finds: a matching message or note body, or a matching contact.
_HITS = """
hits AS MATERIALIZED (
    SELECT conversation_id FROM messages WHERE contains(lower(body), $search)
    UNION SELECT c.conversation_id FROM conversations c JOIN contacts ct USING (contact_id)
    WHERE contains(lower(ct.name), $search) OR contains(lower(ct.phone), $search) OR contains(lower(ct.email), $search)
       OR ($digits::VARCHAR IS NOT NULL AND contains(ct.phone_e164, $digits))
    UNION SELECT m.conversation_id FROM messages m JOIN contacts ct USING (contact_id)
    WHERE m.contact_id IS NOT NULL AND (contains(lower(ct.name), $search) OR contains(lower(ct.phone), $search)
       OR ($digits::VARCHAR IS NOT NULL AND contains(ct.phone_e164, $digits)))
)"""

# Candidates named by the caller.
_IDS = """
cand AS (SELECT DISTINCT unnest($ids::VARCHAR[]) AS conversation_id)"""

# The N-th latest message time of eligible conversations at or before $w_end (NULL when fewer than N remain).
_WINDOW_START = """
SELECT CASE WHEN count(*) = $n THEN min(sent_at) END AS w_start
FROM (SELECT sent_at FROM messages WHERE sent_at <= $w_end AND {eligible} ORDER BY sent_at DESC LIMIT $n)"""
_ALL = "TRUE"
_FOUND = "conversation_id IN (SELECT conversation_id FROM hits)"

_AFTER = "AND (s.last_activity_at < $c_at OR (s.last_activity_at = $c_at AND s.conversation_id < $c_id))"
_IN_WINDOW = "AND ($w_start::TIMESTAMPTZ IS NULL OR s.last_activity_at >= $w_start)"

_PAGE = """
page AS MATERIALIZED (
    SELECT s.* FROM listed s LEFT JOIN agents ag ON ag.agent_id = s.assignee_id
    WHERE {where}
    ORDER BY s.last_activity_at DESC, s.conversation_id DESC LIMIT $limit
),
page_contacts AS (
    SELECT contact_id, name, phone FROM contacts WHERE contact_id IN (SELECT contact_id FROM page)
)
SELECT p.conversation_id, p.contact_id, ct.name, ct.phone, p.status, p.last_channel, p.last_activity_at,
       p.assignee_id, ag.name AS assignee_name, p.unanswered, p.preview, p.preview_direction, p.preview_sender
FROM page p
LEFT JOIN page_contacts ct ON ct.contact_id = p.contact_id
LEFT JOIN agents ag ON ag.agent_id = p.assignee_id
ORDER BY p.last_activity_at DESC, p.conversation_id DESC"""

# Messages in the first window, per row wanted; the window grows this many times when it holds too few.
WINDOW_PER_ROW = 20
WINDOW_GROWTH = 8


@dataclasses.dataclass(frozen=True)
class ListPage:
    """One page of the conversation list, newest activity first, and the cursor of the next page (None: end).

    items columns: conversation_id, contact_id, name, phone (the contact's), status, last_channel,
    last_activity_at, assignee_id, assignee_name, unanswered (the last contact/agent message is inbound),
    preview (body of the last message, notes excluded), preview_direction, preview_sender (its sender_type).
    """

    items: pd.DataFrame
    next_cursor: str | None


def _cursor(at: pd.Timestamp, conversation_id: str) -> str:
    return f"{at.isoformat()}|{conversation_id}"


def _parse_cursor(cursor: str, timezone: str) -> dict:
    try:
        at, conversation_id = cursor.split("|", 1)
        return {"c_at": to_timestamp(at, timezone), "c_id": conversation_id}
    except (ValueError, AttributeError):
        raise ValidationError(f"conversation list cursor '{cursor}' is not one this list handed out") from None


def conversation_list(source: Source, filters: Filters | None = None, statuses: Iterable[str] | str = (),
                      unassigned: bool = False, search: str | None = None, cursor: str | None = None,
                      limit: int = 50, conversation_ids: Iterable[str] | None = None) -> ListPage:
    """One page of the conversation list as of filters.as_of (default now), sorted by last activity, newest first.

    Filters: channels (last channel), agents (assignee; with unassigned=True, unassigned ones too; unassigned
    alone keeps only those), teams (assignee's team), period (last_activity_at in it); statuses (empty: all);
    search: case-insensitive text in the contact's name, phone or email, or in any message or note body of the
    conversation (digits also match the E.164 phone). cursor: next_cursor of the previous page.
    conversation_ids: only these conversations (the app re-reads the open one after an action), not with search.
    Without a search the state is derived only for conversations active in a window of recent messages,
    widened until it holds a full page, so a page costs the same at any depth of the list.
    Columns of items: see ListPage.
    """
    statuses = as_tuple(statuses)
    unknown = sorted(set(statuses) - set(STATUS_VALUES))
    if unknown:
        raise ValidationError(f"status '{unknown[0]}' is not one of {', '.join(STATUS_VALUES)}")
    if limit < 1:
        raise ValidationError(f"limit must be at least 1, not {limit}")
    store = as_store(source)
    filters = filters or Filters()
    params = filters.params(store.settings) | {"statuses": list(statuses), "limit": int(limit) + 1}
    assignee = in_list("s.assignee_id", "agents")
    if unassigned:
        assignee = ("(s.assignee_id IS NULL OR list_contains($agents::VARCHAR[], s.assignee_id))" if filters.agents
                    else "s.assignee_id IS NULL")
    where = (f"{in_list('s.status', 'statuses')} AND {in_list('s.last_channel', 'channels')} AND {assignee} "
             f"AND {in_list('ag.team', 'teams')} AND {in_period('s.last_activity_at')}")
    if cursor is not None:
        params |= _parse_cursor(cursor, store.settings.timezone)
        where += " " + _AFTER
    text = (search or "").strip().lower()
    if text and conversation_ids is not None:
        raise ValidationError("give either a search or conversation ids, not both")
    with store.read() as con:
        state = _state(unsettled_count(con, params) > 0)
        if conversation_ids is not None:
            params["ids"] = list(conversation_ids)
            sql = f"WITH {_IDS},{state},{_PAGE.format(where=where)}"
            frame = con.execute(sql, used_params(sql, params)).df()
        elif text:
            params |= {"search": text, "digits": re.sub(r"\D", "", text) or None}
            frame = _windowed(con, params, where, limit, _HITS + ",", _FOUND, state)
        else:
            frame = _windowed(con, params, where, limit, "", _ALL, state)
    more = len(frame) > limit
    frame = frame.iloc[:limit].reset_index(drop=True)
    next_cursor = None
    if more:
        last = frame.iloc[-1]
        next_cursor = _cursor(last["last_activity_at"], last["conversation_id"])
    return ListPage(items=frame, next_cursor=next_cursor)


def _windowed(con: object, params: dict, where: str, limit: int, hits: str, eligible: str, state: str
              ) -> pd.DataFrame:
    """The page from windows of the N latest eligible messages before the cursor, N growing until the page is
    full; `hits` defines the CTE that `eligible` may name, `state` the candidates' rows (_state)."""
    params = params | {"w_end": params.get("c_at") or params["as_of"]}
    if params["w_end"] > params["as_of"]:
        params["w_end"] = params["as_of"]
    sql = f"WITH {hits}{_WINDOW.format(eligible=eligible)},{state},{_PAGE.format(where=where + ' ' + _IN_WINDOW)}"
    start = (f"WITH {hits.rstrip(',')} " if hits else "") + _WINDOW_START.format(eligible=eligible)
    n = (limit + 1) * WINDOW_PER_ROW
    while True:
        params["n"] = n
        params["w_start"] = con.execute(start, used_params(start, params)).fetchall()[0][0]
        frame = con.execute(sql, used_params(sql, params)).df()
        if len(frame) > limit or params["w_start"] is None:
            return frame
        n *= WINDOW_GROWTH


def contact_profile(source: Source, contact_id: str) -> pd.DataFrame:
    """The contact's row for the profile pane (no row when the contact is unknown).

    Columns: contact_id, name, phone, phone_e164, phone_valid, email, created_at, attributes (JSON text).
    """
    store = as_store(source)
    return store.df("SELECT contact_id, name, phone, phone_e164, phone_valid, email, created_at, attributes "
                    "FROM contacts WHERE contact_id = ?", [contact_id])
