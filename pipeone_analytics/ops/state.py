"""A conversation's current state for ops, derived by core/status.py (never a second fold here), and its version.

core/status.py reads the stored fold (derived/status.py), which every write refreshes in its own transaction, so
the state read on a write's connection after the write (state_row, conversation_state) is that refreshed row,
not a second fold.

The version is a fingerprint of the conversation's stored state row, which every writer refreshes from the
conversation's messages, notes, events and row in its own transaction. A caller that read a state together with its
version (on one read connection) may hand both back to a write: when the version inside the write transaction is
still the same, the held state is the current one (a write that changed no column of the state leaves it as it
was) and it is not read again; when anything changed (another agent acted, an import changed the state), the
write reads the fresh state and checks it.
A conversation with an item dated after now has no version: its state changes by itself as time passes.
"""
from __future__ import annotations

from typing import Any, Mapping

import pandas as pd

from .. import i18n
from ..core.conversations import conversation_list
from ..core.status import status_as_of
from ..derived.status import STATE_TABLE
from ..errors import ValidationError
from ..store import Store

# The columns of a state that the checks of ops read, and that an action's result carries forward.
STATE_KEYS = ("conversation_id", "contact_id", "status", "assignee_id")

_VERSION = f"""
SELECT count(*) AS n, max(hash(s))::VARCHAR AS h, coalesce(max(horizon) > $now, FALSE) AS moving
FROM {STATE_TABLE} s WHERE conversation_id = $id"""


def conversation_state(store: Store, conversation_id: str) -> dict[str, Any]:
    """The status row of one conversation (conversation_id, contact_id, status, assignee_id, ...), now."""
    rows = status_as_of(store, None, conversation_ids=[conversation_id])
    if rows.empty:
        raise ValidationError(i18n.t("ops_unknown_conversation", store.settings.locale,
                                     conversation=conversation_id))
    return rows.iloc[0].to_dict()


def conversation_version(store: Store, conversation_id: str, now: pd.Timestamp | None = None) -> str | None:
    """The fingerprint of the rows one conversation's state derives from; None when it has an item after now
    (or no row at all)."""
    now = pd.Timestamp.now(tz="UTC") if now is None else now
    with store.read() as con:
        n, h, moving = con.execute(_VERSION, {"id": conversation_id, "now": now}).fetchall()[0]
    return None if n == 0 or moving else f"{n}:{h}"


def state_row(store: Store, conversation_id: str, now: pd.Timestamp) -> dict[str, Any]:
    """The conversation's list row (core.conversations.conversation_list columns) as `store` sees it now, with its
    "version": the state after a write whose effect the fold decides (a reopen, a message)."""
    row = conversation_list(store, conversation_ids=[conversation_id]).items.iloc[0].to_dict()
    return row | {"version": conversation_version(store, conversation_id, now)}


def checked_state(store: Store, conversation_id: str, held: Mapping[str, Any] | None,
                  now: pd.Timestamp) -> tuple[dict[str, Any], bool]:
    """(the conversation's current state, whether `held` was it): `held` (a state with its "version") is used
    as it is when its version is still the store's; otherwise the state is folded again."""
    if held is not None and held.get("version") is not None and held.get("conversation_id") == conversation_id:
        if conversation_version(store, conversation_id, now) == held["version"]:
            return {k: held.get(k) for k in STATE_KEYS}, True
    return conversation_state(store, conversation_id), False
