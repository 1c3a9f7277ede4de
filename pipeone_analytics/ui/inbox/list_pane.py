"""Left pane: filters (status, channel, assignee with mine/unassigned, text search) and conversation cards,
newest activity first, one keyset page at a time ("Load more")."""
from __future__ import annotations

from typing import Callable

import ipywidgets as w
import pandas as pd

from ... import i18n
from ...core.conversations import conversation_list
from ...core.filters import Filters
from ...core.status import STATUS_VALUES
from ..components import options
from .context import Context
from .render import contact_label, list_row_html

ALL, MINE, UNASSIGNED = "", "__mine__", "__unassigned__"
PAGE_SIZE = 30


class ListPane(w.VBox):
    """The conversation list; calls on_select(row) when a card is clicked."""

    def __init__(self, ctx: Context, agents: pd.DataFrame, on_select: Callable[[dict], None]) -> None:
        self.ctx, self._on_select = ctx, on_select
        t = ctx.t
        statuses = options(STATUS_VALUES, ctx.locale, "status")
        self.status = w.Dropdown(options=[(t("inbox_all_statuses"), ALL)] + statuses,
                                 value=ALL, description=t("inbox_status"), layout=w.Layout(width="100%"))
        channels = options(i18n.CHANNELS, ctx.locale, "channel")
        self.channel = w.Dropdown(options=[(t("inbox_all_channels"), ALL)] + channels,
                                  value=ALL, description=t("inbox_channel"), layout=w.Layout(width="100%"))
        people = [(t("inbox_everyone"), ALL), (t("inbox_unassigned_filter"), UNASSIGNED)]
        if ctx.actor is not None:
            people.insert(1, (t("inbox_mine"), MINE))
        active = agents[agents["active"]]
        people += [(name, agent_id) for agent_id, name in zip(active["agent_id"], active["name"])]
        self.assignee = w.Dropdown(options=people, value=ALL, description=t("inbox_assignee"),
                                   layout=w.Layout(width="100%"))
        self.search = w.Text(placeholder=t("inbox_search_placeholder"), continuous_update=False,
                             layout=w.Layout(width="100%"))
        for control in (self.status, self.channel, self.assignee, self.search):
            control.style.description_width = "90px"
            control.observe(lambda _: self.reload(), names="value")
        self.more = w.Button(description=t("inbox_load_more"), icon="chevron-down",
                             layout=w.Layout(width="100%", flex="0 0 auto"))
        self.more.on_click(lambda _: self.load_more())
        self.rows = w.VBox(layout=w.Layout(overflow_y="auto", flex="1 1 auto", min_height="0"))
        self.count = w.HTML()
        self.items = pd.DataFrame()
        self.cursor: str | None = None
        self.selected: str | None = None
        self._cards: dict[str, w.Box] = {}
        head = w.VBox([w.HTML(f"<div class='p1-title'>{t('inbox_conversations')}</div>"), self.search,
                       self.status, self.channel, self.assignee, self.count], layout=w.Layout(flex="0 0 auto"))
        head.add_class("p1-pane-head")
        super().__init__([head, self.rows, self.more],
                         layout=w.Layout(width="27%", min_width="280px", height="100%"))
        self.add_class("p1-pane")

    def query(self) -> dict:
        """conversation_list keyword arguments for the current filters."""
        agents: tuple[str, ...] = ()
        if self.assignee.value == MINE and self.ctx.actor is not None:
            agents = (self.ctx.actor.agent_id,)
        elif self.assignee.value not in (ALL, MINE, UNASSIGNED):
            agents = (self.assignee.value,)
        return {"filters": Filters(channels=(self.channel.value,) if self.channel.value else (), agents=agents),
                "statuses": (self.status.value,) if self.status.value else (),
                "unassigned": self.assignee.value == UNASSIGNED, "search": self.search.value or None}

    def reload(self) -> None:
        """First page for the current filters (a fresh read; no connection stays open)."""
        with self.ctx.reading():
            page = self.ctx.attempt(lambda: conversation_list(self.ctx.source, limit=PAGE_SIZE, **self.query()))
            if page is None:
                return
            self.items, self.cursor, self._cards = page.items, page.next_cursor, {}
            self.rows.children = [self._card(r) for r in page.items.to_dict("records")]
            self._after_load()

    def load_more(self) -> None:
        """Append the next page after the cursor."""
        with self.ctx.reading():
            if self.cursor is None:
                return
            page = self.ctx.attempt(lambda: conversation_list(self.ctx.source, limit=PAGE_SIZE, cursor=self.cursor,
                                                              **self.query()))
            if page is None:
                return
            self.items = pd.concat([self.items, page.items], ignore_index=True)
            self.cursor = page.next_cursor
            self.rows.children = list(self.rows.children) + [self._card(r) for r in page.items.to_dict("records")]
            self._after_load()

    def _after_load(self) -> None:
        shown = len(self.items)
        words = self.ctx.t("inbox_shown", n=i18n.fmt_number(shown, self.ctx.locale))
        self.count.value = (f"<span class='p1-muted'>{words}"
                            f"{'+' if self.cursor else ''}</span>")
        self.more.layout.display = None if self.cursor else "none"
        if not shown:
            self.rows.children = [w.HTML(f"<div class='p1-empty'>{self.ctx.t('inbox_no_conversations')}</div>")]
        self.mark(self.selected)

    def _card(self, row: dict, reuse: w.Box | None = None) -> w.Box:
        """The card of a row; `reuse`, the conversation's card already shown, only gets its HTML redrawn (its
        button opens the conversation by id, which does not change)."""
        if reuse is not None:
            reuse.children[0].value = list_row_html(row, self.ctx.now(), self.ctx.locale)
            self._cards[row["conversation_id"]] = reuse
            return reuse
        label = contact_label(row.get("name"), row.get("phone"), row["contact_id"])
        hit = w.Button(description=self.ctx.t("inbox_open", who=label), tooltip=label,
                       layout=w.Layout(width="100%", height="100%"))
        hit.add_class("p1-hit")
        hit.on_click(lambda _, r=row: self.select(r))
        card = w.Box([w.HTML(list_row_html(row, self.ctx.now(), self.ctx.locale)), hit],
                     layout=w.Layout(display="block", width="100%", flex="0 0 auto"))
        card.add_class("p1-row")
        self._cards[row["conversation_id"]] = card
        return card

    def select(self, row: dict) -> None:
        """Mark the card and tell the app."""
        self.mark(row["conversation_id"])
        self._on_select(row)

    def mark(self, conversation_id: str | None) -> None:
        """Highlight the selected card."""
        self.selected = conversation_id
        for key, card in self._cards.items():
            if key == conversation_id:
                card.add_class("p1-selected")
            else:
                card.remove_class("p1-selected")

    def update(self, conversation_id: str, row: dict | None = None) -> None:
        """After an action on one conversation: its card is read again and moves to the top (the action is its
        newest activity), or leaves the list when it no longer matches the filters. A search reloads the list.
        `row`, the conversation's fresh unfiltered list row, is used as it is when no filter is set."""
        query = self.query()
        if query["search"]:
            self.reload()
            return
        del query["search"]
        unfiltered = not (query["statuses"] or query["unassigned"] or query["filters"].channels
                          or query["filters"].agents)
        if row is not None and unfiltered:
            items = pd.DataFrame([row])
        else:
            with self.ctx.reading():
                page = self.ctx.attempt(lambda: conversation_list(
                    self.ctx.source, conversation_ids=[conversation_id], **query))
            if page is None:
                return
            items = page.items
        rest = self.items[self.items["conversation_id"] != conversation_id] if len(self.items) else self.items
        old = self._cards.pop(conversation_id, None)
        children = [c for c in self.rows.children if c is not old and c in self._cards.values()]
        if len(items):
            self.items = pd.concat([items, rest], ignore_index=True)
            children.insert(0, self._card(items.iloc[0].to_dict(), old))
        else:
            self.items = rest.reset_index(drop=True)
        self.rows.children = children
        self._after_load()
