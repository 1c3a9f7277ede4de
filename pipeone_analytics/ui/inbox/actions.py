"""The conversation header and its actions: transfer to an active agent (take: to yourself, the only choice an
agent has on an unassigned conversation), in progress, on hold, reopen, and resolve through a form (ticket
type, active category, note). Buttons the acting user may not use are disabled with the reason as their
tooltip; a forced click still goes through ops, which refuses and says why."""
from __future__ import annotations

from typing import Any, Callable

import ipywidgets as w
import pandas as pd

from ... import i18n
from ...ops import conversations as ops
from ...ops.audit import ReadAfter
from ...ops.permissions import allowed
from ..components import options, tag
from .context import Context
from .render import esc, present

NO_CATEGORY = ""


class ActionBar(w.VBox):
    """Header of the selected conversation; calls on_done(conversation_id, result) after every successful action
    and on_contact() when the contact's name or phone is clicked. Every action hands ops the state shown (with
    its version), which the write uses only if it is still the store's, and read_after() (what the screen redraws,
    read by the write)."""

    def __init__(self, ctx: Context, agents: pd.DataFrame, categories: pd.DataFrame,
                 on_done: Callable[[str, object], None], on_contact: Callable[[], None],
                 read_after: Callable[[], ReadAfter]) -> None:
        self.ctx, self._on_done, self._read_after = ctx, on_done, read_after
        t = ctx.t
        self.agents = agents[agents["active"]]
        self.name = w.Button(description="", layout=w.Layout(width="auto", flex="0 0 auto"))
        self.phone = w.Button(description="", layout=w.Layout(width="auto", flex="0 0 auto"))
        for button in (self.name, self.phone):
            button.add_class("p1-link")
            button.on_click(lambda _: on_contact())
        self.tags = w.HTML()
        self.target = w.Dropdown(options=[], description=t("inbox_transfer_to"), layout=w.Layout(width="250px"))
        self.target.style.description_width = "90px"
        self.transfer = w.Button(description=t("inbox_transfer"), icon="exchange", layout=w.Layout(width="auto"))
        self.progress = w.Button(description=t("inbox_in_progress"), icon="play", layout=w.Layout(width="auto"))
        self.hold = w.Button(description=t("inbox_on_hold"), icon="pause", layout=w.Layout(width="auto"))
        self.reopen = w.Button(description=t("inbox_reopen"), icon="undo", layout=w.Layout(width="auto"))
        self.resolve = w.Button(description=t("inbox_resolve"), icon="check", button_style="success",
                                layout=w.Layout(width="auto"))
        self.transfer.on_click(lambda _: self.do_transfer())
        self.progress.on_click(lambda _: self.do_status("in_progress"))
        self.hold.on_click(lambda _: self.do_status("on_hold"))
        self.reopen.on_click(lambda _: self.do_reopen())
        self.resolve.on_click(lambda _: self.open_resolve())
        # the resolve form
        self.ticket_type = w.Dropdown(options=options(i18n.TICKET_TYPES, ctx.locale, "ticket_type"),
                                      value="question", description=t("inbox_ticket_type"),
                                      layout=w.Layout(width="260px"))
        active = categories[categories["active"]]
        self.category = w.Dropdown(options=[(t("no_category"), NO_CATEGORY)]
                                   + list(zip(active["name"], active["category_id"])),
                                   value=NO_CATEGORY, description=t("inbox_category"), layout=w.Layout(width="320px"))
        self.note = w.Textarea(placeholder=t("inbox_ticket_note"), layout=w.Layout(width="100%", height="56px"))
        for control in (self.ticket_type, self.category):
            control.style.description_width = "80px"
        self.confirm = w.Button(description=t("inbox_confirm_resolve"), button_style="success", icon="check")
        self.cancel = w.Button(description=t("inbox_cancel"))
        self.confirm.on_click(lambda _: self.do_resolve())
        self.cancel.on_click(lambda _: self.close_resolve())
        self.form = w.VBox([w.HTML(f"<b>{esc(t('inbox_resolve_title'))}</b>"),
                            w.HBox([self.ticket_type, self.category]), self.note,
                            w.HBox([self.confirm, self.cancel])],
                           layout=w.Layout(display="none", padding="8px", border="1px solid #a5d6a7"))
        self.state: dict[str, Any] | None = None
        who = w.HBox([self.name, self.phone, self.tags], layout=w.Layout(align_items="center"))
        buttons = w.HBox([self.target, self.transfer, self.progress, self.hold, self.reopen, self.resolve],
                         layout=w.Layout(flex_flow="row wrap", gap="4px", align_items="center"))
        super().__init__([who, buttons, self.form], layout=w.Layout(flex="0 0 auto"))
        self.add_class("p1-pane-head")
        self.show(None, None)

    def show(self, state: dict[str, Any] | None, profile: dict[str, Any] | None) -> None:
        """Show a conversation's state (its list row and version) and set every button's permission."""
        self.state = state
        self.layout.display = None if state else "none"
        if state is None:
            return
        profile = profile or {}
        self.name.description = str(profile["name"]) if present(profile.get("name")) else str(state["contact_id"])
        self.name.tooltip = self.ctx.t("inbox_open_profile")
        phone = str(profile["phone"]) if present(profile.get("phone")) else ""
        self.phone.description, self.phone.tooltip = phone, self.ctx.t("inbox_open_profile")
        self.phone.layout.display = None if phone else "none"
        names = dict(zip(self.agents["agent_id"], self.agents["name"]))
        assignee = state.get("assignee_id") if present(state.get("assignee_id")) else None
        who = names.get(assignee, assignee) if assignee else self.ctx.t("unassigned")
        channel = tag("channel", state["last_channel"], self.ctx.locale) if present(state.get("last_channel")) else ""
        self.tags.value = (f"{tag('status', state['status'], self.ctx.locale)}{channel}"
                           f"<span class='p1-muted'><i class='fa fa-user-o'></i> {esc(who)} · "
                           f"<span class='p1-conversation-id'>{esc(state['conversation_id'])}</span></span>")
        me = self.ctx.actor.agent_id if self.ctx.actor is not None else None
        taking = assignee is None and me is not None and not allowed(self.ctx.actor, "assign", state)[0]
        self.target.options = [(n, a) for a, n in zip(self.agents["agent_id"], self.agents["name"])
                               if a != assignee and (a == me or not taking)]
        self.target.value = me if taking else None
        status, locale, cid = state["status"], self.ctx.locale, state["conversation_id"]

        def same(target: str) -> str | None:
            if status == "resolved":
                return i18n.t("ops_resolved_reopen_first", locale, conversation=cid)
            if status == target:
                return i18n.t("ops_same_status", locale, conversation=cid, status=i18n.label("status", target, locale))
            return None

        self.ctx.gate(self.transfer, "take" if taking else "assign", state)
        self.ctx.gate(self.progress, "set_status", state, same("in_progress"))
        self.ctx.gate(self.hold, "set_status", state, same("on_hold"))
        self.ctx.gate(self.resolve, "resolve", state,
                      i18n.t("ops_already_resolved", locale, conversation=cid) if status == "resolved" else None)
        self.ctx.gate(self.confirm, "resolve", state)
        self.ctx.gate(self.reopen, "reopen", state,
                      None if status == "resolved" else i18n.t("ops_not_resolved", locale, conversation=cid))
        self.reopen.layout.display = None if status == "resolved" else "none"
        self.close_resolve()

    def _run(self, fn: Callable[[], object], done: str) -> None:
        if self.state is None:
            return
        result = self.ctx.attempt(fn, done)
        if result is not None:
            self._on_done(self.state["conversation_id"], result)

    def do_transfer(self) -> None:
        """Transfer to the chosen agent (when nobody holds it yet: take it for yourself, or assign it)."""
        if self.state is None or self.target.value is None:
            self.ctx.notice.show(self.ctx.t("inbox_pick_agent"), "error")
            return
        cid, agent, held, then = self.state["conversation_id"], self.target.value, self.state, self._read_after()
        store, actor = self.ctx.store, self.ctx.actor

        def move() -> ops.ActionResult:
            if present(held.get("assignee_id")):
                return ops.transfer(store, actor, cid, agent, held=held, read_after=then)
            if actor is not None and agent == actor.agent_id:
                return ops.take(store, actor, cid, held=held, read_after=then)
            return ops.assign(store, actor, cid, agent, held=held, read_after=then)

        self._run(move, self.ctx.t("inbox_done_transfer", agent=self.target.label))

    def do_status(self, status: str) -> None:
        """Set in_progress or on_hold."""
        if self.state is not None:
            cid, held, then = self.state["conversation_id"], self.state, self._read_after()
            self._run(lambda: ops.set_status(self.ctx.store, self.ctx.actor, cid, status, held=held, read_after=then),
                      self.ctx.t("inbox_done_status", status=i18n.label("status", status, self.ctx.locale)))

    def do_reopen(self) -> None:
        """Reopen a resolved conversation."""
        if self.state is not None:
            cid, held, then = self.state["conversation_id"], self.state, self._read_after()
            self._run(lambda: ops.reopen(self.ctx.store, self.ctx.actor, cid, held=held, read_after=then),
                      self.ctx.t("inbox_done_reopen"))

    def open_resolve(self) -> None:
        """Show the resolve form."""
        self.form.layout.display = None

    def close_resolve(self) -> None:
        """Hide and clear the resolve form."""
        self.form.layout.display = "none"
        self.note.value = ""

    def do_resolve(self) -> None:
        """Resolve with a ticket of the chosen type, category and note."""
        if self.state is None:
            return
        cid, kind, held, then = self.state["conversation_id"], self.ticket_type.value, self.state, self._read_after()
        category, note = self.category.value or None, self.note.value
        self._run(lambda: ops.resolve(self.ctx.store, self.ctx.actor, cid, kind, category=category, note=note,
                                      held=held, read_after=then),
                  self.ctx.t("inbox_done_resolve"))
