"""A contact's timeline: every kind of item, in time order, paged by keyset cursor, filtered by channel."""
from __future__ import annotations

import pytest

from pipeone_analytics.core.timeline import timeline
from pipeone_analytics.errors import ValidationError
from scenario import Scenario


def scenario() -> Scenario:
    s = Scenario()
    s.contact("k1")
    s.contact("k2")
    s.agent("a1", name="Alice")
    s.agent("a2", name="Bruno")
    s.category("billing", "Billing")
    s.conversation("c1", "k1")
    s.inbound("c1", "2026-11-02 09:00", channel="sms", message_id="m01")
    s.event("c1", "2026-11-02 09:01", "assigned", "a1")                 # first assignment: an event
    s.event("c1", "2026-11-02 09:02", "assigned", "a2", actor="a1")     # a1 -> a2: a transfer
    s.note("c1", "2026-11-02 09:03", channel="email", message_id="m02")
    s.automation("c1", "2026-11-02 09:04", channel="sms", message_id="m03")
    s.outbound("c1", "2026-11-02 09:05", agent="a2", channel="sms", message_id="m04")
    s.resolve("c1", "2026-11-02 10:00", category="billing", note="done", by="a2")
    s.conversation("c2", "k1")
    s.inbound("c2", "2026-11-03 09:00", channel="whatsapp", message_id="m05")
    s.event("c2", "2026-11-03 09:10", "status_changed", "on_hold")
    s.conversation("c3", "k2")
    s.inbound("c3", "2026-11-02 09:30", channel="sms", message_id="m06")   # another contact: never shown
    return s


ALL = [("message", "m01"), ("event", "e1"), ("transfer", "e2"), ("note", "m02"), ("automation", "m03"),
       ("message", "m04"), ("event", "e3"), ("ticket", "t4"), ("message", "m05"), ("event", "e5")]


def test_every_kind_in_time_order_with_names_and_ticket_fields() -> None:
    page = timeline(scenario().store(), "k1")
    assert list(zip(page.items["kind"], page.items["item_id"])) == ALL
    assert page.next_cursor is None
    items = page.items.set_index("item_id")
    assert (items.loc["e2", "from_agent"], items.loc["e2", "value"], items.loc["e2", "agent_name"]) == ("a1", "a2", "Alice")
    assert (items.loc["t4", "ticket_type"], items.loc["t4", "category"], items.loc["t4", "note"]) == (
        "question", "Billing", "done")
    assert (items.loc["t4", "agent_name"], items.loc["t4", "channel"]) == ("Bruno", "sms")
    assert (items.loc["m04", "direction"], items.loc["m04", "agent_name"]) == ("outbound", "Bruno")
    assert (items.loc["e5", "event_kind"], items.loc["e5", "value"]) == ("status_changed", "on_hold")


def test_pages_older_then_newer_cover_everything_once() -> None:
    store = scenario().store()
    seen, cursor = [], None
    while True:
        page = timeline(store, "k1", cursor=cursor, limit=3)
        assert len(page.items) <= 3
        seen = list(zip(page.items["kind"], page.items["item_id"])) + seen
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == ALL   # pages of 3, 3, 3, 1 going back in time
    first = timeline(store, "k1", limit=4, direction="newer")
    assert list(first.items["item_id"]) == ["m01", "e1", "e2", "m02"]
    rest = timeline(store, "k1", cursor=first.next_cursor, limit=100, direction="newer")
    assert [i for _, i in ALL[4:]] == list(rest.items["item_id"]) and rest.next_cursor is None


def test_channel_filter_keeps_messages_on_the_channel_and_the_life_of_their_conversations() -> None:
    store = scenario().store()
    sms = timeline(store, "k1", channels="sms")
    # c1 has sms messages: its note, events, transfer and ticket stay; c2 (whatsapp only) disappears
    assert list(zip(sms.items["kind"], sms.items["item_id"])) == ALL[:8]
    whatsapp = timeline(store, "k1", channels=["whatsapp"])
    assert list(whatsapp.items["item_id"]) == ["m05", "e5"]
    both = timeline(store, "k1", channels=["whatsapp", "sms"])
    assert len(both.items) == len(ALL)


def test_bad_cursor_direction_and_limit_are_one_line_errors() -> None:
    store = scenario().store()
    with pytest.raises(ValidationError, match="cursor"):
        timeline(store, "k1", cursor="garbage")
    with pytest.raises(ValidationError, match="direction"):
        timeline(store, "k1", direction="sideways")
    with pytest.raises(ValidationError, match="limit"):
        timeline(store, "k1", limit=0)
