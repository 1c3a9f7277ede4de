"""Message templates: admins keep them; compose renders them with Jinja2's sandbox and StrictUndefined.

Variables a template can use (a value the contact lacks is absent, so using it is an error that
names it, never an empty string):
- `name`, `first_name` (the first word of the name), `phone` (E.164 when valid, else as stored),
  `email`: the contact's fields;
- every custom attribute whose key is a plain identifier, by its key (`{{ plan }}`), unless it
  clashes with a name in this list; all of them also as `contact.<key>`;
- `agent_name`, `agent_first_name`: the sending teammate;
- `contact` (name, first_name, phone, email and the attributes) and `agent` (name, first_name).
"""
from __future__ import annotations

import json
import re
from typing import Any, Iterable, Mapping

import jinja2
import pandas as pd
from jinja2.sandbox import SandboxedEnvironment, SecurityError

from .. import i18n
from ..errors import ValidationError
from ..store import Store
from .attachments import check_attachments
from .audit import audited, new_id, plain
from .permissions import Actor

ENV = SandboxedEnvironment(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=True)
BUILTINS = ("name", "first_name", "phone", "email", "agent_name", "agent_first_name", "contact", "agent")
_UNCHANGED: Any = object()


def _first(name: str | None) -> str | None:
    return name.split()[0] if name and name.split() else None


def _value(value: Any) -> Any:
    value = plain(value)
    return None if value in (None, "") else value


def template_variables(contact: Mapping[str, Any], agent: Actor | None) -> dict[str, Any]:
    """The variables for one contact row (name, phone, phone_e164, phone_valid, email, attributes) and agent."""
    attributes = contact.get("attributes")
    if isinstance(attributes, str):
        attributes = json.loads(attributes)
    attributes = {str(k): plain(v) for k, v in (attributes or {}).items() if _value(v) is not None}
    phone = _value(contact.get("phone_e164")) if plain(contact.get("phone_valid")) is True else None
    fields = {"name": _value(contact.get("name")), "phone": phone or _value(contact.get("phone")),
              "email": _value(contact.get("email"))}
    fields["first_name"] = _first(fields["name"])
    fields = {k: v for k, v in fields.items() if v is not None}
    variables: dict[str, Any] = {k: v for k, v in attributes.items()
                                 if k.isidentifier() and k not in BUILTINS}
    variables.update(fields)
    variables["contact"] = {**attributes, **fields}
    if agent is not None:
        agent_fields = {"name": agent.name, "first_name": _first(agent.name)}
        variables["agent"] = {k: v for k, v in agent_fields.items() if v}
        variables.update({f"agent_{k}": v for k, v in variables["agent"].items()})
    return variables


def _syntax_error(exc: jinja2.TemplateSyntaxError, locale: str) -> ValidationError:
    return ValidationError(i18n.t("ops_template_syntax", locale, line=exc.lineno, message=exc.message))


def check_syntax(body: str, locale: str = "en") -> None:
    """Nothing if the body is a valid template; ValidationError naming the line otherwise."""
    try:
        ENV.parse(body)
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(exc, locale) from None


def render(body: str, variables: Mapping[str, Any], locale: str = "en") -> str:
    """The body rendered in the sandbox; a missing variable or a syntax error is one ValidationError."""
    try:
        return ENV.from_string(body).render(variables)
    except jinja2.TemplateSyntaxError as exc:
        raise _syntax_error(exc, locale) from None
    except jinja2.UndefinedError as exc:
        found = re.search(r"has no attribute '([^']+)'|'([^']+)' is undefined", str(exc))
        missing = (found[1] or found[2]) if found else str(exc)
        available = ", ".join(sorted(k for k in variables))
        raise ValidationError(i18n.t("ops_template_missing", locale, variable=missing, available=available)) from None
    except SecurityError as exc:
        raise ValidationError(i18n.t("ops_template_unsafe", locale, message=str(exc))) from None


def templates(store: Store, channel: str | None = None) -> pd.DataFrame:
    """Templates, for one channel (plus those for any channel) or all.

    Columns: template_id, name, channel, body, attachments (JSON text).
    """
    return store.df("SELECT template_id, name, channel, body, attachments FROM templates "
                    "WHERE $channel::VARCHAR IS NULL OR channel IS NULL OR channel = $channel ORDER BY name",
                    {"channel": channel})


def _checked(name: str, body: str, channel: str | None, attachments: Iterable[Any], locale: str) -> dict[str, Any]:
    if not name or not name.strip():
        raise ValidationError(i18n.t("ops_name_required", locale))
    if not body or not body.strip():
        raise ValidationError(i18n.t("ops_body_required", locale))
    if channel is not None and channel not in i18n.CHANNELS:
        raise ValidationError(i18n.t("ops_unknown_channel", locale, channel=channel,
                                     known=", ".join(i18n.CHANNELS)))
    check_syntax(body, locale)
    return {"name": name.strip(), "body": body, "channel": channel,
            "attachments": check_attachments(attachments, channel, locale)}


def add_template(store: Store, actor: Actor | None, name: str, body: str, channel: str | None = None,
                 attachments: Iterable[Any] = ()) -> str:
    """Add a template (admin); returns its template_id."""
    template_id = new_id()
    with audited(store, actor, "add_template", "template", template_id, permission="manage_templates") as op:
        row = _checked(name, body, channel, attachments, op.locale)
        op.con.execute("INSERT INTO templates (template_id, name, body, channel, attachments) VALUES (?, ?, ?, ?, ?)",
                       [template_id, row["name"], row["body"], row["channel"], json.dumps(row["attachments"])])
        op.after = {"template_id": template_id, **row}
    return template_id


def update_template(store: Store, actor: Actor | None, template_id: str, name: str | None = None,
                    body: str | None = None, channel: str | None = _UNCHANGED,
                    attachments: Iterable[Any] | None = None) -> None:
    """Change a template's name, body, channel (None: any channel) or attachments (admin); omitted: unchanged."""
    with audited(store, actor, "update_template", "template", template_id, permission="manage_templates") as op:
        rows = op.con.execute("SELECT name, body, channel, attachments FROM templates WHERE template_id = ?",
                              [template_id]).df()
        if rows.empty:
            raise op.fail("ops_unknown_template", template=template_id)
        before = {k: plain(v) for k, v in rows.iloc[0].items()}
        before["attachments"] = json.loads(before["attachments"]) if before["attachments"] else []
        row = _checked(before["name"] if name is None else name, before["body"] if body is None else body,
                       before["channel"] if channel is _UNCHANGED else channel,
                       before["attachments"] if attachments is None else attachments, op.locale)
        op.con.execute("UPDATE templates SET name = ?, body = ?, channel = ?, attachments = ? WHERE template_id = ?",
                       [row["name"], row["body"], row["channel"], json.dumps(row["attachments"]), template_id])
        op.before, op.after = before, row
