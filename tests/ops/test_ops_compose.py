"""Compose: default reply channel, templates, SMS segments, one transaction; the outbox hand-off as JSONL."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops_team import as_user, counts
from pipeone_analytics.core.status import status_as_of
from pipeone_analytics.errors import PermissionDenied, ValidationError
from pipeone_analytics.ops import compose, outbox, templates
from pipeone_analytics.store import Store


def test_draft_preselects_the_default_reply_channel(inbox: Store) -> None:
    ana = as_user(inbox, "ana")
    assert compose.draft(inbox, ana, "c_ana", body="Oi").channel == "whatsapp"
    # k_sms wrote last by SMS at 10:05; ana's later WhatsApp reply does not change the default
    sms = compose.draft(inbox, ana, "c_sms", body="Olá, tudo bem?")
    assert (sms.channel, sms.contact_id, sms.encoding, sms.segments) == ("sms", "k_sms", "UCS-2", 1)
    assert compose.draft(inbox, ana, "c_sms", body="Ola", channel="whatsapp").encoding is None
    with pytest.raises(ValidationError, match="^contact k_none has no default reply channel: choose a channel$"):
        compose.draft(inbox, ana, "c_none", body="Oi")
    assert compose.draft(inbox, ana, "c_none", body="Oi", channel="email").channel == "email"


def test_compose_writes_the_message_and_the_outbox_row_together(inbox: Store) -> None:
    ana = as_user(inbox, "ana")
    template_id = templates.add_template(inbox, as_user(inbox, "root"), "Hi", "Olá {{ first_name }}, aqui é a "
                                         "{{ agent_first_name }}")
    sent = compose.compose(inbox, ana, "c_sms", template_id=template_id)
    message = inbox.df("SELECT * FROM messages WHERE message_id = ?", [sent.message_id]).iloc[0]
    assert (message["conversation_id"], message["contact_id"], message["channel"], message["direction"],
            message["sender_type"], message["agent_id"], message["body"], message["template_id"]) == (
        "c_sms", "k_sms", "sms", "outbound", "agent", "ana", "Olá Caio, aqui é a Ana", template_id)
    row = inbox.df("SELECT * FROM outbox").iloc[0]
    assert (row["outbox_id"], row["message_id"], row["agent_id"], row["channel"], row["body"], row["encoding"],
            row["segments"], row["status"]) == (sent.outbox_id, sent.message_id, "ana", "sms",
                                                "Olá Caio, aqui é a Ana", "UCS-2", 1, "queued")
    assert row["created_at"] == message["sent_at"]
    audit = inbox.df("SELECT action, target_id, after FROM audit_log WHERE action = 'compose'").iloc[0]
    assert json.loads(audit["after"])["outbox_id"] == sent.outbox_id


def test_an_agent_reply_moves_a_new_conversation_to_in_progress(inbox: Store) -> None:
    compose.compose(inbox, as_user(inbox, "ana"), "c_ana", body="Oi Joana")
    assert status_as_of(inbox, None, conversation_ids=["c_ana"])["status"].tolist() == ["in_progress"]


def test_compose_refusals_write_nothing(inbox: Store, tmp_path: Path) -> None:
    root = as_user(inbox, "root")
    wa = templates.add_template(inbox, root, "WA only", "Oi {{ name }}", "whatsapp")
    nick = templates.add_template(inbox, root, "Nick", "Oi {{ nickname }}")
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF")
    ana = as_user(inbox, "ana")
    before = counts(inbox)
    cases = [
        (dict(body="x", template_id=wa), "give either a text or a template"),
        (dict(), "give either a text or a template"),
        (dict(body="   "), "the message is empty"),
        (dict(template_id=wa, channel="sms"), f"template {wa} is for whatsapp, not sms"),
        (dict(template_id=nick), "template variable 'nickname' is not available"),
        (dict(template_id="t0"), "no template t0"),
        (dict(body="x", channel="fax"), "unknown channel 'fax'"),
        (dict(body="x", channel="sms", attachments=[pdf]), "the sms channel takes no attachments"),
    ]
    for kwargs, message in cases:
        with pytest.raises(ValidationError, match=message):
            compose.compose(inbox, ana, "c_sms", **kwargs)
    with pytest.raises(PermissionDenied, match="c_bob is assigned to bob"):
        compose.compose(inbox, ana, "c_bob", body="x")
    assert counts(inbox) == before


def test_export_outbox_hands_queued_rows_over_once(inbox: Store, tmp_path: Path) -> None:
    ana, mia = as_user(inbox, "ana"), as_user(inbox, "mia")
    pdf = tmp_path / "boleto.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    first = compose.compose(inbox, ana, "c_ana", body="Segue o boleto", attachments=[pdf])
    second = compose.compose(inbox, ana, "c_sms", body="Hello!")
    out = tmp_path / "gateway" / "batch-1.jsonl"
    assert outbox.export_outbox(inbox, mia, out) == 2
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [(r["outbox_id"], r["channel"], r["phone"], r["body"], r["encoding"], r["segments"]) for r in lines] == [
        (first.outbox_id, "whatsapp", "+5511987654321", "Segue o boleto", None, None),
        (second.outbox_id, "sms", "+5511912345678", "Hello!", "GSM-7", 1)]
    assert lines[0]["attachments"] == [{"path": str(pdf), "name": "boleto.pdf", "size": 8,
                                        "mime_type": "application/pdf"}]
    assert inbox.df("SELECT DISTINCT status FROM outbox")["status"].tolist() == ["exported"]
    audit = inbox.df("SELECT after FROM audit_log WHERE action = 'export_outbox'")
    assert json.loads(audit["after"].iloc[0])["outbox_ids"] == [first.outbox_id, second.outbox_id]
    assert outbox.export_outbox(inbox, mia, tmp_path / "batch-2.jsonl") == 0  # nothing queued: no file, no audit
    assert not (tmp_path / "batch-2.jsonl").exists()
    assert inbox.df("SELECT count(*) AS n FROM audit_log WHERE action = 'export_outbox'")["n"].iloc[0] == 1
    compose.compose(inbox, ana, "c_ana", body="Mais uma")
    with pytest.raises(ValidationError, match="already exists: the gateway has not picked it up yet"):
        outbox.export_outbox(inbox, mia, out)
    with pytest.raises(ValidationError, match="the outbox is exported as .jsonl"):
        outbox.export_outbox(inbox, mia, tmp_path / "batch.csv")
    assert len(outbox.queued(inbox)) == 1
