"""A failed write leaves nothing behind; a read-only session can write nothing at all."""
from __future__ import annotations

import inspect
from pathlib import Path
from typing import Any, Callable

import pytest

from ops_team import as_user, counts, team, to_file
from pipeone_analytics.errors import PermissionDenied, ValidationError
from pipeone_analytics.ops import admin, audit, compose, contacts, conversations, outbox, templates
from pipeone_analytics.store import Store


def test_a_permission_error_writes_nothing(inbox: Store) -> None:
    before = counts(inbox)
    with pytest.raises(PermissionDenied):
        conversations.resolve(inbox, as_user(inbox, "bob"), "c_ana", "question", "billing", "note")
    assert counts(inbox) == before


def test_an_inactive_category_writes_neither_ticket_nor_event_nor_audit(inbox: Store) -> None:
    before = counts(inbox)
    with pytest.raises(ValidationError, match="deactivated"):
        conversations.resolve(inbox, as_user(inbox, "ana"), "c_ana", "question", "legacy", "note")
    assert counts(inbox) == before


@pytest.fixture
def failing_audit(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the audit row fail after the action's own rows were inserted (a failure halfway)."""
    real = audit.dumps

    def dumps(value: Any) -> str | None:
        if isinstance(value, dict) and ("event_id" in value or "outbox_id" in value):
            raise RuntimeError("disk full while writing the audit row")
        return real(value)

    monkeypatch.setattr(audit, "dumps", dumps)


@pytest.mark.parametrize("call", [
    lambda s, a: conversations.resolve(s, a, "c_ana", "incident", "billing", "halfway"),
    lambda s, a: compose.compose(s, a, "c_ana", body="halfway"),
])
def test_a_failure_after_the_first_inserts_rolls_everything_back(tmp_path: Path, failing_audit: None,
                                                                  call: Callable[[Store, Any], Any]) -> None:
    store = to_file(team().store(locale="en"), tmp_path / "store.duckdb")
    before = counts(store)
    with pytest.raises(RuntimeError, match="disk full"):
        call(store, as_user(store, "ana"))
    assert counts(store) == before  # no ticket, no event, no message, no outbox row, no audit row


# Every public write of ops, called by nobody.
WRITES: dict[str, Callable[[Store, Path], Any]] = {
    "take": lambda s, p: conversations.take(s, None, "c_free"),
    "assign": lambda s, p: conversations.assign(s, None, "c_free", "ana"),
    "transfer": lambda s, p: conversations.transfer(s, None, "c_ana", "bob"),
    "set_status": lambda s, p: conversations.set_status(s, None, "c_ana", "on_hold"),
    "resolve": lambda s, p: conversations.resolve(s, None, "c_ana", "question"),
    "reopen": lambda s, p: conversations.reopen(s, None, "c_ana"),
    "compose": lambda s, p: compose.compose(s, None, "c_ana", body="hi"),
    "add_contact": lambda s, p: contacts.add_contact(s, None, name="X"),
    "update_contact": lambda s, p: contacts.update_contact(s, None, "k1", name="X"),
    "add_teammate": lambda s, p: admin.add_teammate(s, None, "x", "X"),
    "change_role": lambda s, p: admin.change_role(s, None, "ana", "manager"),
    "deactivate_teammate": lambda s, p: admin.deactivate_teammate(s, None, "ana"),
    "add_category": lambda s, p: admin.add_category(s, None, "X"),
    "rename_category": lambda s, p: admin.rename_category(s, None, "billing", "X"),
    "deactivate_category": lambda s, p: admin.deactivate_category(s, None, "billing"),
    "set_setting": lambda s, p: admin.set_setting(s, None, "k", 1),
    "add_template": lambda s, p: templates.add_template(s, None, "X", "Hi"),
    "update_template": lambda s, p: templates.update_template(s, None, "t1", name="X"),
    "export_outbox": lambda s, p: outbox.export_outbox(s, None, p / "out.jsonl"),
}


def test_the_read_only_list_names_every_public_write() -> None:
    writers = {name for module in (admin, compose, contacts, conversations, outbox, templates)
               for name, fn in inspect.getmembers(module, inspect.isfunction)
               if fn.__module__ == module.__name__ and not name.startswith("_")
               and "actor" in inspect.signature(fn).parameters}
    assert writers - {"draft"} == set(WRITES)  # draft previews a message and writes nothing


@pytest.mark.parametrize("name", list(WRITES))
def test_a_read_only_session_writes_nothing(inbox: Store, tmp_path: Path, name: str) -> None:
    before = counts(inbox)
    with pytest.raises(PermissionDenied, match=r"^read-only session: no acting user, so you cannot .* \(set "
                                               r"JUPYTERHUB_USER or PIPEONE_USER to a teammate\)$"):
        WRITES[name](inbox, tmp_path)
    assert counts(inbox) == before
    assert not (tmp_path / "out.jsonl").exists()
