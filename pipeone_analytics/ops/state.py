"""A conversation's current state for ops, derived by core/status.py (never a second fold here)."""
from __future__ import annotations

from typing import Any

from .. import i18n
from ..core.status import status_as_of
from ..errors import ValidationError
from ..store import Store


def conversation_state(store: Store, conversation_id: str) -> dict[str, Any]:
    """The status row of one conversation (conversation_id, contact_id, status, assignee_id, ...), now."""
    rows = status_as_of(store, None, conversation_ids=[conversation_id])
    if rows.empty:
        raise ValidationError(i18n.t("ops_unknown_conversation", store.settings.locale,
                                     conversation=conversation_id))
    return rows.iloc[0].to_dict()
