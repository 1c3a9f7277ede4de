"""Acting user and the role matrix: every action x every role x assigned to me / to another / unassigned."""
from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from ops_team import as_user, counts, team
from pipeone_analytics.errors import PermissionDenied, ValidationError
from pipeone_analytics.i18n import t
from pipeone_analytics.ops import admin, compose, contacts, conversations, outbox, templates
from pipeone_analytics.ops.permissions import ACTIONS, Actor, acting_user, allowed, check
from pipeone_analytics.store import Store
from scenario import Scenario

# Written out by hand from DESIGN §5 and the brief. Columns: assigned to me, to another, unassigned.
# Y = allowed, N = refused.
EXPECTED = {
    "take":              {"agent": "YNY", "manager": "YYY", "admin": "YYY"},
    "assign":            {"agent": "YNN", "manager": "YYY", "admin": "YYY"},
    "set_status":        {"agent": "YNN", "manager": "YYY", "admin": "YYY"},
    "resolve":           {"agent": "YNN", "manager": "YYY", "admin": "YYY"},
    "reopen":            {"agent": "YNN", "manager": "YYY", "admin": "YYY"},
    "compose":           {"agent": "YNN", "manager": "YYY", "admin": "YYY"},
    "add_contact":       {"agent": "YYY", "manager": "YYY", "admin": "YYY"},
    "edit_contact":      {"agent": "YYY", "manager": "YYY", "admin": "YYY"},
    "export_outbox":     {"agent": "NNN", "manager": "YYY", "admin": "YYY"},
    "manage_teammates":  {"agent": "NNN", "manager": "NNN", "admin": "YYY"},
    "manage_categories": {"agent": "NNN", "manager": "NNN", "admin": "YYY"},
    "manage_templates":  {"agent": "NNN", "manager": "NNN", "admin": "YYY"},
    "manage_settings":   {"agent": "NNN", "manager": "NNN", "admin": "YYY"},
}
ASSIGNMENTS = ("mine", "other", "unassigned")
ME = {"agent": "ana", "manager": "mia", "admin": "root"}


def _conversation(role: str, assignment: str) -> dict[str, str | None]:
    assignee = {"mine": ME[role], "other": "bob", "unassigned": None}[assignment]
    return {"conversation_id": "c9", "assignee_id": assignee}


def test_the_table_covers_every_action_and_each_has_a_label() -> None:
    assert set(EXPECTED) == set(ACTIONS)
    assert [t(f"ops_action_{a}", "pt_BR") for a in ("take", "manage_settings")] == [
        "assumir a conversa", "alterar configurações"]
    assert all(t(f"ops_action_{a}", locale) for a in ACTIONS for locale in ("pt_BR", "en"))


@pytest.mark.parametrize("action", list(EXPECTED))
@pytest.mark.parametrize("role", ["agent", "manager", "admin"])
@pytest.mark.parametrize("where", range(3))
def test_role_matrix(action: str, role: str, where: int) -> None:
    actor = Actor(ME[role], ME[role].title(), role)
    ok, reason = allowed(actor, action, _conversation(role, ASSIGNMENTS[where]))
    assert ok is (EXPECTED[action][role][where] == "Y")
    assert (reason == "") is ok


def test_refusals_name_user_role_and_what_was_needed() -> None:
    ana = Actor("ana", "Ana Lima", "agent")
    _, other = allowed(ana, "resolve", {"conversation_id": "c9", "assignee_id": "bob"})
    assert other == ("ana (Agent) cannot resolve the conversation: conversation c9 is assigned to bob; "
                     "needs the Manager role")
    _, free = allowed(ana, "compose", {"conversation_id": "c9", "assignee_id": None})
    assert free == ("ana (Agent) cannot reply in the conversation: conversation c9 is unassigned; take it first, "
                    "or it needs the Manager role")
    mia = Actor("mia", "Mia", "manager")
    with pytest.raises(PermissionDenied, match=r"^mia \(Manager\) cannot manage categories: needs the Admin role$"):
        check(mia, "manage_categories")
    _, pt = allowed(mia, "manage_templates", locale="pt_BR")
    assert pt == "mia (Gerente) não pode gerenciar modelos de mensagem: é preciso o papel Administrador"
    _, read_only = allowed(None, "take", {"conversation_id": "c9", "assignee_id": None})
    assert read_only.startswith("read-only session: no acting user, so you cannot take the conversation")


def test_an_agent_needs_the_conversation_and_unknown_actions_are_bugs() -> None:
    with pytest.raises(ValueError, match="assignee_id"):
        allowed(Actor("ana", "Ana", "agent"), "resolve")
    with pytest.raises(ValueError, match="unknown action 'fly'"):
        allowed(Actor("ana", "Ana", "agent"), "fly")


# --- acting user ---------------------------------------------------------------------------------------

def _people() -> Store:
    sc = Scenario()
    sc.add("agents", agent_id="ana", name="Ana", email="Ana@Example.com", role="agent", team="A", active=True)
    sc.add("agents", agent_id="bob", name="Bob", email="bob@example.com", role="manager", team=None, active=True)
    sc.add("agents", agent_id="old", name="Old", email="old@example.com", role="agent", team=None, active=False)
    sc.add("agents", agent_id="x1", name="X", email="shared@example.com", role="agent", team=None, active=True)
    sc.add("agents", agent_id="x2", name="X", email="shared@example.com", role="agent", team=None, active=True)
    return sc.store(locale="en")


def test_acting_user_prefers_jupyterhub_then_pipeone_user_then_read_only() -> None:
    store = _people()
    assert acting_user(store, {"JUPYTERHUB_USER": "bob", "PIPEONE_USER": "ana"}) == Actor("bob", "Bob", "manager")
    assert acting_user(store, {"PIPEONE_USER": "ana"}) == Actor("ana", "Ana", "agent", "A")
    assert acting_user(store, {"JUPYTERHUB_USER": " ", "PIPEONE_USER": "ana"}).agent_id == "ana"
    assert acting_user(store, {}) is None


def test_acting_user_reads_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    store = _people()
    assert acting_user(store) is None  # the suite's conftest clears both variables
    monkeypatch.setenv("PIPEONE_USER", "bob")
    assert acting_user(store).role == "manager"


def test_acting_user_matches_email_ignoring_case_but_never_the_display_name() -> None:
    store = _people()
    assert acting_user(store, {"JUPYTERHUB_USER": "ana@example.COM"}).agent_id == "ana"
    with pytest.raises(PermissionDenied, match=r"^acting user 'Ana' \(PIPEONE_USER\) is not a teammate$"):
        acting_user(store, {"PIPEONE_USER": "Ana"})


def test_acting_user_refuses_unknown_deactivated_and_ambiguous_users() -> None:
    store = _people()
    with pytest.raises(PermissionDenied, match=r"'zed' \(JUPYTERHUB_USER\) is not a teammate"):
        acting_user(store, {"JUPYTERHUB_USER": "zed"})
    with pytest.raises(PermissionDenied, match=r"'old' \(PIPEONE_USER\) is deactivated"):
        acting_user(store, {"PIPEONE_USER": "old"})
    with pytest.raises(PermissionDenied, match="matches several teammates: x1, x2"):
        acting_user(store, {"PIPEONE_USER": "shared@example.com"})


def test_a_role_changed_after_login_counts_at_write_time() -> None:
    store = team().store(locale="en")
    mia = as_user(store, "mia")
    root = as_user(store, "root")
    admin.change_role(store, root, "mia", "agent")
    with pytest.raises(PermissionDenied, match=r"^mia \(Agent\) cannot resolve the conversation: conversation "
                                               r"c_bob is assigned to bob"):
        conversations.resolve(store, mia, "c_bob", "question")
    admin.deactivate_teammate(store, root, "mia")
    with pytest.raises(PermissionDenied, match=r"'mia' \(agents\) is deactivated"):
        contacts.update_contact(store, mia, "k1", name="Jo")


# --- the same matrix through the real actions -------------------------------------------------------------

ROLES = ("agent", "manager", "admin")


def _store_for(resolved: bool) -> Store:
    """One conversation per cell: c_<role>_<where>, assigned to that role's user, to bob, or to nobody."""
    sc = team()
    sc.agent("carl", name="Carl")
    for role in ROLES:
        for where in ASSIGNMENTS:
            conv = f"c_{role}_{where}"
            sc.conversation(conv, "k1", created_at="2026-02-01 09:00",
                            assignee_id=_conversation(role, where)["assignee_id"])
            sc.inbound(conv, "2026-02-01 09:00")
            if resolved:
                sc.resolve(conv, "2026-02-01 10:00")
    return sc.store(locale="en")


CONVERSATION_CALLS: dict[str, Callable[[Store, Actor, str], object]] = {
    "take": lambda s, a, c: conversations.take(s, a, c),
    "assign": lambda s, a, c: conversations.assign(s, a, c, "carl"),
    "set_status": lambda s, a, c: conversations.set_status(s, a, c, "on_hold"),
    "resolve": lambda s, a, c: conversations.resolve(s, a, c, "question"),
    "reopen": lambda s, a, c: conversations.reopen(s, a, c),
    "compose": lambda s, a, c: compose.compose(s, a, c, body="hello"),
}
# Outcome of the real call, by hand: the matrix above, except that taking a conversation already yours is
# refused as invalid (a state problem, not a permission problem).
OUTCOME = {
    "take": {"agent": ("invalid", "denied", "ok"), "manager": ("invalid", "ok", "ok"),
             "admin": ("invalid", "ok", "ok")},
    **{action: {"agent": ("ok", "denied", "denied"), "manager": ("ok", "ok", "ok"), "admin": ("ok", "ok", "ok")}
       for action in ("assign", "set_status", "resolve", "reopen", "compose")},
}


def _outcome(call: Callable[[], object], store: Store, written: str) -> str:
    """ok (one row in `written` and one audit row), denied or invalid (nothing written at all)."""
    before = counts(store)
    try:
        call()
    except PermissionDenied:
        assert counts(store) == before
        return "denied"
    except ValidationError:
        assert counts(store) == before
        return "invalid"
    after = counts(store)
    assert after[written] == before[written] + 1 and after["audit_log"] == before["audit_log"] + 1
    return "ok"


@pytest.mark.parametrize("action", list(CONVERSATION_CALLS))
def test_conversation_actions_follow_the_matrix(action: str) -> None:
    store = _store_for(resolved=action == "reopen")
    written = "messages" if action == "compose" else "events"
    observed = {role: tuple(_outcome(lambda: CONVERSATION_CALLS[action](store, as_user(store, ME[role]),
                                                                         f"c_{role}_{where}"), store, written)
                            for where in ASSIGNMENTS) for role in ROLES}
    assert observed == OUTCOME[action]


def test_a_refused_conversation_action_says_why() -> None:
    store = _store_for(resolved=False)
    with pytest.raises(PermissionDenied, match=r"^ana \(Agent\) cannot change the conversation's status: "
                                               r"conversation c_agent_other is assigned to bob; needs the Manager "
                                               r"role$"):
        conversations.set_status(store, as_user(store, "ana"), "c_agent_other", "on_hold")


def _other_calls(tmp_path: Path, role: str) -> dict[str, Callable[[Store, Actor], object]]:
    return {
        "add_contact": lambda s, a: contacts.add_contact(s, a, name=f"New {role}"),
        "edit_contact": lambda s, a: contacts.update_contact(s, a, "k1", name=f"Joana {role}"),
        "export_outbox": lambda s, a: outbox.export_outbox(s, a, tmp_path / f"out-{role}.jsonl"),
        "manage_teammates": lambda s, a: admin.add_teammate(s, a, f"dan-{role}", "Dan"),
        "manage_categories": lambda s, a: admin.add_category(s, a, f"Refunds {role}"),
        "manage_templates": lambda s, a: templates.add_template(s, a, "Hi", "Hi {{ name }}"),
        "manage_settings": lambda s, a: admin.set_setting(s, a, "greeting", f"Olá {role}"),
    }


@pytest.mark.parametrize("action", ["add_contact", "edit_contact", "export_outbox", "manage_teammates",
                                    "manage_categories", "manage_templates", "manage_settings"])
def test_other_actions_follow_the_matrix(action: str, tmp_path: Path) -> None:
    store = team().store(locale="en")
    observed = {}
    for role in ROLES:
        if action == "export_outbox":  # one queued row for each export, so an allowed export writes
            compose.compose(store, as_user(store, "root"), "c_free", body=f"queued before the {role} export")
        call = _other_calls(tmp_path, role)[action]
        observed[role] = _outcome(lambda: call(store, as_user(store, ME[role])), store, "audit_log")
    assert observed == {role: {"YYY": "ok", "NNN": "denied"}[EXPECTED[action][role]] for role in ROLES}
