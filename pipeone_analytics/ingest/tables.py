"""The canonical export's tables (DESIGN 3.1): columns, types, required ones, name aliases, value vocabularies."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Mapping

CHANNELS = ("sms", "whatsapp", "webchat", "email", "instagram", "messenger", "telegram", "other")


SEPARATORS = r"[\s_\-./]+"  # what norm_key drops, here and in SQL (staging.NORM)


def norm_key(text: str) -> str:
    """A column name or vocabulary word in lowercase without spaces, _, -, . or / ('Web-Chat' -> 'webchat')."""
    return re.sub(SEPARATORS, "", str(text).lower())


def _vocab(groups: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """{normalized spelling: canonical value}, every canonical value also spelling itself."""
    out: dict[str, str] = {}
    for value, spellings in groups.items():
        for spelling in (value, *spellings):
            out[norm_key(spelling)] = value
    return out


# Value vocabularies: every accepted spelling (compared after norm_key) -> canonical value.
VOCABULARIES: dict[str, dict[str, str]] = {
    "channel": _vocab({
        "sms": ("text", "text message", "sms text", "mms"),
        "whatsapp": ("whats app", "wa", "whatsapp business", "wpp", "zap"),
        "webchat": ("web chat", "web", "live chat", "livechat", "chat", "site chat", "website", "widget"),
        "email": ("e-mail", "mail", "e mail"),
        "instagram": ("ig", "instagram direct", "instagram dm", "insta"),
        "messenger": ("fb messenger", "facebook messenger", "facebook", "fb"),
        "telegram": ("tg",),
        "other": ("others", "outro", "outros"),
    }),
    "direction": _vocab({
        "inbound": ("in", "incoming", "received", "receive", "i", "inbox", "from contact"),
        "outbound": ("out", "outgoing", "sent", "send", "o", "reply", "from agent"),
    }),
    "sender_type": _vocab({
        "contact": ("customer", "client", "user", "end user", "visitor", "lead"),
        "agent": ("operator", "staff", "human", "attendant", "atendente"),
        "automation": ("bot", "system", "campaign", "auto", "automatic", "broadcast", "chatbot"),
        "note": ("internal note", "internal", "private", "private note", "comment"),
    }),
    "role": _vocab({"agent": ("user", "operator"), "manager": ("supervisor", "lead"),
                    "admin": ("administrator", "owner")}),
    "kind": _vocab({
        "assigned": ("assign", "assignment", "transfer", "transferred", "reassigned"),
        "status_changed": ("status", "status change", "status changed", "state changed"),
        "resolved": ("resolve", "closed", "close", "solved"),
        "reopened": ("reopen", "re-opened"),
    }),
    "ticket_type": _vocab({"question": ("doubt", "duvida"), "incident": ("incidente",),
                           "problem": ("problema",), "task": ("tarefa",)}),
}


@dataclass(frozen=True)
class Column:
    """One canonical column: its type kind (text, timestamp, bool, json, or a vocabulary name), aliases."""

    name: str
    kind: str = "text"
    required: bool = False
    aliases: tuple[str, ...] = ()
    # boolean columns that spell this one: {alias: value when true, value when false}
    flags: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def sql_type(self) -> str:
        return {"timestamp": "TIMESTAMPTZ", "bool": "BOOLEAN", "json": "JSON"}.get(self.kind, "VARCHAR")


@dataclass(frozen=True)
class TableSpec:
    """A canonical table: its key, columns in store order, and whether extra columns are kept in `attributes`."""

    name: str
    columns: tuple[Column, ...]
    keep_extras: bool = False

    @property
    def key(self) -> str:
        return self.columns[0].name

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


_OUT = ("outbound", "inbound")
_IN = ("inbound", "outbound")

TABLES: dict[str, TableSpec] = {spec.name: spec for spec in (
    TableSpec("categories", (
        Column("category_id", required=True, aliases=("id", "category")),
        Column("name", required=True, aliases=("category_name", "label", "title")),
        Column("active", "bool", aliases=("enabled", "is_active")),
    )),
    TableSpec("templates", (
        Column("template_id", required=True, aliases=("id", "template")),
        Column("name", required=True, aliases=("template_name", "title")),
        Column("body", required=True, aliases=("text", "content", "message")),
        Column("channel", "channel", aliases=("source", "medium")),
        Column("attachments", "json", aliases=("attachment", "media", "media_url")),
    )),
    TableSpec("agents", (
        Column("agent_id", required=True, aliases=("id", "user_id", "agent")),
        Column("name", required=True, aliases=("agent_name", "full_name", "display_name")),
        Column("email", aliases=("email_address", "e_mail", "mail")),
        Column("role", "role", aliases=("agent_role", "user_role", "profile")),
        Column("team", aliases=("team_name", "group", "department", "squad")),
        Column("active", "bool", aliases=("enabled", "is_active")),
    )),
    TableSpec("contacts", (
        Column("contact_id", required=True, aliases=("id", "contact", "customer_id", "client_id")),
        Column("name", aliases=("full_name", "contact_name", "display_name", "customer_name")),
        Column("phone", aliases=("phone_number", "mobile", "mobile_phone", "msisdn", "telephone", "tel",
                                 "cellphone", "celular", "telefone", "whatsapp", "whatsapp_number")),
        Column("email", aliases=("email_address", "e_mail", "mail")),
        Column("created_at", "timestamp", aliases=("created", "creation_date", "created_on", "created_time",
                                                   "signup_at")),
        Column("attributes", "json", aliases=("custom_attributes", "extra")),
    ), keep_extras=True),
    TableSpec("conversations", (
        Column("conversation_id", required=True, aliases=("id", "conversation", "thread_id", "chat_id")),
        Column("contact_id", required=True, aliases=("contact", "customer_id", "client_id")),
        Column("created_at", "timestamp", aliases=("created", "started_at", "opened_at", "start")),
        Column("assignee_id", aliases=("assignee", "assigned_to", "agent_id", "owner_id")),
        Column("status", aliases=("state", "conversation_status")),
    )),
    TableSpec("messages", (
        Column("message_id", required=True, aliases=("id", "msg_id", "message_uuid", "sid")),
        Column("conversation_id", required=True, aliases=("conversation", "thread_id", "chat_id")),
        Column("contact_id", aliases=("contact", "customer_id", "client_id")),
        Column("channel", "channel", required=True, aliases=("source", "medium", "channel_type", "platform")),
        Column("direction", "direction", required=True, aliases=("message_direction", "inout", "in_out"),
               flags={"from_me": _OUT, "is_from_me": _OUT, "fromme": _OUT, "outgoing": _OUT,
                      "is_outgoing": _OUT, "is_outbound": _OUT, "incoming": _IN, "is_incoming": _IN,
                      "is_inbound": _IN}),
        Column("sent_at", "timestamp", required=True,
               aliases=("timestamp", "created_at", "sent", "date", "datetime", "time", "date_sent", "sent_date",
                        "message_date", "ts")),
        Column("sender_type", "sender_type", aliases=("sender", "sender_role", "author_type", "from_type")),
        Column("agent_id", aliases=("agent", "user_id", "author_id", "operator_id")),
        Column("body", aliases=("text", "content", "message", "message_body", "message_text")),
        Column("template_id", aliases=("template",)),
        Column("attachments", "json", aliases=("attachment", "media", "media_url", "media_urls")),
    )),
    TableSpec("events", (
        Column("event_id", required=True, aliases=("id",)),
        Column("conversation_id", required=True, aliases=("conversation", "thread_id", "chat_id")),
        Column("at", "timestamp", required=True, aliases=("timestamp", "created_at", "occurred_at", "time",
                                                         "event_at", "date")),
        Column("actor_id", aliases=("actor", "agent_id", "user_id", "by")),
        Column("kind", "kind", required=True, aliases=("type", "event_type", "event", "action")),
        Column("value", aliases=("new_value", "data", "to")),
    )),
    TableSpec("tickets", (
        Column("ticket_id", required=True, aliases=("id",)),
        Column("conversation_id", required=True, aliases=("conversation", "thread_id", "chat_id")),
        Column("resolved_at", "timestamp", required=True, aliases=("closed_at", "solved_at", "resolved")),
        Column("resolved_by", aliases=("resolver", "resolver_id", "closed_by", "agent_id")),
        Column("type", "ticket_type", required=True, aliases=("ticket_type", "kind")),
        Column("category", aliases=("category_id",)),
        Column("note", aliases=("notes", "comment")),
    )),
)}

# Import order: referenced tables first, so that messages can take contact_id from conversations.
ORDER = ("categories", "templates", "agents", "contacts", "conversations", "messages", "events", "tickets")
# Derived columns the store computes: never read from an export, never kept as attributes.
DERIVED = {"contacts": ("phone_e164", "phone_valid")}
# Defaults when a value is absent: SQL over the other typed columns of the row, named {column}.
DEFAULTS = {("agents", "role"): "'agent'", ("agents", "active"): "TRUE", ("categories", "active"): "TRUE",
            ("messages", "sender_type"): "CASE {direction} WHEN 'inbound' THEN 'contact' ELSE 'agent' END"}


@dataclass(frozen=True)
class ColumnMap:
    """How one file's columns map to a table: {canonical: source column}, flag columns, extras, ignored."""

    columns: dict[str, str]
    flags: dict[str, tuple[str, tuple[str, str]]]
    extras: tuple[str, ...]
    ignored: tuple[str, ...]


def map_columns(spec: TableSpec, names: list[str]) -> ColumnMap:
    """Map source column names to canonical ones: exact names win, then aliases in the order listed."""
    by_key: dict[str, str] = {}
    for name in names:
        if name.startswith("_"):
            continue
        by_key.setdefault(norm_key(name), name)
    taken: set[str] = set()
    columns: dict[str, str] = {}
    for col in spec.columns:
        for candidate in (col.name, *col.aliases):
            source = by_key.get(norm_key(candidate))
            if source is not None and source not in taken:
                columns[col.name] = source
                taken.add(source)
                break
    flags: dict[str, tuple[str, tuple[str, str]]] = {}
    for col in spec.columns:
        if col.name in columns:
            continue
        for flag, values in col.flags.items():
            source = by_key.get(norm_key(flag))
            if source is not None and source not in taken:
                flags[col.name] = (source, values)
                taken.add(source)
                break
    derived = {norm_key(d) for d in DERIVED.get(spec.name, ())}
    rest = [n for n in names if n not in taken and not n.startswith("_")]
    if spec.keep_extras:
        extras = tuple(n for n in rest if norm_key(n) not in derived)
        ignored = tuple(n for n in rest if norm_key(n) in derived)
    else:
        extras, ignored = (), tuple(rest)
    return ColumnMap(columns, flags, extras, ignored)
