"""SMS segments (hand-counted), template variables and rendering, attachments, template admin."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ops_team import as_user
from pipeone_analytics.errors import ValidationError
from pipeone_analytics.ops import templates
from pipeone_analytics.ops.attachments import check_attachments
from pipeone_analytics.ops.sms import sms_segments
from pipeone_analytics.store import Store


@pytest.mark.parametrize("text, expected", [
    ("", ("GSM-7", 0)),
    ("Hello", ("GSM-7", 1)),
    ("a" * 160, ("GSM-7", 1)),                           # 160 septets fit one SMS
    ("a" * 161, ("GSM-7", 2)),                           # 161 > 160: parts of 153 -> 153 + 8
    ("a" * 306, ("GSM-7", 2)),                           # 153 + 153
    ("a" * 307, ("GSM-7", 3)),                           # 153 + 153 + 1
    ("Ç" * 160, ("GSM-7", 1)),                           # capital Ç is in the GSM-7 basic table
    ("€" * 80, ("GSM-7", 1)),                            # 80 x 2 septets = 160
    ("€" * 81, ("GSM-7", 2)),                            # 162 septets: 76 € (152) + 5 € (10)
    ("a" * 152 + "€" + "a" * 152, ("GSM-7", 3)),         # 306 septets, but € cannot straddle: 152 | 2+151 | 1
    ("{[~]}", ("GSM-7", 1)),                             # 10 septets
    ("ç", ("UCS-2", 1)),                                 # lowercase ç is not GSM-7
    ("ç" * 70, ("UCS-2", 1)),
    ("ç" * 71, ("UCS-2", 2)),                            # 67 + 4
    ("Olá, tudo bem? €", ("UCS-2", 1)),                  # á forces UCS-2; € is then one unit
    ("😀" * 35, ("UCS-2", 1)),                           # 35 x 2 code units = 70
    ("😀" * 36, ("UCS-2", 2)),                           # 72 units: 33 emoji (66) + 3 emoji (6)
    ("a" * 66 + "😀" + "a" * 66, ("UCS-2", 3)),          # 134 units, pair not split: 66 | 2+65 | 1
])
def test_sms_segments_hand_counted(text: str, expected: tuple[str, int]) -> None:
    assert sms_segments(text) == expected


def _k1(store: Store) -> dict:
    return store.df("SELECT * FROM contacts WHERE contact_id = 'k1'").iloc[0].to_dict()


def test_template_variables_of_a_contact_and_an_agent(inbox: Store) -> None:
    variables = templates.template_variables(_k1(inbox), as_user(inbox, "ana"))
    assert variables == {
        "name": "Joana Silva", "first_name": "Joana", "phone": "+5511987654321", "email": "joana@example.com",
        "plan": "gold", "city": "Recife", "agent_name": "Ana Lima", "agent_first_name": "Ana",
        "agent": {"name": "Ana Lima", "first_name": "Ana"},
        "contact": {"name": "Joana Silva", "first_name": "Joana", "phone": "+5511987654321",
                    "email": "joana@example.com", "plan": "gold", "city": "Recife"}}
    body = "Oi {{ first_name }}, seu plano {{ plan }} ({{ contact.city }}) — {{ agent.first_name }}"
    assert templates.render(body, variables) == "Oi Joana, seu plano gold (Recife) — Ana"


def test_a_missing_variable_is_named(inbox: Store) -> None:
    no_name = inbox.df("SELECT * FROM contacts WHERE contact_id = 'k_none'").iloc[0].to_dict()
    variables = templates.template_variables(no_name, as_user(inbox, "ana"))
    with pytest.raises(ValidationError, match=r"^template variable 'first_name' is not available for this "
                                              r"contact; available: agent, agent_first_name, agent_name, contact$"):
        templates.render("Oi {{ first_name }}", variables)
    with pytest.raises(ValidationError, match="template variable 'nickname' is not available"):
        templates.render("Oi {{ contact.nickname }}", variables)


@pytest.mark.parametrize("body, message", [
    ("Oi {{ name ", r"^template syntax error on line 1: unexpected end of template"),
    ("a\n{% if name %}b", r"^template syntax error on line 2: Unexpected end of template"),
    ("{{ name.__class__ }}", r"^the template uses something not allowed: access to attribute '__class__'"),
])
def test_syntax_errors_and_unsafe_templates_are_one_line(body: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message) as err:
        templates.render(body, {"name": "x"})
    assert "\n" not in str(err.value)


def _file(path: Path, size: int) -> Path:
    with open(path, "wb") as handle:
        handle.truncate(size)
    return path


def test_attachments_exist_have_a_known_type_and_fit_the_channel(tmp_path: Path) -> None:
    pdf = _file(tmp_path / "Boleto.PDF", 1000)
    big = _file(tmp_path / "video.mp4", 16 * 1024 * 1024 + 1)
    assert check_attachments([pdf], "whatsapp") == [
        {"path": str(pdf), "name": "Boleto.PDF", "size": 1000, "mime_type": "application/pdf"}]
    assert check_attachments([big], "telegram")[0]["size"] == 16 * 1024 * 1024 + 1
    cases = [
        ([tmp_path / "gone.pdf"], "whatsapp", "attachment .*gone.pdf does not exist"),
        ([_file(tmp_path / "run.exe", 10)], None, "attachment type not allowed: run.exe"),
        ([big], "whatsapp", r"attachment video.mp4 is 16.0 MB; the whatsapp limit is 16.0 MB"),
        ([pdf], "sms", "the sms channel takes no attachments"),
        ([pdf], "instagram", r"the instagram channel does not take Boleto.PDF \(application/pdf\)"),
    ]
    for items, channel, message in cases:
        with pytest.raises(ValidationError, match=message):
            check_attachments(items, channel)


def test_admins_keep_templates_with_checked_bodies_and_attachments(inbox: Store, tmp_path: Path) -> None:
    root = as_user(inbox, "root")
    pdf = _file(tmp_path / "menu.pdf", 2048)
    template_id = templates.add_template(inbox, root, "Welcome", "Oi {{ first_name }}!", "whatsapp", [pdf])
    row = templates.templates(inbox, "whatsapp").iloc[0]
    assert (row["template_id"], row["name"], row["channel"], row["body"]) == (template_id, "Welcome", "whatsapp",
                                                                              "Oi {{ first_name }}!")
    assert json.loads(row["attachments"]) == [{"path": str(pdf), "name": "menu.pdf", "size": 2048,
                                               "mime_type": "application/pdf"}]
    assert templates.templates(inbox, "sms").empty
    templates.update_template(inbox, root, template_id, body="Olá {{ first_name }}!", channel=None)
    assert templates.templates(inbox, "sms")["body"].tolist() == ["Olá {{ first_name }}!"]
    audit = inbox.df("SELECT before, after FROM audit_log WHERE action = 'update_template'").iloc[0]
    assert (json.loads(audit["before"])["body"], json.loads(audit["after"])["body"]) == ("Oi {{ first_name }}!",
                                                                                         "Olá {{ first_name }}!")
    for kwargs, message in [({"body": "{% for %}"}, "template syntax error on line 1"),
                            ({"channel": "pigeon"}, "unknown channel 'pigeon'"),
                            ({"channel": "sms"}, "the sms channel takes no attachments"),
                            ({"name": " "}, "a name is required")]:
        with pytest.raises(ValidationError, match=message):
            templates.update_template(inbox, root, template_id, **kwargs)
    with pytest.raises(ValidationError, match="no template t0"):
        templates.update_template(inbox, root, "t0", name="X")
