"""Timeline pages at the edges: cursors inside a tie of times across kinds, channel filter with a cursor, both
directions, messages without a contact id, as_of, assignment chains; and a property test against a plain-Python
reference of the whole timeline."""
from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeone_analytics.core.filters import Filters
from pipeone_analytics.core.timeline import KINDS, item_cursor, timeline
from scenario import Scenario


def tie_scenario() -> Scenario:
    s = Scenario()
    s.contact("k1")
    s.agent("a1", name="Alice")
    s.agent("a2", name="Bruno")
    s.conversation("c1", "k1")
    s.conversation("c2", "k1")
    s.inbound("c1", "2026-11-02 09:00", channel="sms", message_id="m1")
    assert s.event("c1", "2026-11-02 09:30", "assigned", "a1") == "e1"
    # 10:00, the tie: two messages, a note, an automation, a transfer, a resolve (event + ticket) in c1,
    # a whatsapp message and a status change in c2
    s.inbound("c1", "2026-11-02 10:00", channel="sms", message_id="m2")
    s.outbound("c1", "2026-11-02 10:00", agent="a1", channel="sms", message_id="m3")
    s.note("c1", "2026-11-02 10:00", channel="email", message_id="m4")
    s.automation("c1", "2026-11-02 10:00", channel="sms", message_id="m5")
    assert s.event("c1", "2026-11-02 10:00", "assigned", "a2") == "e2"       # a1 -> a2: a transfer
    assert s.resolve("c1", "2026-11-02 10:00", note="ok", by="a2") == "t4"   # event e3, ticket t4
    s.inbound("c2", "2026-11-02 10:00", channel="whatsapp", message_id="m7")
    assert s.event("c2", "2026-11-02 10:00", "status_changed", "on_hold") == "e5"
    s.inbound("c1", "2026-11-02 11:00", channel="sms", message_id="m6")
    return s


# Order key (at, kind rank, item id), ranks message 1, note 2, automation 3, event 4, transfer 5, ticket 6:
# 09:00 m1 | 09:30 e1 | 10:00 messages m2 m3 m7, note m4, automation m5, events e3 e5, transfer e2, ticket t4 |
# 11:00 m6
TIE_ALL = ["m1", "e1", "m2", "m3", "m7", "m4", "m5", "e3", "e5", "e2", "t4", "m6"]


def ids(page) -> list[str]:
    return list(page.items["item_id"])


def test_pages_of_two_going_older_split_the_tie_between_every_kind() -> None:
    store = tie_scenario().store()
    pages, cursor = [], None
    while True:
        page = timeline(store, "k1", cursor=cursor, limit=2)
        pages.append(ids(page))
        cursor = page.next_cursor
        if cursor is None:
            break
    # newest two first, each page in time order; 12 items = 6 full pages, the last one says nothing is left
    assert pages == [["t4", "m6"], ["e5", "e2"], ["m5", "e3"], ["m7", "m4"], ["m2", "m3"], ["m1", "e1"]]
    kinds = timeline(store, "k1", limit=100).items.set_index("item_id")["kind"]
    assert [kinds[i] for i in TIE_ALL] == ["message", "event", "message", "message", "message", "note",
                                           "automation", "event", "event", "transfer", "ticket", "message"]


def test_pages_going_newer_from_the_start_and_from_inside_the_tie() -> None:
    store = tie_scenario().store()
    first = timeline(store, "k1", limit=5, direction="newer")
    assert ids(first) == ["m1", "e1", "m2", "m3", "m7"]
    second = timeline(store, "k1", cursor=first.next_cursor, limit=5, direction="newer")
    assert ids(second) == ["m4", "m5", "e3", "e5", "e2"]
    third = timeline(store, "k1", cursor=second.next_cursor, limit=5, direction="newer")
    assert ids(third) == ["t4", "m6"] and third.next_cursor is None
    # from the note m4 (10:00, rank 2) both ways: newer starts at the automation, older ends at m7
    note = timeline(store, "k1", limit=100).items.set_index("item_id", drop=False).loc["m4"]
    assert ids(timeline(store, "k1", cursor=item_cursor(note), limit=3, direction="newer")) == ["m5", "e3", "e5"]
    older = timeline(store, "k1", cursor=item_cursor(note), limit=3)
    assert ids(older) == ["m2", "m3", "m7"] and older.next_cursor is not None
    # exactly the rest: no next cursor
    assert timeline(store, "k1", cursor=item_cursor(note), limit=5).next_cursor is None


def test_channel_filter_with_a_cursor_both_ways() -> None:
    store = tie_scenario().store()
    # sms: c1 has sms messages, so its note m4 (email), events, transfer and ticket stay; c2 (m7, e5) goes.
    # Newest first: m6 t4 e2 e3 m5 m4 m3 m2 e1 m1, in pages of 3
    pages, cursor = [], None
    while True:
        page = timeline(store, "k1", channels="sms", cursor=cursor, limit=3)
        pages.append(ids(page))
        cursor = page.next_cursor
        if cursor is None:
            break
    assert pages == [["e2", "t4", "m6"], ["m4", "m5", "e3"], ["e1", "m2", "m3"], ["m1"]]
    m2 = timeline(store, "k1", limit=100).items.set_index("item_id", drop=False).loc["m2"]
    newer = timeline(store, "k1", channels=["sms"], cursor=item_cursor(m2), limit=4, direction="newer")
    assert ids(newer) == ["m3", "m4", "m5", "e3"]
    rest = timeline(store, "k1", channels=["sms"], cursor=newer.next_cursor, limit=4, direction="newer")
    assert ids(rest) == ["e2", "t4", "m6"] and rest.next_cursor is None
    # whatsapp: only c2, m7 then its status change; from m2's cursor (10:00, message m2) newer: m7 > m2 by id
    assert ids(timeline(store, "k1", channels="whatsapp", cursor=item_cursor(m2), direction="newer")) == ["m7", "e5"]
    assert ids(timeline(store, "k1", channels="whatsapp", cursor=item_cursor(m2))) == []


def test_ticket_and_transfer_fields_at_the_tie() -> None:
    items = timeline(tie_scenario().store(), "k1").items.set_index("item_id")
    # the ticket's channel: c1's last message that is not a note at or before 10:00 is the automation m5 (sms)
    assert (items.loc["t4", "channel"], items.loc["t4", "agent_name"], items.loc["t4", "note"]) == (
        "sms", "Bruno", "ok")
    assert (items.loc["e2", "from_agent"], items.loc["e2", "value"]) == ("a1", "a2")
    assert pd.isna(items.loc["e1", "from_agent"])


def test_many_messages_at_one_time_page_by_message_id() -> None:
    s = Scenario()
    s.contact("k1")
    s.conversation("c1", "k1")
    s.inbound("c1", "2026-11-02 09:00", message_id="m0")
    for i in range(1, 6):
        s.inbound("c1", "2026-11-02 10:00", message_id=f"m{i}")
    store = s.store()
    # older, 2 a page: the limit+1-th newest time is 10:00 itself, so all five tied messages are candidates
    first = timeline(store, "k1", limit=2)
    second = timeline(store, "k1", cursor=first.next_cursor, limit=2)
    third = timeline(store, "k1", cursor=second.next_cursor, limit=2)
    assert (ids(first), ids(second), ids(third)) == (["m4", "m5"], ["m2", "m3"], ["m0", "m1"])
    assert third.next_cursor is None
    up = timeline(store, "k1", limit=4, direction="newer")
    assert ids(up) == ["m0", "m1", "m2", "m3"]
    assert ids(timeline(store, "k1", cursor=up.next_cursor, limit=4, direction="newer")) == ["m4", "m5"]


def test_messages_without_contact_id_messages_in_another_contacts_conversation_and_as_of() -> None:
    s = Scenario()
    s.contact("k1")
    s.contact("k2")
    s.conversation("c1", "k1")
    s.conversation("c9", "k2")
    s.add("messages", message_id="m1", conversation_id="c1", contact_id=None, channel="sms", direction="inbound",
          sent_at=pd.Timestamp("2026-11-02 09:00", tz=s.timezone), sender_type="contact", agent_id=None,
          body="no contact id", template_id=None, attachments=None)
    s.inbound("c9", "2026-11-02 09:10", contact="k1", message_id="m2")   # k1 writes in k2's conversation
    s.inbound("c9", "2026-11-02 09:15", message_id="m3")                 # k2's own message
    s.event("c9", "2026-11-02 09:20", "status_changed", "on_hold")      # e1
    s.inbound("c1", "2026-11-02 09:30", message_id="m4")
    s.event("c1", "2026-11-02 11:30", "status_changed", "on_hold")      # e2, after as_of
    s.inbound("c1", "2026-11-02 12:00", message_id="m5")                 # after as_of
    s.ticket("c9", "2026-11-02 09:25", type="incident", note="in c9")    # t3, in k2's conversation
    store = s.store()
    as_of = Filters(as_of="2026-11-02 11:00")
    # k1: m1 (its conversation, no contact id), m2 (its own message elsewhere) and that conversation's event and
    # ticket, whose channel is c9's last message at or before 09:25 (m3, whatsapp)
    page = timeline(store, "k1", filters=as_of)
    assert ids(page) == ["m1", "m2", "e1", "t3", "m4"]
    t3 = page.items.set_index("item_id").loc["t3"]
    assert (t3["ticket_type"], t3["note"], t3["channel"]) == ("incident", "in c9", "whatsapp")
    assert ids(timeline(store, "k1")) == ["m1", "m2", "e1", "t3", "m4", "e2", "m5"]
    assert ids(timeline(store, "k1", filters=as_of, limit=2)) == ["t3", "m4"]
    # k2: its own message and its conversation's event and ticket, not k1's message m2
    assert ids(timeline(store, "k2", filters=as_of)) == ["m3", "e1", "t3"]


def test_assignment_chain_with_other_events_between_and_two_conversations() -> None:
    s = Scenario()
    s.contact("k1")
    s.conversation("c1", "k1")
    s.conversation("c2", "k1")
    s.event("c1", "2026-11-02 09:00", "assigned", "a1")            # e1: first assignment
    s.event("c1", "2026-11-02 09:05", "status_changed", "on_hold")  # e2
    s.event("c1", "2026-11-02 09:10", "assigned", "a2")            # e3: a1 -> a2, across e2
    s.event("c1", "2026-11-02 09:20", "assigned", "a2")            # e4: a2 again, not a transfer
    s.event("c1", "2026-11-02 09:30", "assigned", "")              # e5: unassigned
    s.event("c1", "2026-11-02 09:40", "assigned", "a3")            # e6: from nobody
    s.event("c2", "2026-11-02 09:45", "assigned", "a3")            # e7: c2's first, not after c1's e6
    s.event("c1", "2026-11-02 10:00", "assigned", "a1")            # e8: a3 -> a1
    s.event("c1", "2026-11-02 10:00", "assigned", "a2")            # e9: same time, after e8 by id: a1 -> a2
    items = timeline(s.store(), "k1").items
    assert list(items["item_id"]) == ["e1", "e2", "e3", "e4", "e5", "e6", "e7", "e8", "e9"]
    assert list(items["kind"]) == ["event", "event", "transfer", "event", "event", "event", "event", "transfer",
                                   "transfer"]
    assert list(items["from_agent"].astype(object).where(items["from_agent"].notna(), None)) == [
        None, None, "a1", "a2", "a2", None, None, "a3", "a1"]


# --- property: every page, both directions, any channel filter, equals a plain-Python reference -------------

TIMES = [f"2026-11-02 {h:02d}:00" for h in (9, 10, 11)]
CHANNELS = ["sms", "whatsapp", "email"]


def reference(rows: dict, contact: str, channels: list[str]) -> list[tuple]:
    """The contact's whole timeline as (at, rank, item_id) keys, in order, computed row by row."""
    convs = {c["conversation_id"] for c in rows["conversations"] if c["contact_id"] == contact}
    msgs = [m for m in rows.get("messages", []) if m["contact_id"] == contact
            or (m["contact_id"] is None and m["conversation_id"] in convs)]
    mine = convs | {m["conversation_id"] for m in msgs}
    shown = mine if not channels else {m["conversation_id"] for m in msgs
                                       if m["sender_type"] != "note" and m["channel"] in channels}
    rank = {k: i + 1 for i, k in enumerate(KINDS)}
    keys = []
    for m in msgs:
        kind = m["sender_type"] if m["sender_type"] in ("note", "automation") else "message"
        if (m["conversation_id"] in shown) if kind == "note" else (not channels or m["channel"] in channels):
            keys.append((m["sent_at"], rank[kind], m["message_id"]))
    events = sorted((e for e in rows.get("events", []) if e["conversation_id"] in shown),
                    key=lambda e: (e["at"], e["event_id"]))
    last: dict[str, str | None] = {}
    for e in events:
        kind = "event"
        if e["kind"] == "assigned":
            before, now = last.get(e["conversation_id"]), e["value"] or None
            kind = "transfer" if before and now and before != now else "event"
            last[e["conversation_id"]] = now
        keys.append((e["at"], rank[kind], e["event_id"]))
    keys += [(t["resolved_at"], rank["ticket"], t["ticket_id"]) for t in rows.get("tickets", [])
             if t["conversation_id"] in shown]
    return sorted(keys)


item = st.tuples(st.sampled_from(["msg", "note", "auto", "assigned", "status", "ticket"]),
                 st.sampled_from(["c1", "c2", "c9"]), st.sampled_from(TIMES), st.sampled_from(CHANNELS),
                 st.sampled_from(["a1", "a2", ""]), st.sampled_from(["k1", None, "k2"]))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(items=st.lists(item, min_size=1, max_size=14), limit=st.integers(1, 5),
       channels=st.sampled_from([[], ["sms"], ["sms", "whatsapp"]]), newer=st.booleans())
def test_pages_equal_the_reference_in_both_directions(items, limit, channels, newer) -> None:
    s = Scenario()
    for k in ("k1", "k2"):
        s.contact(k)
    s.conversation("c1", "k1")
    s.conversation("c2", "k1")
    s.conversation("c9", "k2")
    for n, (what, conv, when, channel, agent, contact) in enumerate(items):
        if what in ("msg", "note", "auto"):
            sender = {"msg": "contact", "note": "note", "auto": "automation"}[what]
            s.add("messages", message_id=f"m{n:02d}", conversation_id=conv, contact_id=contact, channel=channel,
                  direction="inbound", sent_at=pd.Timestamp(when, tz=s.timezone), sender_type=sender,
                  agent_id=None, body="", template_id=None, attachments=None)
        elif what == "ticket":
            s.add("tickets", ticket_id=f"t{n:02d}", conversation_id=conv, resolved_at=pd.Timestamp(when, tz=s.timezone),
                  resolved_by="a1", type="question", category=None, note=None)
        else:
            s.add("events", event_id=f"e{n:02d}", conversation_id=conv, at=pd.Timestamp(when, tz=s.timezone),
                  actor_id="a1", kind="assigned" if what == "assigned" else "status_changed",
                  value=agent if what == "assigned" else "on_hold")
    expected = reference(s.rows, "k1", channels)
    if newer is False:
        expected = expected[::-1]
    store = s.store()
    seen, cursor = [], None
    for _ in range(len(expected) + 2):
        page = timeline(store, "k1", channels=channels, cursor=cursor, limit=limit,
                        direction="newer" if newer else "older")
        rank = page.items["kind"].map(lambda k: KINDS.index(k) + 1)
        keys = list(zip(page.items["at"], rank, page.items["item_id"]))
        assert keys == sorted(keys) and len(keys) <= limit
        seen += keys if newer else keys[::-1]
        cursor = page.next_cursor
        if cursor is None:
            break
    assert seen == expected
