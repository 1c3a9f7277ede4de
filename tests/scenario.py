"""Builder of small hand-made scenarios: contacts, messages, events, tickets -> an in-memory Store."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from pipeone_analytics.config import Settings
from pipeone_analytics.store import Store


@dataclass
class Scenario:
    """Times are local wall-clock strings in `timezone` unless they carry an offset."""

    timezone: str = "America/Sao_Paulo"
    phone_region: str = "BR"
    rows: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    _next: int = 0

    def _id(self, prefix: str) -> str:
        self._next += 1
        return f"{prefix}{self._next}"

    def _ts(self, when: str) -> pd.Timestamp:
        ts = pd.Timestamp(when)
        return ts.tz_localize(self.timezone) if ts.tzinfo is None else ts

    def add(self, table: str, **row: Any) -> dict[str, Any]:
        self.rows.setdefault(table, []).append(row)
        return row

    def contact(self, contact_id: str, phone: str | None = None, name: str | None = None,
                email: str | None = None, **attrs: Any) -> str:
        self.add("contacts", contact_id=contact_id, phone=phone, name=name or contact_id, email=email)
        return contact_id

    def agent(self, agent_id: str, role: str = "agent", team: str | None = None, name: str | None = None) -> str:
        self.add("agents", agent_id=agent_id, name=name or agent_id, role=role, team=team, active=True)
        return agent_id

    def conversation(self, conversation_id: str, contact_id: str, created_at: str | None = None,
                     assignee_id: str | None = None, status: str | None = None) -> str:
        self.add("conversations", conversation_id=conversation_id, contact_id=contact_id,
                 created_at=self._ts(created_at) if created_at else None,
                 assignee_id=assignee_id, status=status)
        return conversation_id

    def message(self, conv: str, when: str, direction: str, sender_type: str, contact: str | None = None,
                channel: str = "whatsapp", agent: str | None = None, body: str = "",
                message_id: str | None = None) -> str:
        mid = message_id or self._id("m")
        self.add("messages", message_id=mid, conversation_id=conv, contact_id=contact or self._contact_of(conv),
                 channel=channel, direction=direction, sent_at=self._ts(when), sender_type=sender_type,
                 agent_id=agent, body=body or f"{sender_type} {mid}", template_id=None, attachments=None)
        return mid

    def _contact_of(self, conv: str) -> str | None:
        for row in self.rows.get("conversations", []):
            if row["conversation_id"] == conv:
                return row["contact_id"]
        return None

    def inbound(self, conv: str, when: str, **kw: Any) -> str:
        return self.message(conv, when, "inbound", "contact", **kw)

    def outbound(self, conv: str, when: str, agent: str | None = "a1", **kw: Any) -> str:
        return self.message(conv, when, "outbound", "agent", agent=agent, **kw)

    def automation(self, conv: str, when: str, **kw: Any) -> str:
        return self.message(conv, when, "outbound", "automation", **kw)

    def note(self, conv: str, when: str, agent: str | None = "a1", **kw: Any) -> str:
        return self.message(conv, when, "outbound", "note", agent=agent, **kw)

    def event(self, conv: str, when: str, kind: str, value: str | None = None, actor: str | None = "a1") -> str:
        eid = self._id("e")
        self.add("events", event_id=eid, conversation_id=conv, at=self._ts(when), actor_id=actor, kind=kind,
                 value=value)
        return eid

    def ticket(self, conv: str, when: str, type: str = "question", category: str | None = None,
               note: str | None = None, by: str | None = "a1") -> str:
        tid = self._id("t")
        self.add("tickets", ticket_id=tid, conversation_id=conv, resolved_at=self._ts(when), resolved_by=by,
                 type=type, category=category, note=note)
        return tid

    def resolve(self, conv: str, when: str, type: str = "question", category: str | None = None,
                note: str | None = None, by: str = "a1") -> str:
        """A resolved event plus its ticket, as the ops layer writes them."""
        self.event(conv, when, "resolved", actor=by)
        return self.ticket(conv, when, type=type, category=category, note=note, by=by)

    def category(self, category_id: str, name: str, active: bool = True) -> str:
        self.add("categories", category_id=category_id, name=name, active=active)
        return category_id

    def settings(self, **overrides: Any) -> Settings:
        return Settings(timezone=self.timezone, phone_region=self.phone_region, **overrides)

    def frames(self) -> dict[str, pd.DataFrame]:
        return {table: pd.DataFrame(rows) for table, rows in self.rows.items()}

    def store(self, **settings: Any) -> Store:
        return Store.from_frames(self.frames(), self.settings(**settings))
