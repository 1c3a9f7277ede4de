"""Center pane body: the selected contact's timeline across their conversations, a channel filter above it and
"Load older" (keyset cursor of core/timeline.py). After a write, only the items after the newest one shown are
added, read by the write itself (newer_read)."""
from __future__ import annotations

from typing import Callable

import ipywidgets as w
import pandas as pd

from ... import i18n
from ...core.timeline import Page, item_cursor, timeline
from ...store import Store
from ..components import options
from .context import Context
from .render import timeline_html

PAGE_SIZE = 40


class TimelinePane(w.VBox):
    """Renders core.timeline pages into one HTML widget, oldest first."""

    def __init__(self, ctx: Context, names: dict[str, str]) -> None:
        self.ctx, self.names = ctx, names
        self.channel = w.Dropdown(options=[(ctx.t("inbox_all_channels"), "")] + options(i18n.CHANNELS, ctx.locale,
                                                                                        "channel"),
                                  value="", description=ctx.t("inbox_timeline_channel"),
                                  layout=w.Layout(width="260px"))
        self.channel.style.description_width = "110px"
        self.channel.observe(lambda _: self.reload(), names="value")
        self.older = w.Button(description=ctx.t("inbox_load_older"), icon="chevron-up",
                              layout=w.Layout(width="auto", display="none"))
        self.older.on_click(lambda _: self.load_older())
        self.view = w.HTML()
        self.view.add_class("p1-timeline")
        self.contact_id: str | None = None
        self.items = pd.DataFrame()
        self.cursor: str | None = None
        # column-reverse keeps the scroll at the newest item; "Load older" still sits above the oldest one
        body = w.VBox([self.view, self.older], layout=w.Layout(overflow_y="auto", flex="1 1 auto", min_height="0",
                                                               flex_flow="column-reverse"))
        body.add_class("p1-timeline")
        bar = w.HBox([self.channel], layout=w.Layout(flex="0 0 auto", padding="4px 8px",
                                                     border_bottom="1px solid #e0e6ed"))
        super().__init__([bar, body], layout=w.Layout(flex="1 1 auto", min_height="0"))

    def show(self, contact_id: str | None) -> None:
        """Open a contact's timeline (the channel filter stays as chosen)."""
        self.contact_id = contact_id
        self.reload()

    def _channels(self) -> tuple[str, ...]:
        return (self.channel.value,) if self.channel.value else ()

    def reload(self) -> None:
        """The newest page for the contact and channel filter."""
        with self.ctx.reading():
            if self.contact_id is None:
                self.items, self.cursor = pd.DataFrame(), None
                self.view.value = f"<div class='p1-empty'>{self.ctx.t('inbox_pick_conversation')}</div>"
                self.older.layout.display = "none"
                return
            page = self.ctx.attempt(lambda: timeline(self.ctx.source, self.contact_id, channels=self._channels(),
                                                     limit=PAGE_SIZE))
            if page is not None:
                self.items, self.cursor = page.items, page.next_cursor
                self._render()

    def load_older(self) -> None:
        """Prepend the page before the oldest item shown."""
        with self.ctx.reading():
            if self.cursor is None or self.contact_id is None:
                return
            page = self.ctx.attempt(lambda: timeline(self.ctx.source, self.contact_id, channels=self._channels(),
                                                     cursor=self.cursor, limit=PAGE_SIZE))
            if page is not None:
                self.items = pd.concat([page.items, self.items], ignore_index=True)
                self.cursor = page.next_cursor
                self._render()

    def newer_read(self) -> Callable[[Store], Page] | None:
        """The read of what is newer than the newest item shown (the newest page when none is), for the open
        contact and channel filter; None when no contact is open. Show its page with add_newer."""
        if self.contact_id is None:
            return None
        contact, channels = self.contact_id, self._channels()
        if self.items.empty:
            return lambda source: timeline(source, contact, channels=channels, limit=PAGE_SIZE)
        cursor = item_cursor(self.items.iloc[-1])
        return lambda source: timeline(source, contact, channels=channels, cursor=cursor, direction="newer",
                                       limit=PAGE_SIZE)

    def add_newer(self, page: Page) -> bool:
        """Show a page newer_read read; False (nothing changed) when more is newer than one page: reload then."""
        if self.items.empty:
            self.items, self.cursor = page.items, page.next_cursor
        elif page.next_cursor is not None:
            return False
        else:  # only the new items are rendered, appended to those shown
            if not page.items.empty:
                previous = self.items["conversation_id"].iloc[-1]
                self.items = pd.concat([self.items, page.items], ignore_index=True)
                self.view.value += timeline_html(page.items, self.names, self.ctx.locale, self.ctx.timezone,
                                                 previous)
            return True
        self._render()
        return True

    def _render(self) -> None:
        self.view.value = timeline_html(self.items, self.names, self.ctx.locale, self.ctx.timezone)
        self.older.layout.display = None if self.cursor else "none"
