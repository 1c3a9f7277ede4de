"""Admin settings: teammates, ticket categories and account settings (admins only).

Rules beyond the role check:
- The account always keeps one active admin: demoting or deactivating the last active admin is
  refused, whoever asks (an admin may deactivate or demote themselves while another admin remains).
- A deactivated teammate keeps their history and the conversations assigned to them; they can no
  longer act or be given conversations, and a manager can transfer what they held.
- A deactivated or renamed category keeps its id, so existing tickets keep their category; only
  new resolves need an active one. Active category names are unique, ignoring case.
"""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from ..store import Store
from .audit import Operation, audited, new_id, plain
from .permissions import ROLES, Actor


def _teammate(op: Operation, agent_id: str) -> dict[str, Any]:
    rows = op.con.execute("SELECT agent_id, name, email, role, team, active FROM agents WHERE agent_id = ?",
                          [agent_id]).df()
    if rows.empty:
        raise op.fail("ops_unknown_agent", agent=agent_id)
    return {k: plain(v) for k, v in rows.iloc[0].items()}


def _keeps_an_admin(op: Operation, agent_id: str) -> None:
    others = op.con.execute("SELECT count(*) FROM agents WHERE role = 'admin' AND active AND agent_id <> ?",
                            [agent_id]).fetchall()[0][0]
    if others == 0:
        raise op.fail("ops_last_admin", agent=agent_id)


def _role(op: Operation, role: str) -> None:
    if role not in ROLES:
        raise op.fail("ops_bad_role", role=role, allowed=", ".join(ROLES))


def add_teammate(store: Store, actor: Actor | None, agent_id: str, name: str, role: str = "agent",
                 email: str | None = None, team: str | None = None) -> str:
    """Add an active teammate with a role (agent, manager or admin); returns the agent_id."""
    with audited(store, actor, "add_teammate", "agent", agent_id, permission="manage_teammates") as op:
        _role(op, role)
        if not agent_id or not agent_id.strip() or not name or not name.strip():
            raise op.fail("ops_teammate_required")
        if op.con.execute("SELECT count(*) FROM agents WHERE agent_id = ?", [agent_id]).fetchall()[0][0]:
            raise op.fail("ops_teammate_exists", agent=agent_id)
        row = {"agent_id": agent_id, "name": name.strip(), "email": email or None, "role": role,
               "team": team or None, "active": True}
        op.con.execute("INSERT INTO agents (agent_id, name, email, role, team, active) VALUES (?, ?, ?, ?, ?, ?)",
                       list(row.values()))
        op.after = row
    return agent_id


def change_role(store: Store, actor: Actor | None, agent_id: str, role: str) -> None:
    """Give a teammate another role; the last active admin cannot be demoted."""
    with audited(store, actor, "change_role", "agent", agent_id, permission="manage_teammates") as op:
        _role(op, role)
        before = _teammate(op, agent_id)
        if before["role"] == role:
            raise op.fail("ops_nothing_changed", target=agent_id)
        if before["role"] == "admin" and before["active"]:
            _keeps_an_admin(op, agent_id)
        op.con.execute("UPDATE agents SET role = ? WHERE agent_id = ?", [role, agent_id])
        op.before, op.after = before, {**before, "role": role}


def deactivate_teammate(store: Store, actor: Actor | None, agent_id: str) -> None:
    """Deactivate a teammate; the last active admin cannot be deactivated."""
    with audited(store, actor, "deactivate_teammate", "agent", agent_id, permission="manage_teammates") as op:
        before = _teammate(op, agent_id)
        if not before["active"]:
            raise op.fail("ops_nothing_changed", target=agent_id)
        if before["role"] == "admin":
            _keeps_an_admin(op, agent_id)
        op.con.execute("UPDATE agents SET active = false WHERE agent_id = ?", [agent_id])
        op.before, op.after = before, {**before, "active": False}


def _category_name(op: Operation, name: str, category_id: str) -> str:
    name = (name or "").strip()
    if not name:
        raise op.fail("ops_name_required")
    clash = op.con.execute("SELECT category_id FROM categories WHERE active AND lower(name) = lower(?) "
                           "AND category_id <> ?", [name, category_id]).fetchall()
    if clash:
        raise op.fail("ops_category_exists", name=name)
    return name


def _category(op: Operation, category_id: str) -> dict[str, Any]:
    rows = op.con.execute("SELECT category_id, name, active FROM categories WHERE category_id = ?",
                          [category_id]).df()
    if rows.empty:
        raise op.fail("ops_unknown_category", category=category_id)
    return {k: plain(v) for k, v in rows.iloc[0].items()}


def add_category(store: Store, actor: Actor | None, name: str, category_id: str | None = None) -> str:
    """Add an active ticket category; returns its category_id (a new UUID unless given)."""
    category_id = category_id or new_id()
    with audited(store, actor, "add_category", "category", category_id, permission="manage_categories") as op:
        name = _category_name(op, name, category_id)
        if op.con.execute("SELECT count(*) FROM categories WHERE category_id = ?", [category_id]).fetchall()[0][0]:
            raise op.fail("ops_category_id_exists", category=category_id)
        op.con.execute("INSERT INTO categories (category_id, name, active) VALUES (?, ?, true)", [category_id, name])
        op.after = {"category_id": category_id, "name": name, "active": True}
    return category_id


def rename_category(store: Store, actor: Actor | None, category_id: str, name: str) -> None:
    """Rename a category; its tickets keep it, under the new name."""
    with audited(store, actor, "rename_category", "category", category_id, permission="manage_categories") as op:
        before = _category(op, category_id)
        name = _category_name(op, name, category_id)
        if name == before["name"]:
            raise op.fail("ops_nothing_changed", target=category_id)
        op.con.execute("UPDATE categories SET name = ? WHERE category_id = ?", [name, category_id])
        op.before, op.after = before, {**before, "name": name}


def deactivate_category(store: Store, actor: Actor | None, category_id: str) -> None:
    """Deactivate a category: no new resolve may use it; existing tickets keep it."""
    with audited(store, actor, "deactivate_category", "category", category_id,
                 permission="manage_categories") as op:
        before = _category(op, category_id)
        if not before["active"]:
            raise op.fail("ops_nothing_changed", target=category_id)
        op.con.execute("UPDATE categories SET active = false WHERE category_id = ?", [category_id])
        op.before, op.after = before, {**before, "active": False}


def set_setting(store: Store, actor: Actor | None, key: str, value: Any) -> None:
    """Set one account setting to a JSON-serializable value (admin)."""
    with audited(store, actor, "set_setting", "setting", key, permission="manage_settings") as op:
        if not key or not key.strip():
            raise op.fail("ops_name_required")
        try:
            text = json.dumps(plain(value), ensure_ascii=False, sort_keys=True)
        except (TypeError, ValueError):
            raise op.fail("ops_setting_not_json", setting=key) from None
        rows = op.con.execute("SELECT value FROM settings WHERE key = ?", [key]).fetchall()
        op.con.execute("INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, "
                       "updated_by = excluded.updated_by", [key, text, op.at, op.actor.agent_id])
        op.before = {"value": json.loads(rows[0][0])} if rows else None
        op.after = {"value": json.loads(text)}


def get_settings(store: Store) -> pd.DataFrame:
    """Every account setting with its value decoded from JSON. Columns: key, value, updated_at, updated_by."""
    frame = store.df("SELECT key, value, updated_at, updated_by FROM settings ORDER BY key")
    frame["value"] = frame["value"].map(json.loads).astype(object)
    return frame


def teammates(store: Store) -> pd.DataFrame:
    """Every teammate, active first. Columns: agent_id, name, email, role, team, active."""
    return store.df("SELECT agent_id, name, email, role, team, active FROM agents "
                    "ORDER BY NOT active, lower(name), agent_id")


def categories(store: Store) -> pd.DataFrame:
    """Every ticket category, active first. Columns: category_id, name, active."""
    return store.df("SELECT category_id, name, active FROM categories ORDER BY NOT active, lower(name), category_id")
