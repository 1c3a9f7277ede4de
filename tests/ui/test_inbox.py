"""The inbox app driven without a browser: set widget values, click buttons, then check the store and the widgets."""
from __future__ import annotations

import datetime as dt
import html
import json
import subprocess
import sys
from pathlib import Path

import pytest

from pipeone_analytics import i18n
from pipeone_analytics.ops.permissions import acting_user, allowed
from pipeone_analytics.ops.state import conversation_state
from pipeone_analytics.store import Store
from pipeone_analytics.ui.inbox import InboxApp
from scenario import Scenario


def team() -> Scenario:
    """ana and bob are agents, mia a manager. Last activity, newest first:

    c_bob  10:30 bob's, Joana (k1) on WhatsApp, unanswered
    c_ana  10:20 ana's, Caio (k2): inbound SMS then ana replied on SMS -> in_progress
    c_free 10:10 nobody's, Rita (k3) on webchat, unanswered
    """
    s = Scenario()
    s.agent("ana", name="Ana Lima", team="A")
    s.agent("bob", name="Bob Reis", team="B")
    s.agent("mia", role="manager", name="Mia Costa")
    s.add("contacts", contact_id="k1", name="Joana Silva", phone="+55 11 98765-4321", email=None,
          attributes=json.dumps({"plan": "gold"}))
    s.add("contacts", contact_id="k2", name="Caio Prado", phone="+55 11 91234-5678", email=None, attributes=None)
    s.add("contacts", contact_id="k3", name="Rita Dias", phone=None, email="rita@example.com", attributes=None)
    s.conversation("c_bob", "k1", assignee_id="bob")
    s.inbound("c_bob", "2026-11-02 10:30", channel="whatsapp", body="Meu pedido atrasou")
    s.conversation("c_ana", "k2", assignee_id="ana")
    s.inbound("c_ana", "2026-11-02 10:00", channel="sms", body="Oi")
    s.outbound("c_ana", "2026-11-02 10:20", agent="ana", channel="sms", body="Oi Caio, em que posso ajudar?")
    s.conversation("c_free", "k3")
    s.inbound("c_free", "2026-11-02 10:10", channel="webchat", body="Quero cancelar")
    s.category("billing", "Billing")
    s.category("legacy", "Legacy", active=False)
    s.add("templates", template_id="hello", name="Hello", body="Olá {{ first_name }}, aqui é {{ agent_first_name }}.",
          channel=None, attachments=None)
    s.add("templates", template_id="plan", name="Plan", body="Seu plano: {{ plan }}", channel=None, attachments=None)
    return s


def app_for(store: Store, user: str | None, locale: str = "en") -> InboxApp:
    return InboxApp(store, locale, env={"PIPEONE_USER": user} if user else {})


def open_conversation(app: InboxApp, conversation_id: str) -> None:
    """Click the card of a conversation in the list."""
    card = next(c for c in app.list.rows.children if c is app.list._cards.get(conversation_id))
    card.children[1].click()


def shown(app: InboxApp) -> list[str]:
    return app.list.items["conversation_id"].tolist()


def text(widget: object) -> str:
    """The HTML of a widget with entities decoded (the app escapes every value)."""
    return html.unescape(widget.value)


def count(store: Store, sql: str, params: list | None = None) -> int:
    return int(store.df(sql, params).iloc[0, 0])


@pytest.fixture
def store() -> Store:
    return team().store(locale="en")


def test_list_filters_by_status_channel_assignee_and_search(store: Store) -> None:
    app = app_for(store, "ana")
    assert shown(app) == ["c_bob", "c_ana", "c_free"]
    app.list.status.value = "in_progress"
    assert shown(app) == ["c_ana"]
    app.list.status.value = ""
    app.list.channel.value = "whatsapp"
    assert shown(app) == ["c_bob"]
    app.list.channel.value = ""
    app.list.assignee.value = "__mine__"           # ana
    assert shown(app) == ["c_ana"]
    app.list.assignee.value = "__unassigned__"
    assert shown(app) == ["c_free"]
    app.list.assignee.value = "bob"
    assert shown(app) == ["c_bob"]
    app.list.assignee.value = ""
    app.list.search.value = "cancelar"
    assert shown(app) == ["c_free"]
    app.list.search.value = "nothing at all"
    assert shown(app) == []
    assert "No conversation matches" in app.list.rows.children[0].value


def test_cards_show_name_tags_preview_assignee_and_unanswered(store: Store) -> None:
    app = app_for(store, "mia")
    cards = {cid: card.children[0].value for cid, card in app.list._cards.items()}
    assert "Joana Silva" in cards["c_bob"] and "Meu pedido atrasou" in cards["c_bob"]
    assert "p1-status-new" in cards["c_bob"] and ">WhatsApp<" in cards["c_bob"] and "Bob Reis" in cards["c_bob"]
    assert "p1-unanswered" in cards["c_bob"] and "p1-unanswered" not in cards["c_ana"]
    assert "p1-status-in_progress" in cards["c_ana"] and ">SMS<" in cards["c_ana"]
    assert "Unassigned" in cards["c_free"]


def test_select_shows_header_timeline_and_default_reply_channel(store: Store) -> None:
    app = app_for(store, "ana")
    open_conversation(app, "c_ana")
    assert app.state["conversation_id"] == "c_ana"
    assert "c_ana" in text(app.actions.tags) and "In progress" in text(app.actions.tags)
    assert app.actions.name.description == "Caio Prado" and app.actions.phone.description == "+55 11 91234-5678"
    html = text(app.timeline.view)
    # inbound on the left, ana's reply on the right, oldest first
    assert html.index("p1-item p1-in") < html.index("p1-item p1-out")
    assert "Oi Caio, em que posso ajudar?" in html and "Ana Lima" in html
    assert app.composer.channel.value == "sms"      # Caio's last inbound message was an SMS
    assert "c_ana" in app.list._cards and "p1-selected" in app.list._cards["c_ana"]._dom_classes


def test_timeline_channel_filter_and_load_older() -> None:
    s = team()
    for minute in range(45):
        s.inbound("c_bob", f"2026-11-01 09:{minute:02d}", channel="whatsapp" if minute % 3 else "email",
                  body=f"old {minute}")
    app = app_for(s.store(locale="en"), "bob")
    open_conversation(app, "c_bob")
    # 46 items > one page of 40: the oldest six wait behind "Load older"
    assert len(app.timeline.items) == 40 and app.timeline.older.layout.display is None
    app.timeline.older.click()
    assert len(app.timeline.items) == 46 and app.timeline.older.layout.display == "none"
    assert "old 0<" in text(app.timeline.view)
    app.timeline.channel.value = "email"          # minutes 0, 3, ..., 42: 15 emails
    assert set(app.timeline.items["channel"]) == {"email"} and len(app.timeline.items) == 15


def test_resolve_writes_a_ticket_and_shows_it_on_the_timeline(store: Store) -> None:
    app = app_for(store, "ana")
    open_conversation(app, "c_ana")
    assert app.actions.form.layout.display == "none"
    app.actions.resolve.click()
    assert app.actions.form.layout.display is None
    # only active categories are offered
    assert [v for _, v in app.actions.category.options] == ["", "billing"]
    app.actions.ticket_type.value = "incident"
    app.actions.category.value = "billing"
    app.actions.note.value = "refund sent"
    app.actions.confirm.click()
    tickets = store.df("SELECT conversation_id, type, category, note, resolved_by FROM tickets")
    assert tickets.to_dict("records") == [{"conversation_id": "c_ana", "type": "incident", "category": "billing",
                                           "note": "refund sent", "resolved_by": "ana"}]
    assert count(store, "SELECT count(*) FROM events WHERE kind = 'resolved' AND conversation_id = 'c_ana'") == 1
    assert "resolved" in text(app.notice) and "p1-notice-ok" in text(app.notice)
    assert "Resolved" in text(app.actions.tags) and app.actions.resolve.disabled
    html = text(app.timeline.view)
    assert "Ticket: Incident" in html and "Billing" in html and "refund sent" in html
    assert "resolved the conversation" in html
    assert "p1-status-resolved" in app.list._cards["c_ana"].children[0].value


def test_transfer_to_an_active_agent(store: Store) -> None:
    app = app_for(store, "mia")
    open_conversation(app, "c_bob")
    # the current assignee is not offered
    assert [v for _, v in app.actions.target.options] == ["ana", "mia"]
    app.actions.target.value = "ana"
    app.actions.transfer.click()
    assert conversation_state(store, "c_bob")["assignee_id"] == "ana"
    assert "Ana Lima" in text(app.actions.tags)
    # bob came from the export, not from an event, so the timeline's first assignment is no transfer (DESIGN 4.2)
    assert "Mia Costa</b> assigned to Ana Lima" in text(app.timeline.view)
    assert "Ana Lima" in app.list._cards["c_bob"].children[0].value
    assert [v for _, v in app.actions.target.options] == ["bob", "mia"]
    app.actions.target.value = "bob"
    app.actions.transfer.click()
    assert "Mia Costa</b> transferred from Ana Lima to Bob Reis" in text(app.timeline.view)
    assert store.df("SELECT value FROM events WHERE kind = 'assigned' ORDER BY \"at\"")["value"].tolist() == [
        "ana", "bob"]


def test_unassigned_conversation_is_assigned_not_transferred(store: Store) -> None:
    app = app_for(store, "mia")
    open_conversation(app, "c_free")
    app.actions.target.value = "bob"
    app.actions.transfer.click()
    assert conversation_state(store, "c_free")["assignee_id"] == "bob"
    assert "p1-notice-ok" in text(app.notice)


def test_hold_then_in_progress(store: Store) -> None:
    app = app_for(store, "ana")
    open_conversation(app, "c_ana")
    assert app.actions.progress.disabled          # already in progress
    assert app.actions.progress.tooltip == "conversation c_ana is already 'In progress'"
    app.actions.hold.click()
    assert conversation_state(store, "c_ana")["status"] == "on_hold"
    assert app.actions.hold.disabled and not app.actions.progress.disabled
    assert "set the status to On hold" in text(app.timeline.view)
    app.actions.progress.click()
    assert conversation_state(store, "c_ana")["status"] == "in_progress"
    values = store.df("SELECT value FROM events WHERE kind = 'status_changed' ORDER BY \"at\"")["value"].tolist()
    assert values == ["on_hold", "in_progress"]


def test_reopen_a_resolved_conversation(store: Store) -> None:
    app = app_for(store, "ana")
    open_conversation(app, "c_ana")
    app.actions.confirm.click()                  # type question, no category
    assert app.actions.reopen.layout.display is None and not app.actions.reopen.disabled
    assert app.actions.hold.disabled and "reopen it first" in app.actions.hold.tooltip
    app.actions.reopen.click()
    assert conversation_state(store, "c_ana")["status"] == "new"


def test_compose_with_a_template_free_text_and_sms_segments(store: Store) -> None:
    app = app_for(store, "ana")
    open_conversation(app, "c_ana")
    assert [v for _, v in app.composer.template.options] == ["", "hello", "plan"]
    app.composer.template.value = "hello"
    # Caio, written by Ana: both first names filled in; the text area is not used with a template
    assert "Olá Caio, aqui é Ana." in text(app.composer.preview) and app.composer.body.disabled
    # "á" and "é" are not GSM-7, so the text is UCS-2; 21 characters <= 70 make one part
    assert "SMS: 1 segment(s), UCS-2" in app.composer.segments.value
    app.composer.template.value = "plan"        # Caio has no plan attribute
    assert "template variable 'plan' is not available" in text(app.composer.preview)
    app.composer.template.value = "hello"
    app.composer.send_button.click()
    out = store.df("SELECT conversation_id, agent_id, channel, template_id, body, encoding, segments FROM outbox")
    assert out.to_dict("records") == [{"conversation_id": "c_ana", "agent_id": "ana", "channel": "sms",
                                       "template_id": "hello", "body": "Olá Caio, aqui é Ana.",
                                       "encoding": "UCS-2", "segments": 1}]
    assert "Olá Caio, aqui é Ana." in text(app.timeline.view)
    # free text: 161 GSM-7 characters make two parts
    app.composer.body.value = "x" * 161
    assert "SMS: 2 segment(s), GSM-7" in app.composer.segments.value
    app.composer.channel.value = "whatsapp"
    assert "SMS" not in app.composer.segments.value
    app.composer.send_button.click()
    assert store.df("SELECT channel, body FROM outbox WHERE template_id IS NULL").to_dict("records") == [
        {"channel": "whatsapp", "body": "x" * 161}]
    assert app.composer.body.value == ""


def test_compose_with_an_attachment(store: Store, tmp_path: Path) -> None:
    app = app_for(store, "bob")
    app.composer.attachments_dir = tmp_path
    open_conversation(app, "c_bob")
    assert app.composer.channel.value == "whatsapp"
    app.composer.upload.value = ({"name": "nota.pdf", "type": "application/pdf", "size": 4,
                                  "content": memoryview(b"%PDF"),
                                  "last_modified": dt.datetime(2026, 11, 2, tzinfo=dt.timezone.utc)},)
    assert "nota.pdf" in app.composer.segments.value
    app.composer.body.value = "Segue a nota"
    app.composer.send_button.click()
    files = json.loads(store.df("SELECT attachments FROM outbox").iloc[0, 0])
    assert [(f["name"], f["size"], f["mime_type"]) for f in files] == [("nota.pdf", 4, "application/pdf")]
    assert Path(files[0]["path"]).read_bytes() == b"%PDF"


def test_compose_error_stays_in_the_app(store: Store) -> None:
    app = app_for(store, "ana")
    open_conversation(app, "c_ana")
    app.composer.body.value = "   "
    app.composer.send_button.click()
    assert "the message is empty" in text(app.notice) and "p1-notice-error" in text(app.notice)
    assert count(store, "SELECT count(*) FROM outbox") == 0


def test_agent_cannot_act_on_someone_elses_conversation(store: Store) -> None:
    app = app_for(store, "ana")
    open_conversation(app, "c_bob")
    reason = allowed(acting_user(store, {"PIPEONE_USER": "ana"}), "set_status",
                     conversation_state(store, "c_bob"), "en")[1]
    assert reason.startswith("ana (Agent) cannot change the conversation's status")
    for button, action in ((app.actions.hold, "set_status"), (app.actions.resolve, "resolve"),
                           (app.actions.transfer, "assign"), (app.composer.send_button, "compose")):
        assert button.disabled
        assert button.tooltip == allowed(acting_user(store, {"PIPEONE_USER": "ana"}), action,
                                         conversation_state(store, "c_bob"), "en")[1]
        assert "assigned to bob" in button.tooltip
    before = count(store, "SELECT count(*) FROM events")
    app.actions.hold.click()                      # forced: the disabled button's handler still runs
    assert "cannot change the conversation's status" in text(app.notice)
    assert "p1-notice-error" in text(app.notice)
    app.actions.confirm.click()
    assert "cannot resolve the conversation" in text(app.notice)
    assert count(store, "SELECT count(*) FROM events") == before
    assert count(store, "SELECT count(*) FROM tickets") == 0


def test_read_only_mode(store: Store) -> None:
    app = app_for(store, None)
    assert "Read-only" in text(app.banner)
    assert [v for _, v in app.list.assignee.options][:2] == ["", "__unassigned__"]   # no "Mine" without a user
    open_conversation(app, "c_free")
    for button in (app.actions.transfer, app.actions.hold, app.actions.resolve, app.composer.send_button):
        assert button.disabled and button.tooltip.startswith("read-only session")
    app.actions.confirm.click()
    assert "read-only session" in text(app.notice)
    app.actions.name.click()
    assert app.profile.save.disabled and "read-only session" in app.profile.save.tooltip
    assert count(store, "SELECT count(*) FROM events") == 0
    assert count(store, "SELECT count(*) FROM audit_log") == 0


def test_unknown_user_is_read_only_and_says_why(store: Store) -> None:
    app = app_for(store, "zed")
    assert app.ctx.actor is None
    assert "Read-only" in text(app.banner) and "'zed'" in text(app.banner)


def test_profile_edit_attributes_and_stars(store: Store) -> None:
    app = app_for(store, "ana")
    open_conversation(app, "c_ana")
    assert app.profile.form.layout.display == "none"
    app.actions.name.click()
    assert app.profile.form.layout.display is None
    assert (app.profile.name.value, app.profile.phone.value) == ("Caio Prado", "+55 11 91234-5678")
    assert "valid phone" in app.profile.phone_check.value
    # one interaction: Caio at 10:00, Ana's reply at 10:20 (1200 s <= 1800 s): 1 of 1 within 30 min -> 5 stars
    assert app.profile.stars.description.startswith("★★★★★")
    assert app.profile.meaning.layout.display == "none"
    app.profile.stars.click()
    assert app.profile.meaning.layout.display is None
    assert "High engagement" in app.profile.meaning.value and "Moderate engagement" in app.profile.meaning.value
    app.profile.phone.value = "12345"
    assert "invalid phone" in app.profile.phone_check.value
    app.profile.email.value = "caio@example.com"
    app.profile.save.click()
    row = store.df("SELECT phone, phone_valid, email FROM contacts WHERE contact_id = 'k2'").iloc[0].tolist()
    assert row == ["12345", False, "caio@example.com"]
    assert app.profile.stars.description.startswith("☆☆☆☆☆")     # an invalid phone forces 0
    assert app.actions.phone.description == "12345"
    app.profile.key.value, app.profile.value.value = "city", "Recife"
    app.profile.add.click()
    attributes = json.loads(store.df("SELECT attributes FROM contacts WHERE contact_id = 'k2'").iloc[0, 0])
    assert attributes == {"city": "Recife"} and "Recife" in app.profile.attributes.value


def test_bad_email_is_refused_in_the_app(store: Store) -> None:
    app = app_for(store, "ana")
    open_conversation(app, "c_ana")
    app.actions.phone.click()
    app.profile.email.value = "not-an-email"
    app.profile.save.click()
    assert "'not-an-email' is not an email address" in text(app.notice)
    assert store.df("SELECT email FROM contacts WHERE contact_id = 'k2'").iloc[0, 0] is None


def test_refresh_shows_writes_made_elsewhere(store: Store) -> None:
    from pipeone_analytics.ops import conversations

    app = app_for(store, "mia")
    open_conversation(app, "c_free")
    conversations.take(store, acting_user(store, {"PIPEONE_USER": "bob"}), "c_free")
    assert "Unassigned" in text(app.actions.tags)
    app.refresh_button.click()
    assert "Bob Reis" in text(app.actions.tags) and "Bob Reis" in app.list._cards["c_free"].children[0].value


def test_labels_follow_the_locale(store: Store) -> None:
    app = app_for(store, "ana", locale="pt_BR")
    open_conversation(app, "c_ana")
    assert app.actions.resolve.description == i18n.t("inbox_resolve", "pt_BR") == "Resolver"
    assert app.list.search.placeholder == "Buscar nome, telefone ou mensagem"
    assert "Em andamento" in text(app.actions.tags) and "Atuando como Ana Lima (Agente)" in text(app.banner)
    assert [label for label, _ in app.actions.ticket_type.options] == ["Dúvida", "Incidente", "Problema", "Tarefa"]


def test_no_connection_stays_open_between_clicks(demo_store: Store) -> None:
    app = app_for(demo_store, "a01")
    app.list.rows.children[0].children[1].click()
    app.actions.name.click()
    app.refresh_button.click()
    # another process can take the write lock right away: nothing of the app holds the file
    code = ("import sys\nfrom pipeone_analytics.config import Settings\nfrom pipeone_analytics.store import Store\n"
            "store = Store(sys.argv[1], Settings(db_path=sys.argv[1], lock_deadline_seconds=0.5))\n"
            "with store.write() as con:\n    con.execute('CHECKPOINT')\n")
    done = subprocess.run([sys.executable, "-c", code, str(demo_store.path)], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr


def test_missing_store_is_one_line_not_a_traceback(tmp_path: Path) -> None:
    from pipeone_analytics.ui.inbox import inbox_app

    shown_instead = inbox_app(db=tmp_path / "absent.duckdb", locale="en")
    assert "p1-notice-error" in shown_instead.value and "absent.duckdb" in shown_instead.value


def test_inbox_app_reads_the_store_and_locale_it_is_given(demo_store: Store) -> None:
    from pipeone_analytics.ui.inbox import inbox_app

    app = inbox_app(db=demo_store.path, locale="pt_BR")
    assert isinstance(app, InboxApp) and app.ctx.locale == "pt_BR" and len(app.list.items) == 30
    assert "Somente leitura" in text(app.banner)     # the tests run with no acting user


def test_after_an_action_the_card_moves_to_the_top_or_leaves_the_filtered_list(store: Store) -> None:
    app = app_for(store, "mia")
    assert shown(app) == ["c_bob", "c_ana", "c_free"]
    open_conversation(app, "c_free")
    card = app.list._cards["c_free"]
    app.actions.hold.click()                    # the newest activity now: c_free goes first
    assert shown(app) == ["c_free", "c_bob", "c_ana"]
    assert app.list._cards["c_free"] is card    # the card is redrawn, not built again
    assert [c for c in app.list.rows.children] == [app.list._cards[c] for c in ("c_free", "c_bob", "c_ana")]
    assert "p1-status-on_hold" in app.list._cards["c_free"].children[0].value
    app.list.status.value = "on_hold"
    assert shown(app) == ["c_free"]
    app.actions.progress.click()                # no longer on hold: it leaves this list
    assert shown(app) == [] and "No conversation matches" in app.list.rows.children[0].value


def test_an_agent_takes_an_unassigned_conversation(store: Store) -> None:
    app = app_for(store, "ana")
    open_conversation(app, "c_free")
    # an agent may only take it: the one choice is herself
    assert [v for _, v in app.actions.target.options] == ["ana"] and not app.actions.transfer.disabled
    app.actions.transfer.click()
    assert store.df("SELECT action, actor_id FROM audit_log").values.tolist() == [["take", "ana"]]
    assert conversation_state(store, "c_free")["assignee_id"] == "ana" and "Ana Lima" in text(app.actions.tags)
    open_conversation(app, "c_bob")                 # bob's: nothing to take
    assert app.actions.transfer.disabled and "assigned to bob" in app.actions.transfer.tooltip


def test_a_change_made_elsewhere_is_not_overwritten_by_a_click_on_the_stale_screen(store: Store) -> None:
    from pipeone_analytics.ops import conversations

    ana = app_for(store, "ana")
    open_conversation(ana, "c_ana")                 # ana sees c_ana as hers, in progress
    conversations.transfer(store, acting_user(store, {"PIPEONE_USER": "mia"}), "c_ana", "bob")
    ana.actions.hold.click()
    assert "assigned to bob" in text(ana.notice) and "p1-notice-error" in text(ana.notice)
    mia = app_for(store, "mia")
    open_conversation(mia, "c_free")
    bob = acting_user(store, {"PIPEONE_USER": "bob"})
    conversations.take(store, bob, "c_free")
    conversations.resolve(store, bob, "c_free", "question")
    mia.actions.confirm.click()                     # her screen still says new: the store says resolved
    assert "c_free is already resolved" in text(mia.notice)
    assert count(store, "SELECT count(*) FROM tickets") == 1
    assert store.df("SELECT kind FROM events WHERE kind <> 'assigned' ORDER BY \"at\"")["kind"].tolist() == [
        "resolved"]
    # after a refused click the screen is still the stale one until Refresh
    mia.refresh_button.click()
    assert "Resolved" in text(mia.actions.tags)


def _row(store: Store, conversation_id: str) -> dict:
    from pipeone_analytics.core.conversations import conversation_list

    return conversation_list(store, conversation_ids=[conversation_id]).items.iloc[0].to_dict()


@pytest.mark.parametrize("act", [
    lambda app: (setattr(app.actions.target, "value", "mia"), app.actions.transfer.click()),
    lambda app: app.actions.hold.click(),
    lambda app: app.actions.confirm.click(),
    lambda app: (app.actions.confirm.click(), app.actions.reopen.click()),
    lambda app: (setattr(app.composer.template, "value", "hello"), app.composer.send_button.click()),
])
@pytest.mark.parametrize("conversation_id", ["c_free", "c_ana"])   # new and unassigned; in progress, ana's
def test_after_an_action_the_header_and_the_card_show_what_the_store_says(store: Store, act,
                                                                         conversation_id: str) -> None:
    app = app_for(store, "mia")
    open_conversation(app, conversation_id)
    act(app)
    assert "p1-notice-ok" in text(app.notice)
    fresh = _row(store, conversation_id)
    shown_state = {k: v for k, v in app.state.items() if k != "version"}
    card = app.list.items.iloc[0].to_dict()
    assert shown(app)[0] == conversation_id
    for key, value in fresh.items():
        assert str(shown_state[key]) == str(value) and str(card[key]) == str(value), key
    assert app.state["version"] is not None


def test_an_action_redraws_from_what_its_write_read_without_another_connection(store: Store,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeone_analytics.core.timeline import timeline

    app = app_for(store, "mia")
    open_conversation(app, "c_ana")
    app.timeline.channel.value = "sms"
    reads: list[int] = []
    real = store.read
    monkeypatch.setattr(store, "read", lambda: (reads.append(1), real())[1])
    app.actions.hold.click()
    app.composer.body.value = "Oi Caio"
    app.composer.send_button.click()
    assert reads == [] and "p1-notice-ok" in text(app.notice)
    fresh = timeline(store, "k2", channels=("sms",), limit=100).items
    assert app.timeline.items[["kind", "item_id"]].values.tolist() == fresh[["kind", "item_id"]].values.tolist()
    assert "set the status to On hold" in text(app.timeline.view) and "Oi Caio" in text(app.timeline.view)


def test_when_more_is_new_than_one_page_the_timeline_is_read_again(store: Store,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    from pipeone_analytics.ui.inbox import timeline_pane

    monkeypatch.setattr(timeline_pane, "PAGE_SIZE", 1)
    app = app_for(store, "mia")
    open_conversation(app, "c_ana")
    app.actions.confirm.click()                 # a ticket and an event: two new items, one page holds one
    assert app.timeline.items["kind"].tolist() == ["ticket"] and app.timeline.cursor is not None
