"""Report sections on a hand-built two-week scenario: the numbers, the prose and the masking, worked out by hand."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import plotly.graph_objects as go
import pytest

from pipeone_analytics.reports import audit, engagement, weekly
from pipeone_analytics.reports.context import ReportContext, Section, header
from pipeone_analytics.reports.params import Period
from tests.scenario import Scenario

WEEK = Period(dt.date(2026, 11, 16), dt.date(2026, 11, 22))


def two_weeks() -> Scenario:
    """Previous week (Nov 9-15) and this week (Nov 16-22), São Paulo time.

    v1 (c1, whatsapp): in 11-10 09:00, out 09:10 | in 11-18 14:00, out 14:05 (never resolved)
    v2 (c2, sms):      in 11-17 10:00, out 10:20, in 10:30, resolved 11:00 (incident, cat1)
    """
    s = Scenario()
    s.contact("c1", phone="+55 11 91234-5621", email="ana@example.com", name="Ana")
    s.contact("c2", phone="(21) 99876-5432", name="Bia")
    s.agent("a1", name="Carla", team="t1")
    s.category("cat1", "Entrega")
    s.conversation("v1", "c1", "2026-11-10 09:00")
    s.conversation("v2", "c2", "2026-11-17 10:00")
    s.inbound("v1", "2026-11-10 09:00")
    s.outbound("v1", "2026-11-10 09:10")
    s.inbound("v1", "2026-11-18 14:00")
    s.outbound("v1", "2026-11-18 14:05")
    s.inbound("v2", "2026-11-17 10:00", channel="sms")
    s.outbound("v2", "2026-11-17 10:20", channel="sms")
    s.inbound("v2", "2026-11-17 10:30", channel="sms")
    s.resolve("v2", "2026-11-17 11:00", type="incident", category="cat1")
    return s


def context(mask_pii: bool = False, locale: str = "en", channels: tuple[str, ...] = ()) -> ReportContext:
    store = two_weeks().store(locale=locale)
    return ReportContext("weekly_summary", store.settings, store, WEEK, WEEK.previous(), channels=channels,
                         mask_pii=mask_pii)


def test_key_figures_of_both_weeks() -> None:
    ctx = context()
    # Messages: previous week 1 in + 1 out; this week v1 1 in + 1 out, v2 2 in + 1 out.
    # First response: v1's cycle started on the 10th (10 min = 600 s); v2's on the 17th (20 min = 1200 s);
    # v1's messages of the 18th are in the same unresolved cycle, so no new first response.
    # Backlog at the end: v1 in progress in both weeks (v2 resolved; it did not exist before).
    # Stars: c1 had one 10-min interaction by the 15th (5 stars); by the 22nd three interactions, 10 min,
    # 8 days (contact reply) and 5 min: 2/3 within 30 min and 2 h, two same-day -> 3 stars.
    # c2: nothing by the 15th (0 stars); then 20 and 10 min, both <= 30 min -> 5 stars. So one 4-5 star
    # contact in each week.
    assert weekly.kpis(ctx, WEEK) == {"messages_in": 3, "messages_out": 2, "tickets": 1, "backlog": 1,
                                      "frt_median": 1200, "frt_sla": 1.0, "engaged": 1}
    assert weekly.kpis(ctx, WEEK.previous()) == {"messages_in": 1, "messages_out": 1, "tickets": 0, "backlog": 1,
                                                 "frt_median": 600, "frt_sla": 1.0, "engaged": 1}


def test_highlights_name_the_biggest_relative_changes_first() -> None:
    section = weekly.highlights(context())
    # tickets 0 -> 1 (from zero: first), received 1 -> 3 (+200%), sent 1 -> 2 (+100%, tied with the
    # median first response 600 -> 1200 s, listed after it in key order).
    assert section.prose == ["The biggest changes against the previous period:",
                             "- **Tickets resolved**: 1 (+1 against 0)\n"
                             "- **Messages received**: 3 (+2 (+200%) against 1)\n"
                             "- **Messages sent**: 2 (+1 (+100%) against 1)"]
    table = section.items[0]
    assert list(table.columns) == ["Measure", "This period", "Previous period", "Change"]
    assert table.iloc[3].tolist() == ["Median first response", "20 min", "10 min", "+10 min (+100%)"]
    # Unchanged figures come last: open conversations 1 -> 1, within 30 min 100% -> 100%, engaged 1 -> 1.
    assert table.iloc[4:, 3].tolist() == ["=", "=", "="]


def test_volume_per_channel_with_shares() -> None:
    section = weekly.volume(context())
    # sms: 2 in + 1 out = 3 of 5 messages (60%); whatsapp: 1 + 1 = 2 (40%).
    assert section.prose == ["3 messages received and 2 sent. The busiest channel was SMS (60% of all messages)."]
    figure, table = section.items
    assert isinstance(figure, go.Figure)
    assert table.to_dict("list") == {"Channel": ["SMS", "WhatsApp"], "Received": ["2", "1"], "Sent": ["1", "1"],
                                     "Share": ["60%", "40%"]}


def test_stars_and_transitions() -> None:
    ctx = context()
    assert weekly.star_distribution(ctx).to_dict("list") == {
        "stars": [0, 1, 2, 3, 4, 5], "previous": [1, 0, 0, 0, 0, 1], "current": [0, 0, 0, 1, 0, 1]}
    assert weekly.stars(ctx).prose == ["1 contacts (50%) had 4 or 5 stars at the end of the period, against 1 at "
                                       "the end of the previous one. 1 contacts moved up a level and 1 went down."]
    moved = engagement.transitions(ctx)
    assert moved.prose == ["Between Nov 15, 2026 and Nov 22, 2026, 1 contacts moved up, 1 went down and 0 stayed "
                           "where they were."]
    heat = moved.items[0].data[0]
    assert heat.z[5][3] == 1 and heat.z[0][5] == 1 and sum(map(sum, heat.z)) == 2  # 5->3 (c1), 0->5 (c2)


@pytest.mark.parametrize("mask, phone, email", [(False, "+55 11 91234-5621", "ana@example.com"),
                                                 (True, "+55 11 9****-**21", "a***@e***.com")])
def test_contacts_who_went_down_are_masked_on_request(mask: bool, phone: str, email: str) -> None:
    section = engagement.went_down(context(mask_pii=mask))
    table = section.items[0]
    assert section.prose == ["1 contacts went down a level. The 1 with the largest drop:"]
    assert table[["id", "Contact", "Phone", "E-mail", "Before", "After"]].iloc[0].tolist() == \
        ["c1", "Ana", phone, email, "5 ★ High engagement", "3 ★ Low engagement"]


def test_tickets_and_sla_in_portuguese() -> None:
    ctx = context(locale="pt_BR")
    tickets = weekly.ticket_breakdown(ctx)
    assert tickets.prose == ["1 tickets resolvidos no período (0 no anterior). Tipo mais comum: Incidente; "
                             "categoria mais comum: Entrega."]
    sla = weekly.sla(ctx)
    # One first response of 1200 s: median 20 min, within 30 min: 100%; 09:00-18:00 weekdays, so the
    # business time of a Tuesday 10:00-10:20 wait is also 20 min.
    assert sla.prose == ["Mediana da primeira resposta: 20 min em horário corrido, 20 min em horário comercial. "
                         "100% das primeiras respostas chegaram em até 30 min."]
    row = sla.items[0].iloc[0]
    assert (row["Medida"], row["Medidos"], row["Mediana"]) == ("Primeira resposta", "1", "20 min")


def test_audit_outliers_carry_message_ids() -> None:
    ctx = context()
    section = audit.outliers(ctx, n=5)
    table = section.items[0]
    # Agent replies of the week: v2 10:00 -> 10:20 (1200 s), v1 14:00 -> 14:05 (300 s). Slowest first.
    # Messages are numbered m1.. in the order the scenario adds them: v1 m1-m4, v2 m5-m7.
    assert table[["#", "Conversation", "Agent", "Contact message", "Reply", "Calendar"]].to_dict("list") == {
        "#": ["1", "2"], "Conversation": ["v2", "v1"], "Agent": ["Carla", "Carla"],
        "Contact message": ["m5", "m3"], "Reply": ["m6", "m4"], "Calendar": ["20 min", "5 min"]}


def test_every_section_copes_with_an_empty_period() -> None:
    store = two_weeks().store()
    empty = Period(dt.date(2025, 1, 6), dt.date(2025, 1, 12))
    ctx = ReportContext("engagement_report", store.settings, store, empty, empty.previous())
    builders = [header, weekly.highlights, weekly.volume, weekly.backlog, weekly.stars, weekly.ticket_breakdown,
                weekly.sla, audit.overview, audit.per_agent, audit.business_hours, audit.outliers,
                engagement.distribution, engagement.transitions, engagement.by_channel, engagement.went_down]
    for build in builders:
        section = build(ctx)
        assert isinstance(section, Section) and section.title
    assert weekly.highlights(ctx).prose == ["Nada mudou em relação ao período anterior."]
    assert engagement.went_down(ctx).prose == ["Nenhum contato caiu de nível no período."]
    assert isinstance(weekly.volume(ctx).prose[0], str) and pd.isna(weekly.kpis(ctx, empty)["frt_median"])


def test_setup_derives_the_default_period_and_checks_values(store) -> None:
    from pipeone_analytics.errors import ValidationError
    from pipeone_analytics.reports.context import setup
    from pipeone_analytics.reports.params import last_full_week

    ctx = setup("weekly_summary", str(store.path), timezone="Asia/Tokyo", locale="en", channels=["sms"],
                team="t1", mask_pii="true")
    assert ctx.period == last_full_week("Asia/Tokyo") and ctx.previous == ctx.period.previous()
    assert (ctx.settings.timezone, ctx.locale, ctx.channels, ctx.team, ctx.mask_pii) == \
        ("Asia/Tokyo", "en", ("sms",), "t1", True)
    assert ctx.filters().channels == ("sms",) and ctx.filters().teams == ("t1",)
    assert setup("weekly_summary", str(store.path), "2026-11-16", "2026-11-22").period == WEEK
    with pytest.raises(ValidationError, match="parameter locale: 'fr' is not one of pt_BR, en"):
        setup("weekly_summary", str(store.path), locale="fr")


def test_channels_restrict_volume_and_stars_to_those_channels() -> None:
    ctx = context(channels=("sms",))
    # Only v2's sms messages (2 in, 1 out) and only c2, whose main channel is sms: 0 stars on the 15th
    # (no message yet), 5 on the 22nd.
    assert weekly.kpis(ctx, WEEK)["messages_in"] == 2 and weekly.kpis(ctx, WEEK)["messages_out"] == 1
    assert weekly.star_distribution(ctx).to_dict("list") == {
        "stars": [0, 1, 2, 3, 4, 5], "previous": [1, 0, 0, 0, 0, 0], "current": [0, 0, 0, 0, 0, 1]}
    assert weekly.rating_changes(ctx).to_dict("list") == {
        "contact_id": ["c2"], "from_stars": [0], "to_stars": [5], "change": [5]}
