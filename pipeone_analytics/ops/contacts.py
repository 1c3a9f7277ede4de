"""Contact profiles: add a contact, edit name, phone, email and custom attributes (any active teammate).

The phone is checked again with phones.py on every change: a valid one is stored as given plus its
E.164 form; an invalid one is kept, flagged `phone_valid = false` (the rating then shows 0 stars).
Custom attributes live in the `attributes` JSON: given keys are merged in, and a key given as None
is removed. For name, phone and email, None leaves the field as it is and "" clears it.
"""
from __future__ import annotations

import json
import re
from typing import Any, Mapping

from ..phones import check_phone
from ..store import Store
from .audit import Operation, audited, new_id, plain
from .permissions import Actor

EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
FIELDS = ("name", "phone", "phone_e164", "phone_valid", "email", "attributes")


def _row(op: Operation, contact_id: str) -> dict[str, Any] | None:
    rows = op.con.execute(f"SELECT {', '.join(FIELDS)} FROM contacts WHERE contact_id = ?", [contact_id]).df()
    if rows.empty:
        return None
    row = {k: plain(v) for k, v in rows.iloc[0].items()}
    row["attributes"] = json.loads(row["attributes"]) if row["attributes"] else {}
    return row


def _changed(op: Operation, row: dict[str, Any], name: str | None, phone: str | None, email: str | None,
             attributes: Mapping[str, Any] | None) -> dict[str, Any]:
    row = dict(row)
    if name is not None:
        row["name"] = name.strip() or None
    if email is not None:
        email = email.strip() or None
        if email is not None and not EMAIL.fullmatch(email):
            raise op.fail("ops_bad_email", email=email)
        row["email"] = email
    if phone is not None:
        row["phone"] = phone.strip() or None
        row["phone_e164"], row["phone_valid"] = check_phone(row["phone"], op.store.settings.phone_region)
    merged = dict(row.get("attributes") or {})
    for key, value in (attributes or {}).items():
        if key in FIELDS or key == "contact_id":
            raise op.fail("ops_attribute_reserved", attribute=key)
        if value is None:
            merged.pop(key, None)
        else:
            merged[str(key)] = plain(value)
    row["attributes"] = merged
    return row


def _params(row: dict[str, Any]) -> list[Any]:
    return [row["name"], row["phone"], row["phone_e164"], row["phone_valid"], row["email"],
            json.dumps(row["attributes"], ensure_ascii=False, sort_keys=True)]


def add_contact(store: Store, actor: Actor | None, name: str | None = None, phone: str | None = None,
                email: str | None = None, attributes: Mapping[str, Any] | None = None,
                contact_id: str | None = None) -> str:
    """Add a contact (any teammate); returns its contact_id (a new UUID unless given)."""
    contact_id = contact_id or new_id()
    with audited(store, actor, "add_contact", "contact", contact_id) as op:
        if _row(op, contact_id) is not None:
            raise op.fail("ops_contact_exists", contact=contact_id)
        empty = {"name": None, "phone": None, "phone_e164": None, "phone_valid": None, "email": None,
                 "attributes": {}}
        row = _changed(op, empty, name or "", phone or "", email or "", attributes)
        op.con.execute(f"INSERT INTO contacts (contact_id, created_at, {', '.join(FIELDS)}) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?)", [contact_id, op.at, *_params(row)])
        op.after = row
    return contact_id


def update_contact(store: Store, actor: Actor | None, contact_id: str, name: str | None = None,
                   phone: str | None = None, email: str | None = None,
                   attributes: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Edit a contact (any teammate); returns the fields after the change."""
    with audited(store, actor, "update_contact", "contact", contact_id, permission="edit_contact") as op:
        before = _row(op, contact_id)
        if before is None:
            raise op.fail("ops_unknown_contact", contact=contact_id)
        after = _changed(op, before, name, phone, email, attributes)
        if after == before:
            raise op.fail("ops_nothing_changed", target=contact_id)
        op.con.execute(f"UPDATE contacts SET {', '.join(f'{f} = ?' for f in FIELDS)} WHERE contact_id = ?",
                       [*_params(after), contact_id])
        op.before, op.after = before, after
    return after
