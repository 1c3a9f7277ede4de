"""Acting user and the role matrix (DESIGN §5): who may do which action on which conversation.

The acting user is `JUPYTERHUB_USER`, else `PIPEONE_USER`, else nobody (a read-only session). The
name matches an active teammate by `agent_id`, or else by `email` (case-insensitive), because
JupyterHub user names are often e-mail addresses; display names are not unique, so never by name.

| action            | agent                                     | manager | admin |
|-------------------|-------------------------------------------|---------|-------|
| take              | unassigned, or already theirs             | any     | any   |
| assign, set_status, resolve, reopen, compose | assigned to them only | any | any |
| add_contact, edit_contact | yes                               | yes     | yes   |
| export_outbox     | no                                        | yes     | yes   |
| manage_teammates, manage_categories, manage_templates, manage_settings | no | no | yes |

Agents edit contacts because they are the ones talking to them; a contact is not owned by one
conversation, so contact edits are not scoped by assignment. Handing the outbox to a gateway is a
supervisory step, so it needs a manager.
"""
from __future__ import annotations

import dataclasses
import os
from typing import Any, Mapping

import pandas as pd

from .. import i18n
from ..errors import PermissionDenied
from ..store import Store

USER_VARIABLES = ("JUPYTERHUB_USER", "PIPEONE_USER")
ROLES = ("agent", "manager", "admin")
CONVERSATION_ACTIONS = ("take", "assign", "set_status", "resolve", "reopen", "compose")
CONTACT_ACTIONS = ("add_contact", "edit_contact")
ADMIN_ACTIONS = ("manage_teammates", "manage_categories", "manage_templates", "manage_settings")
MANAGER_ACTIONS = ("export_outbox",)
ACTIONS = CONVERSATION_ACTIONS + CONTACT_ACTIONS + MANAGER_ACTIONS + ADMIN_ACTIONS


@dataclasses.dataclass(frozen=True)
class Actor:
    """A teammate acting in this session."""

    agent_id: str
    name: str
    role: str
    team: str | None = None


def _present(value: Any) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


def _actor(row: Mapping[str, Any]) -> Actor:
    return Actor(agent_id=row["agent_id"], name=row["name"], role=row["role"],
                 team=row["team"] if _present(row["team"]) else None)


def acting_user(store: Store, env: Mapping[str, str] | None = None) -> Actor | None:
    """The teammate named by JUPYTERHUB_USER or PIPEONE_USER; None (read-only) when neither is set."""
    env = os.environ if env is None else env
    found = next(((var, env[var].strip()) for var in USER_VARIABLES if env.get(var, "").strip()), None)
    if found is None:
        return None
    variable, user = found
    rows = store.df("SELECT agent_id, name, role, team, active, agent_id = $user AS by_id FROM agents "
                    "WHERE agent_id = $user OR lower(email) = lower($user) ORDER BY by_id DESC, agent_id",
                    {"user": user})
    locale = store.settings.locale
    if rows.empty:
        raise PermissionDenied(i18n.t("ops_unknown_user", locale, user=user, variable=variable))
    if not rows["by_id"].iloc[0] and len(rows) > 1:
        raise PermissionDenied(i18n.t("ops_ambiguous_user", locale, user=user, variable=variable,
                                      ids=", ".join(rows["agent_id"])))
    row = rows.iloc[0]
    if not row["active"]:
        raise PermissionDenied(i18n.t("ops_inactive_user", locale, user=user, variable=variable))
    return _actor(row)


def current(store: Store, actor: Actor) -> Actor:
    """The actor as the store says now (role may have changed); PermissionDenied if gone or deactivated."""
    with store.read() as con:  # one small row: no DataFrame (every write re-reads its actor)
        rows = con.execute("SELECT agent_id, name, role, team, active FROM agents WHERE agent_id = ?",
                           [actor.agent_id]).fetchall()
    locale = store.settings.locale
    if not rows:
        raise PermissionDenied(i18n.t("ops_unknown_user", locale, user=actor.agent_id, variable="agents"))
    row = dict(zip(("agent_id", "name", "role", "team", "active"), rows[0]))
    if not row["active"]:
        raise PermissionDenied(i18n.t("ops_inactive_user", locale, user=actor.agent_id, variable="agents"))
    return _actor(row)


def _assignee(conversation: Mapping[str, Any] | None) -> str | None:
    if conversation is None:
        return None
    value = conversation.get("assignee_id")
    return value if _present(value) else None


def allowed(actor: Actor | None, action: str, conversation: Mapping[str, Any] | None = None,
            locale: str = "en") -> tuple[bool, str]:
    """(True, "") or (False, one-line reason in the locale); conversation is a status row with assignee_id."""
    if action not in ACTIONS:
        raise ValueError(f"unknown action '{action}'; expected one of {', '.join(ACTIONS)}")
    what = i18n.t(f"ops_action_{action}", locale)
    if actor is None:
        return False, i18n.t("ops_read_only", locale, action=what)
    who = {"user": actor.agent_id, "role": i18n.label("role", actor.role, locale), "action": what}
    needed = None
    if action in ADMIN_ACTIONS and actor.role != "admin":
        needed = "admin"
    elif action in MANAGER_ACTIONS and actor.role not in ("manager", "admin"):
        needed = "manager"
    if needed:
        return False, i18n.t("ops_needs_role", locale, needed=i18n.label("role", needed, locale), **who)
    if action not in CONVERSATION_ACTIONS or actor.role in ("manager", "admin"):
        return True, ""
    if conversation is None:
        raise ValueError(f"'{action}' by an agent needs the conversation's state (its assignee_id)")
    assignee = _assignee(conversation)
    if assignee == actor.agent_id or (assignee is None and action == "take"):
        return True, ""
    manager = i18n.label("role", "manager", locale)
    conversation_id = conversation.get("conversation_id", "?")
    if assignee is None:
        return False, i18n.t("ops_unassigned", locale, conversation=conversation_id, needed=manager, **who)
    return False, i18n.t("ops_assigned_other", locale, conversation=conversation_id, assignee=assignee,
                         needed=manager, **who)


def check(actor: Actor | None, action: str, conversation: Mapping[str, Any] | None = None,
          locale: str = "en") -> None:
    """Nothing if the action is allowed; PermissionDenied with the one-line reason otherwise."""
    ok, reason = allowed(actor, action, conversation, locale)
    if not ok:
        raise PermissionDenied(reason)
