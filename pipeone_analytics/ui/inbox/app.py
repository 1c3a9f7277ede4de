"""The inbox app: three panes (conversation list, the contact's timeline with actions and composer, contact
profile), a top bar with the acting user or the read-only statement, the notice line and Refresh."""
from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Mapping

import ipywidgets as w

from ... import i18n
from ...config import load_settings
from ...core.conversations import contact_profile, conversation_list
from ...core.timeline import Page
from ...errors import PipeOneError
from ...ops.admin import categories, teammates
from ...ops.compose import Sent
from ...ops.conversations import ActionResult
from ...ops.permissions import Actor, acting_user
from ...ops.state import conversation_version
from ...store import Store
from ..components import CSS as COMPONENTS_CSS, Notice
from .actions import ActionBar
from .composer import Composer
from .context import Context
from .list_pane import ListPane
from .profile_pane import ProfilePane
from .render import CSS, esc, present
from .timeline_pane import TimelinePane


class InboxApp(w.VBox):
    """The whole inbox for one store; every click reads or writes through short-lived store connections."""

    def __init__(self, store: Store, locale: str | None = None, env: Mapping[str, str] | None = None) -> None:
        locale = i18n.check_locale(locale or store.settings.locale)
        self.notice = Notice()
        actor, problem = self._actor(store, env)
        self.ctx = Context(store=store, locale=locale, actor=actor, notice=self.notice)
        agents, cats = teammates(store), categories(store)
        self.names = dict(zip(agents["agent_id"], agents["name"]))
        self.refresh_button = w.Button(description=self.ctx.t("inbox_refresh"), icon="refresh",
                                       layout=w.Layout(width="auto"))
        self.refresh_button.on_click(lambda _: self.refresh())
        self.banner = w.HTML(self._banner(problem))
        self.list = ListPane(self.ctx, agents, self.select)
        self.timeline = TimelinePane(self.ctx, self.names)
        self.actions = ActionBar(self.ctx, agents, cats, self.after_action, self.open_profile, self.timeline.newer_read)
        folder = Path(store.path).parent / "attachments" if store.path else Path(tempfile.mkdtemp(prefix="pipeone-"))
        self.composer = Composer(self.ctx, folder, self.after_action, self.timeline.newer_read)
        self.profile = ProfilePane(self.ctx, self.after_contact_saved)
        self.state: dict | None = None
        self.contact_row: dict = {}
        center = w.VBox([self.actions, self.timeline, self.composer],
                        layout=w.Layout(width="48%", height="100%", flex="1 1 auto"))
        center.add_class("p1-pane")
        panes = w.HBox([self.list, center, self.profile],
                       layout=w.Layout(height="calc(100vh - 140px)", min_height="560px", gap="8px", width="100%"))
        top = w.HBox([self.banner, self.refresh_button],
                      layout=w.Layout(justify_content="space-between", align_items="center", width="100%"))
        super().__init__([w.HTML(COMPONENTS_CSS + CSS), top, self.notice, panes], layout=w.Layout(width="100%"))
        self.add_class("p1-inbox")
        self.list.reload()
        self.timeline.show(None)

    @staticmethod
    def _actor(store: Store, env: Mapping[str, str] | None) -> tuple[Actor | None, str | None]:
        try:
            return acting_user(store, env), None
        except PipeOneError as exc:
            return None, str(exc)

    def _banner(self, problem: str | None) -> str:
        title = f"<b>PipeOne · {esc(self.ctx.t('inbox_title'))}</b>"
        actor = self.ctx.actor
        if actor is None:
            why = f" ({esc(problem)})" if problem else ""
            return (f"<div class='p1-topbar'>{title}</div>"
                    f"<div class='p1-banner' role='status'><i class='fa fa-lock'></i> "
                    f"{esc(i18n.t('read_only', self.ctx.locale))}{why}</div>")
        role = i18n.label("role", actor.role, self.ctx.locale)
        return (f"<div class='p1-topbar'>{title} &nbsp;·&nbsp; "
                f"{esc(self.ctx.t('inbox_acting_as', name=actor.name, role=role))}</div>")

    def select(self, row: dict) -> None:
        """Open a conversation from the list: its state, actions, the contact's timeline and the composer."""
        self.notice.clear()
        self.profile.hide_contact()
        self.load(row["conversation_id"])

    def load(self, conversation_id: str) -> None:
        """(Re)read one conversation's state and show it in the center pane, on one read connection."""
        with self.ctx.reading():
            self._load(conversation_id)

    def _load(self, conversation_id: str, contact_unchanged: bool = False) -> dict | None:
        """Read one conversation's list row and version (on the current connection) and show it; returns the
        state shown, None when unreadable.

        contact_unchanged: the contact's profile row read last time still holds (a conversation action)."""
        page = self.ctx.attempt(lambda: conversation_list(self.ctx.source, conversation_ids=[conversation_id]))
        if page is None:
            return None
        if page.items.empty:
            self.notice.show(i18n.t("ops_unknown_conversation", self.ctx.locale, conversation=conversation_id),
                             "error")
            return None
        version = self.ctx.attempt(lambda: conversation_version(self.ctx.source, conversation_id))
        self._show({**page.items.iloc[0].to_dict(), "version": version}, contact_unchanged)
        return self.state

    def _show(self, state: dict, contact_unchanged: bool, newer: Page | None = None) -> None:
        """Show a conversation's state (its list row plus "version") in the header, timeline and composer;
        `newer`: the timeline items after those shown, read by the write (else the timeline is read again)."""
        conversation_id = state["conversation_id"]
        same_contact = self.state is not None and self.state["contact_id"] == state["contact_id"]
        if not (contact_unchanged and same_contact and self.contact_row):
            profile = self.ctx.attempt(lambda: contact_profile(self.ctx.source, state["contact_id"]))
            self.contact_row = profile.iloc[0].to_dict() if profile is not None and len(profile) else {}
        self.state = state
        self.actions.show(state, self.contact_row)
        if not same_contact:
            self.timeline.show(state["contact_id"])
        elif newer is None or not self.timeline.add_newer(newer):
            self.timeline.reload()
        if self.composer.state is None or self.composer.state["conversation_id"] != conversation_id:
            self.composer.start(state)
        else:
            self.composer.state = state
            self.ctx.gate(self.composer.send_button, "compose", state)

    def open_profile(self) -> None:
        """Show the selected contact's profile on the right."""
        if self.state is not None:
            self.profile.show_contact(self.state["contact_id"])

    def after_action(self, conversation_id: str, result: ActionResult | Sent) -> None:
        """After a write: the conversation's state is the one the write returned, and the timeline items after
        those shown are the ones the write read (result.read), so no read connection opens; its card alone is
        redrawn. When the state shown was not current when it wrote (someone else changed the conversation),
        the list row and the timeline are read again instead, on one read connection."""
        held = self.state if self.state is not None and self.state["conversation_id"] == conversation_id else None
        with self.ctx.reading():
            if result.held_current and held is not None:
                assignee = result.state["assignee_id"]
                state = {**held, **result.state, "last_activity_at": result.at.tz_convert(self.ctx.timezone),
                         "assignee_name": self.names.get(assignee) if present(assignee) else None}
                self._show(state, True, result.read if isinstance(result.read, Page) else None)
            else:
                state = self._load(conversation_id, contact_unchanged=True)
            self.list.update(conversation_id, None if state is None else
                             {k: v for k, v in state.items() if k != "version"})

    def after_contact_saved(self) -> None:
        """A name or phone changed: the header and the list show it."""
        with self.ctx.reading():
            if self.state is not None:
                self._load(self.state["conversation_id"])
            self.list.reload()

    def refresh(self) -> None:
        """Reload the list and the open conversation from the store (one fresh connection, closed after)."""
        with self.ctx.reading():
            self.list.reload()
            if self.state is not None:
                self._load(self.state["conversation_id"])
                if self.profile.contact_id is not None:
                    self.profile.reload()
        self.notice.show(self.ctx.t("inbox_refreshed"), "info")


def inbox_app(db: str | Path | None = None, locale: str | None = None,
              timezone: str | None = None) -> InboxApp | w.HTML:
    """The inbox app on the store at db (default: settings), in the locale (default: settings); when the store
    cannot be opened, one line saying why instead of a traceback."""
    try:
        settings = load_settings(db_path=db, locale=locale or None, timezone=timezone or None)
        return InboxApp(Store(settings.db_path, settings), settings.locale)
    except PipeOneError as exc:
        return w.HTML(COMPONENTS_CSS + f"<div class='p1-notice p1-notice-error'>{esc(str(exc))}</div>")
