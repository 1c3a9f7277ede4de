"""The inbox in real headless Chromium against `pipeone serve` on the demo store: filter to WhatsApp, open a
conversation, filter its timeline by channel, resolve it with a type, a category and a note, then find the
ticket and the event both in the store and on the screen. The screenshot goes to test-artifacts/."""
from __future__ import annotations

import re
import uuid
from pathlib import Path

from playwright.sync_api import expect

from pipeone_analytics import i18n

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
LOCALE = "pt_BR"  # the demo store's account locale, which `pipeone serve` hands to the kernels


def t(key: str, **values: str) -> str:
    return i18n.t(key, LOCALE, **values)


def button(label: str) -> re.Pattern:
    """A button's accessible name: Chromium puts the icon font's glyph before the label."""
    return re.compile(rf"(^|\W){re.escape(label)}$")


def test_filter_open_resolve_in_the_browser(served_store, page) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    try:
        _filter_open_resolve(served_store, page)
    finally:
        page.screenshot(path=str(ARTIFACTS / "inbox.png"), full_page=True)


def _filter_open_resolve(served_store, page) -> None:
    base, store = served_store
    note = f"e2e {uuid.uuid4().hex[:8]}"
    page.goto(f"{base}/voila/render/inbox.ipynb", timeout=60_000)
    page.get_by_placeholder(t("inbox_search_placeholder")).wait_for(timeout=60_000)
    page.get_by_text(t("inbox_acting_as", name="Carla Mendes", role="Administrador")).wait_for()

    # the list: WhatsApp conversations in progress (so the admin can resolve the first one)
    page.get_by_label(t("inbox_channel"), exact=True).select_option(label="WhatsApp")
    page.get_by_label(t("inbox_status"), exact=True).select_option(label=i18n.label("status", "in_progress", LOCALE))
    rows = page.locator(".p1-row")
    expect(rows.locator(".p1-status-new, .p1-status-on_hold, .p1-status-resolved")).to_have_count(0)
    expect(rows.locator(".p1-channel").filter(has_not_text="WhatsApp")).to_have_count(0)
    expect(rows).to_have_count(30)
    rows.first.get_by_role("button").click()

    # the conversation: its header, then the timeline filtered to WhatsApp
    resolve = page.get_by_role("button", name=button(t("inbox_resolve")))
    resolve.wait_for()
    page.get_by_label(t("inbox_timeline_channel")).select_option(label="WhatsApp")
    page.locator(".p1-bubble").first.wait_for()
    conversation_id = page.locator(".p1-conversation-id").inner_text().strip()

    # resolve through the form
    resolve.click()
    page.get_by_label(t("inbox_ticket_type")).select_option(label=i18n.label("ticket_type", "incident", LOCALE))
    page.get_by_label(t("inbox_category")).select_option(label="Pedido e entrega")
    page.get_by_placeholder(t("inbox_ticket_note")).fill(note)
    page.get_by_role("button", name=button(t("inbox_confirm_resolve"))).click()
    page.get_by_text(t("inbox_done_resolve")).wait_for()

    # the store holds the ticket and the event of this conversation
    ticket = store.df("SELECT conversation_id, type, category, note, resolved_by FROM tickets WHERE note = ?", [note])
    assert ticket.to_dict("records") == [{"conversation_id": conversation_id, "type": "incident",
                                         "category": "cat02", "note": note, "resolved_by": "a01"}]
    events = store.df("SELECT kind, actor_id FROM events WHERE conversation_id = ? AND kind = 'resolved' "
                      "AND \"at\" >= now() - INTERVAL 5 MINUTE", [conversation_id])
    assert events.to_dict("records") == [{"kind": "resolved", "actor_id": "a01"}]

    # the timeline shows both, newest last, and the header says resolved
    timeline = page.locator(".p1-timeline").first
    expect(timeline.locator(".p1-event").last).to_contain_text(t("inbox_event_resolved", actor="Carla Mendes"))
    ticket_card = timeline.locator(".p1-ticket").last
    for text in (note, "Pedido e entrega", t("inbox_ticket", type=i18n.label("ticket_type", "incident", LOCALE))):
        expect(ticket_card).to_contain_text(text)
    page.locator(".p1-pane-head .p1-status-resolved").first.wait_for()
    # the list was read again: the resolved conversation left the "in progress" list
    expect(page.locator(".p1-row.p1-selected")).to_have_count(0)
    # the profile opens from the contact's name, with the stars and, on a click, their meaning
    page.locator(".p1-link").first.click()
    page.get_by_placeholder(t("inbox_attribute_key")).wait_for()
    page.locator(".p1-stars-button").click()
    page.get_by_text(i18n.label("stars", 5, LOCALE)).wait_for()
