"""The inbox conversation list: order, tags, preview, filters, search, keyset pages, and agreement with the
status fold of core/status.py."""
from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from pipeone_analytics.core import conversations
from pipeone_analytics.core.conversations import contact_profile, conversation_list
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.core.status import status_as_of
from pipeone_analytics.errors import ValidationError
from scenario import Scenario
from test_status_property import BASE, build, conversation


def inbox() -> Scenario:
    """Six conversations, last activity (local time) newest first:

    c6 11:00 (k4, only an export snapshot on_hold, assigned bob by the export)
    c5 10:30 (k3, resolved then the contact wrote again: new, unanswered; assigned ana then transferred to bob)
    c4 10:00 (k3, resolved at 10:00; last message an SMS at 09:50 by ana)
    c3 09:40 (k2, on hold by event; inbound after it; email)
    c2 09:30 (k1, agent replied: in_progress; unassigned; last a note at 09:30 after the reply at 09:20)
    c1 09:00 (k1, one inbound whatsapp: new, unanswered, assigned ana)
    """
    s = Scenario()
    s.agent("ana", team="A")
    s.agent("bob", team="B")
    s.contact("k1", name="Joana Silva", phone="+55 11 98765-4321")
    s.contact("k2", name="Caio Prado", phone=None, email="caio@example.com")
    s.contact("k3", name="Rita Dias", phone="+55 21 99111-2222")
    s.contact("k4", name=None, phone="+55 31 91234-5678")
    s.conversation("c1", "k1", assignee_id="ana")
    s.inbound("c1", "2026-11-02 09:00", channel="whatsapp", body="Oi, meu boleto venceu")
    s.conversation("c2", "k1")
    s.inbound("c2", "2026-11-02 09:10", channel="webchat", body="Preciso de ajuda")
    s.outbound("c2", "2026-11-02 09:20", agent="ana", channel="webchat", body="Claro, pode falar")
    s.note("c2", "2026-11-02 09:30", agent="ana", channel="webchat", body="cliente VIP")
    s.conversation("c3", "k2", assignee_id="bob")
    s.inbound("c3", "2026-11-02 09:00", channel="email", body="Pedido 123")
    s.outbound("c3", "2026-11-02 09:05", agent="bob", channel="email", body="Vou verificar")
    s.event("c3", "2026-11-02 09:06", "status_changed", "on_hold", actor="bob")
    s.inbound("c3", "2026-11-02 09:40", channel="email", body="Alguma novidade?")
    s.conversation("c4", "k3", assignee_id="ana")
    s.inbound("c4", "2026-11-02 09:45", channel="whatsapp", body="Quero trocar")
    s.outbound("c4", "2026-11-02 09:50", agent="ana", channel="sms", body="Troca aprovada")
    s.resolve("c4", "2026-11-02 10:00", by="ana")
    s.conversation("c5", "k3")
    s.event("c5", "2026-11-02 10:05", "assigned", "ana", actor="ana")
    s.outbound("c5", "2026-11-02 10:06", agent="ana", channel="whatsapp", body="Oi Rita")
    s.resolve("c5", "2026-11-02 10:10", by="ana")
    s.event("c5", "2026-11-02 10:20", "assigned", "bob", actor="ana")
    s.inbound("c5", "2026-11-02 10:30", channel="whatsapp", body="Voltei")
    s.conversation("c6", "k4", created_at="2026-11-02 11:00", assignee_id="bob", status="on_hold")
    return s


def ids(page: conversations.ListPage) -> list[str]:
    return page.items["conversation_id"].tolist()


def test_rows_newest_first_with_tags_preview_and_assignee() -> None:
    page = conversation_list(inbox().store())
    items = page.items.set_index("conversation_id")
    assert ids(page) == ["c6", "c5", "c4", "c3", "c2", "c1"]
    assert page.next_cursor is None
    assert items["status"].to_dict() == {"c6": "on_hold", "c5": "new", "c4": "resolved", "c3": "on_hold",
                                         "c2": "in_progress", "c1": "new"}
    # c5: assigned ana, then bob (the last assigned event); c2 has nobody; c6 from the export
    assert items["assignee_id"].fillna("-").to_dict() == {
        "c6": "bob", "c5": "bob", "c4": "ana", "c3": "bob", "c2": "-", "c1": "ana"}
    assert items["unanswered"].to_dict() == {"c6": False, "c5": True, "c4": False, "c3": True, "c2": False,
                                             "c1": True}
    # c4's last message is ana's SMS (the ticket is later but is no message); c2's note is not a preview
    assert items.loc["c4", "last_channel"] == "sms" and items.loc["c4", "preview"] == "Troca aprovada"
    assert items.loc["c2", "preview"] == "Claro, pode falar" and items.loc["c2", "preview_direction"] == "outbound"
    # c2's last activity is the note at 09:30, which is why it sorts above c1
    assert items.loc["c2", "last_activity_at"] == pd.Timestamp("2026-11-02 09:30", tz="America/Sao_Paulo")
    assert pd.isna(items.loc["c6", "preview"]) and pd.isna(items.loc["c6", "last_channel"])
    assert (items.loc["c3", "name"], items.loc["c6", "phone"]) == ("Caio Prado", "+55 31 91234-5678")


@pytest.mark.parametrize(("kwargs", "expected"), [
    ({"statuses": ["new"]}, ["c5", "c1"]),
    ({"statuses": ["on_hold", "in_progress"]}, ["c6", "c3", "c2"]),
    ({"filters": Filters(channels=("whatsapp",))}, ["c5", "c1"]),
    ({"filters": Filters(agents=("ana",))}, ["c4", "c1"]),
    ({"unassigned": True}, ["c2"]),
    ({"filters": Filters(agents=("ana",)), "unassigned": True}, ["c4", "c2", "c1"]),
    ({"filters": Filters(teams=("B",))}, ["c6", "c5", "c3"]),
    ({"filters": Filters(channels=("whatsapp",)), "statuses": ["new"], "unassigned": True}, []),
])
def test_filters(kwargs: dict, expected: list[str]) -> None:
    assert ids(conversation_list(inbox().store(), **kwargs)) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("BOLETO", ["c1"]),          # a message body, any letter case
    ("vip", ["c2"]),             # a note body counts too
    ("rita", ["c5", "c4"]),      # the contact's name: every conversation of hers
    ("98765", ["c2", "c1"]),     # part of Joana's phone as typed
    ("5511987654321", ["c2", "c1"]),  # Joana's phone as E.164 digits
    ("caio@", ["c3"]),           # the email
    ("nothing like this", []),
])
def test_search(text: str, expected: list[str]) -> None:
    assert ids(conversation_list(inbox().store(), search=text)) == expected


def test_search_combines_with_filters() -> None:
    # Rita has c5 (new) and c4 (resolved)
    assert ids(conversation_list(inbox().store(), search="rita", statuses=["resolved"])) == ["c4"]


def test_cursor_pages_neither_overlap_nor_skip() -> None:
    store = inbox().store()
    seen, cursor, pages = [], None, 0
    while True:
        page = conversation_list(store, limit=2, cursor=cursor)
        seen += ids(page)
        pages += 1
        cursor = page.next_cursor
        if cursor is None:
            break
    assert (seen, pages) == (["c6", "c5", "c4", "c3", "c2", "c1"], 3)
    # with a filter, the pages follow the filtered order
    first = conversation_list(store, limit=1, statuses=["new"])
    second = conversation_list(store, limit=1, statuses=["new"], cursor=first.next_cursor)
    assert (ids(first), ids(second), second.next_cursor) == (["c5"], ["c1"], None)


def test_ties_on_last_activity_page_by_conversation_id() -> None:
    s = Scenario()
    s.contact("k1")
    for cid in ("x1", "x2", "x3"):
        s.conversation(cid, "k1")
        s.inbound(cid, "2026-11-02 09:00")
    store = s.store()
    first = conversation_list(store, limit=2)
    second = conversation_list(store, limit=2, cursor=first.next_cursor)
    assert (ids(first), ids(second), second.next_cursor) == (["x3", "x2"], ["x1"], None)


def test_small_windows_still_fill_the_page(monkeypatch: pytest.MonkeyPatch) -> None:
    # a window of one message per row holds fewer conversations than a page, so it must grow
    monkeypatch.setattr(conversations, "WINDOW_PER_ROW", 1)
    monkeypatch.setattr(conversations, "WINDOW_GROWTH", 2)
    store = inbox().store()
    assert ids(conversation_list(store, limit=3, statuses=["on_hold", "new"])) == ["c6", "c5", "c3"]
    assert ids(conversation_list(store, statuses=["new"])) == ["c5", "c1"]
    # a search grows its window over the found conversations' messages only: Rita has c5 then c4
    first = conversation_list(store, search="rita", limit=1)
    second = conversation_list(store, search="rita", limit=1, cursor=first.next_cursor)
    assert (ids(first), ids(second), second.next_cursor) == (["c5"], ["c4"], None)


def test_bad_arguments_are_one_line_errors() -> None:
    store = inbox().store()
    with pytest.raises(ValidationError, match="status 'open'"):
        conversation_list(store, statuses=["open"])
    with pytest.raises(ValidationError, match="cursor"):
        conversation_list(store, cursor="garbage")
    with pytest.raises(ValidationError, match="limit"):
        conversation_list(store, limit=0)


def test_contact_profile() -> None:
    profile = contact_profile(inbox().store(), "k1")
    assert profile[["contact_id", "name", "phone_e164", "phone_valid"]].iloc[0].tolist() == [
        "k1", "Joana Silva", "+5511987654321", True]
    assert contact_profile(inbox().store(), "nobody").empty


COLUMNS = ["conversation_id", "contact_id", "status", "assignee_id", "unanswered", "last_channel", "last_activity_at"]


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Sorted by conversation, every missing value None (a page of .df() and status_as_of's Arrow rows write an
    all-missing text column differently)."""
    frame = frame[COLUMNS].sort_values("conversation_id").reset_index(drop=True).astype(object)
    return frame.where(frame.notna(), None)


def _agrees(s: Scenario, as_of: pd.Timestamp | None) -> None:
    store = s.store()
    expected = _plain(status_as_of(store, Filters(as_of=as_of)))
    got = _plain(conversation_list(store, Filters(as_of=as_of), limit=1000).items)
    pd.testing.assert_frame_equal(got, expected)


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(convs=st.lists(conversation, min_size=1, max_size=4), cut=st.one_of(st.none(), st.integers(0, 21)))
def test_status_equals_the_fold(convs: list, cut: int | None) -> None:
    """The list's last-segment status, assignee, unanswered flag, channel and activity equal status_as_of's."""
    as_of = None if cut is None else BASE + pd.Timedelta(minutes=cut)
    _agrees(build(convs), as_of)


def test_demo_store_agrees_with_the_fold(demo_store) -> None:
    pd.testing.assert_frame_equal(_plain(conversation_list(demo_store, limit=100_000).items),
                                  _plain(status_as_of(demo_store)))


def test_named_conversations_only() -> None:
    store = inbox().store()
    page = conversation_list(store, conversation_ids=["c1", "c5", "nope"])
    assert ids(page) == ["c5", "c1"] and page.items["status"].tolist() == ["new", "new"]
    with pytest.raises(ValidationError, match="not both"):
        conversation_list(store, conversation_ids=["c1"], search="oi")
