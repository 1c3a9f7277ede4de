"""Tickets (DESIGN 4.3): joins, unknown and inactive categories, channel at resolve time, counts, notes."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeone_analytics.core import tickets
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.errors import ValidationError
from pipeone_analytics.exports import export
from scenario import Scenario


def scenario() -> Scenario:
    s = Scenario()
    s.contact("k1", name="Ana")
    s.agent("a1", team="blue", name="Alice")
    s.agent("a2", team="red", name="Bruno")
    s.category("billing", "Billing")
    s.category("legacy", "Legacy", active=False)
    s.conversation("c1", "k1")
    s.inbound("c1", "2026-11-02 09:00", channel="sms")
    s.note("c1", "2026-11-02 09:30", channel="email")            # a note does not set the channel
    s.resolve("c1", "2026-11-02 10:00", category="billing", note="refund sent")        # t1: sms
    s.inbound("c1", "2026-11-03 08:00", channel="whatsapp")       # reopens: second cycle
    s.resolve("c1", "2026-11-03 09:00", type="incident", category="legacy", by="a2")   # t2: whatsapp
    s.conversation("c2", "k1")
    s.inbound("c2", "2026-11-03 10:00", channel="email")
    s.resolve("c2", "2026-11-03 11:00", type="incident", category="ghost", by="a2")    # t3: unknown category
    s.outbound("c2", "2026-11-03 11:05", channel="sms")           # after the resolve: not its channel
    s.resolve("c2", "2026-11-10 11:00", type="task", note="   ")                     # t4: no category, blank note
    s.resolve("c2", "2026-11-10 12:00", category="billing", note="second note")     # t5
    return s


def test_two_resolves_give_two_tickets_with_joins_and_category_states() -> None:
    got = tickets.tickets(scenario().store(), Filters(as_of="2026-11-30")).set_index("ticket_id")
    c1 = got[got["conversation_id"] == "c1"]
    assert c1["type"].tolist() == ["question", "incident"]
    t1, t2 = c1.iloc[0], c1.iloc[1]
    assert (t1["contact_name"], t1["resolver_name"], t1["resolver_team"], t1["channel"]) == ("Ana", "Alice", "blue", "sms")
    assert (t1["category_name"], t1["category_state"], t1["category_label"]) == ("Billing", "active", "Billing")
    assert (t2["channel"], t2["resolver_name"], t2["category_state"], t2["category_label"]) == (
        "whatsapp", "Bruno", "inactive", "Legacy (inativa)")
    ghost = got[got["category_id"] == "ghost"].iloc[0]
    assert (ghost["category_state"], ghost["category_label"], ghost["channel"]) == (
        "unknown", "Categoria desconhecida (ghost)", "email")
    assert pd.isna(ghost["category_name"])
    none = got[got["type"] == "task"].iloc[0]
    assert (none["category_state"], none["category_label"]) == ("none", "Sem categoria")
    assert len(got) == 5


@pytest.mark.parametrize("filters, expected_types", [
    (Filters(as_of="2026-11-03 10:30"), ["question", "incident"]),
    (Filters(start="2026-11-03", end="2026-11-03", as_of="2026-11-30"), ["incident", "incident"]),
    (Filters(agents=("a2",), as_of="2026-11-30"), ["incident", "incident"]),
    (Filters(teams=("blue",), as_of="2026-11-30"), ["question", "task", "question"]),
    (Filters(categories=("billing",), as_of="2026-11-30"), ["question", "question"]),
    (Filters(channels=("email",), as_of="2026-11-30"), ["incident"]),
])
def test_ticket_filters(filters: Filters, expected_types: list[str]) -> None:
    assert tickets.tickets(scenario().store(), filters)["type"].tolist() == expected_types


def test_counts_and_shares_by_type_and_category_per_week() -> None:
    store = scenario().store()
    f = Filters(as_of="2026-11-30")
    by_type = tickets.ticket_counts(store, f, by="type", period="week")
    # week of 11-02: question (t1), incident (t2, t3); week of 11-09: task (t4), question (t5)
    assert [(str(r.period_start.date()), r.key, r.label, r.tickets, round(r.share, 4)) for r in by_type.itertuples()] == [
        ("2026-11-02", "incident", "Incidente", 2, 0.6667), ("2026-11-02", "question", "Dúvida", 1, 0.3333),
        ("2026-11-09", "question", "Dúvida", 1, 0.5), ("2026-11-09", "task", "Tarefa", 1, 0.5)]
    by_cat = tickets.ticket_counts(store, f, by="category", period="month")
    assert by_cat.set_index("label")["tickets"].to_dict() == {
        "Billing": 2, "Legacy (inativa)": 1, "Categoria desconhecida (ghost)": 1, "Sem categoria": 1}
    assert by_cat["share"].sum() == pytest.approx(1.0)
    by_agent = tickets.ticket_counts(store, f, by="agent", period="month")
    assert by_agent.set_index("key")["label"].to_dict() == {"a1": "Alice", "a2": "Bruno"}
    by_channel = tickets.ticket_counts(store, f, by="channel", period="month")
    # t1 sms; t2 whatsapp; t3 email; t4 and t5 sms (the 11:05 outbound is their last message)
    assert by_channel.set_index("key")["tickets"].to_dict() == {"sms": 3, "whatsapp": 1, "email": 1}


def test_counts_reject_unknown_grouping() -> None:
    with pytest.raises(ValidationError, match="by 'team'"):
        tickets.ticket_counts(scenario().store(), by="team")


def test_category_notes_newest_first_without_blank_notes() -> None:
    store = scenario().store()
    got = tickets.category_notes(store, "billing", filters=Filters(as_of="2026-11-30"))
    assert got["note"].tolist() == ["second note", "refund sent"]
    assert tickets.category_notes(store, "billing", limit=1, filters=Filters(as_of="2026-11-30"))["note"].tolist() == [
        "second note"]
    assert tickets.category_notes(store, "ghost").empty


def test_export_tickets(tmp_path) -> None:
    out = tmp_path / "tickets.parquet"
    assert export(scenario().store(), "tickets", out, as_of="2026-11-30") == 5
    assert pd.read_parquet(out)["category_state"].tolist() == ["active", "inactive", "unknown", "none", "active"]
