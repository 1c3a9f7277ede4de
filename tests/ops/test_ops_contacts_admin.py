"""Contact profiles, teammates, categories and settings: each change audited with before and after."""
from __future__ import annotations

import json

import pytest

from ops_team import as_user, counts
from pipeone_analytics.errors import ValidationError
from pipeone_analytics.ops import admin, contacts
from pipeone_analytics.store import Store


def _contact(store: Store, contact_id: str) -> dict:
    row = store.df("SELECT name, phone, phone_e164, phone_valid, email, attributes FROM contacts "
                   "WHERE contact_id = ?", [contact_id]).iloc[0].to_dict()
    row["attributes"] = json.loads(row["attributes"]) if isinstance(row["attributes"], str) else None
    return {k: (None if v is None or (isinstance(v, float) and v != v) else v) for k, v in row.items()}


def _last_audit(store: Store) -> dict:
    row = store.df("SELECT * FROM audit_log ORDER BY created_at DESC LIMIT 1").iloc[0]
    return {"action": row["action"], "target": (row["target_type"], row["target_id"]), "actor": row["actor_id"],
            "before": json.loads(row["before"]) if row["before"] else None, "after": json.loads(row["after"])}


def test_add_contact_normalizes_the_phone(inbox: Store) -> None:
    contact_id = contacts.add_contact(inbox, as_user(inbox, "ana"), name=" Rita Souza ", phone="(11) 98765-1234",
                                      email="rita@example.com", attributes={"plan": "free"})
    assert _contact(inbox, contact_id) == {"name": "Rita Souza", "phone": "(11) 98765-1234",
                                           "phone_e164": "+5511987651234", "phone_valid": True,
                                           "email": "rita@example.com", "attributes": {"plan": "free"}}
    audit = _last_audit(inbox)
    assert (audit["action"], audit["target"], audit["before"]) == ("add_contact", ("contact", contact_id), None)
    assert audit["after"]["phone_e164"] == "+5511987651234"
    with pytest.raises(ValidationError, match=f"contact {contact_id} already exists"):
        contacts.add_contact(inbox, as_user(inbox, "ana"), name="Again", contact_id=contact_id)


def test_an_invalid_phone_is_kept_but_flagged_and_an_empty_one_clears_it(inbox: Store) -> None:
    ana = as_user(inbox, "ana")
    contacts.update_contact(inbox, ana, "k1", phone="123")
    assert _contact(inbox, "k1")["phone"] == "123"
    assert (_contact(inbox, "k1")["phone_e164"], _contact(inbox, "k1")["phone_valid"]) == (None, False)
    contacts.update_contact(inbox, ana, "k1", phone="")
    assert (_contact(inbox, "k1")["phone"], _contact(inbox, "k1")["phone_valid"]) == (None, None)


def test_attributes_merge_and_a_none_value_removes_a_key(inbox: Store) -> None:
    after = contacts.update_contact(inbox, as_user(inbox, "bob"), "k1", email="JOANA@example.org",
                                    attributes={"plan": "platinum", "city": None, "vip": True})
    stored = _contact(inbox, "k1")
    assert stored["attributes"] == {"plan": "platinum", "vip": True} == after["attributes"]
    assert (stored["name"], stored["email"], stored["phone_e164"]) == ("Joana Silva", "JOANA@example.org",
                                                                       "+5511987654321")
    audit = _last_audit(inbox)
    assert audit["before"]["attributes"] == {"plan": "gold", "city": "Recife"}
    assert audit["after"]["attributes"] == {"plan": "platinum", "vip": True}
    assert (audit["before"]["email"], audit["after"]["email"]) == ("joana@example.com", "JOANA@example.org")


@pytest.mark.parametrize("changes, message", [
    ({"email": "not-an-email"}, "'not-an-email' is not an email address"),
    ({"attributes": {"phone": "1"}}, "'phone' is a contact field, not a custom attribute"),
    ({"name": "Joana Silva"}, "nothing to change on k1"),
])
def test_bad_contact_edits_are_refused(inbox: Store, changes: dict, message: str) -> None:
    before = counts(inbox)
    with pytest.raises(ValidationError, match=message):
        contacts.update_contact(inbox, as_user(inbox, "ana"), "k1", **changes)
    assert counts(inbox) == before
    with pytest.raises(ValidationError, match="no contact zz"):
        contacts.update_contact(inbox, as_user(inbox, "ana"), "zz", name="Z")


# --- teammates ---------------------------------------------------------------------------------------------

def test_add_teammate_and_change_role(inbox: Store) -> None:
    root = as_user(inbox, "root")
    admin.add_teammate(inbox, root, "dan", "Dan Dias", role="manager", email="dan@example.com", team="B")
    assert as_user(inbox, "dan").role == "manager"
    admin.change_role(inbox, root, "dan", "agent")
    audit = _last_audit(inbox)
    assert (audit["action"], audit["before"]["role"], audit["after"]["role"]) == ("change_role", "manager", "agent")
    with pytest.raises(ValidationError, match="teammate dan already exists"):
        admin.add_teammate(inbox, root, "dan", "Dan")
    with pytest.raises(ValidationError, match="unknown role 'boss'"):
        admin.add_teammate(inbox, root, "eve", "Eve", role="boss")
    assert admin.teammates(inbox)["agent_id"].tolist() == ["ana", "bob", "dan", "mia", "root", "old"]


def test_the_last_active_admin_can_be_neither_demoted_nor_deactivated(inbox: Store) -> None:
    root = as_user(inbox, "root")
    with pytest.raises(ValidationError, match="root is the last active admin"):
        admin.change_role(inbox, root, "root", "manager")
    with pytest.raises(ValidationError, match="root is the last active admin"):
        admin.deactivate_teammate(inbox, root, "root")
    admin.add_teammate(inbox, root, "eve", "Eve", role="admin")
    admin.deactivate_teammate(inbox, root, "eve")  # an inactive admin does not count
    with pytest.raises(ValidationError, match="root is the last active admin"):
        admin.deactivate_teammate(inbox, root, "root")
    admin.add_teammate(inbox, root, "fay", "Fay", role="admin")
    admin.change_role(inbox, root, "root", "agent")  # fay remains; root demoted themselves
    fay = as_user(inbox, "fay")
    with pytest.raises(ValidationError, match="fay is the last active admin"):
        admin.deactivate_teammate(inbox, fay, "fay")
    admin.deactivate_teammate(inbox, fay, "ana")
    with pytest.raises(ValidationError, match="nothing to change on ana"):
        admin.deactivate_teammate(inbox, fay, "ana")


# --- categories and settings ------------------------------------------------------------------------------

def test_categories_add_rename_deactivate(inbox: Store) -> None:
    root = as_user(inbox, "root")
    with pytest.raises(ValidationError, match="an active category 'BILLING' already exists"):
        admin.add_category(inbox, root, "BILLING")
    refunds = admin.add_category(inbox, root, "Refunds", category_id="refunds")
    admin.add_category(inbox, root, "legacy", category_id="legacy2")  # the old Legacy is inactive
    admin.rename_category(inbox, root, refunds, "Refunds and returns")
    admin.deactivate_category(inbox, root, "billing")
    assert admin.categories(inbox).values.tolist() == [
        ["legacy2", "legacy", True], ["refunds", "Refunds and returns", True],
        ["billing", "Billing", False], ["legacy", "Legacy", False]]
    with pytest.raises(ValidationError, match="no category nope"):
        admin.rename_category(inbox, root, "nope", "X")


def test_settings_are_json_values_with_their_history_in_the_audit(inbox: Store) -> None:
    root = as_user(inbox, "root")
    admin.set_setting(inbox, root, "signature", "Equipe PipeOne")
    admin.set_setting(inbox, root, "signature", {"pt_BR": "Equipe", "en": "Team"})
    frame = admin.get_settings(inbox)
    assert frame[["key", "updated_by"]].values.tolist() == [["signature", "root"]]
    assert frame["value"].iloc[0] == {"pt_BR": "Equipe", "en": "Team"}
    audit = _last_audit(inbox)
    assert audit["before"] == {"value": "Equipe PipeOne"}
    assert audit["after"] == {"value": {"en": "Team", "pt_BR": "Equipe"}}
    with pytest.raises(ValidationError, match="the value of 'x' cannot be stored as JSON"):
        admin.set_setting(inbox, root, "x", object())
