"""Last channel, default reply channel with the fallbacks of DESIGN 4.2, and channel mix."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeone_analytics.core import channels
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.errors import ValidationError
from scenario import Scenario


def contacts_scenario() -> Scenario:
    s = Scenario()
    for k in ("inbound_k", "outbound_k", "note_k", "silent_k"):
        s.contact(k)
    s.conversation("c1", "inbound_k")
    s.conversation("c2", "inbound_k")
    s.inbound("c1", "2026-11-02 09:00", channel="sms")         # last inbound of inbound_k, in c1
    s.outbound("c2", "2026-11-02 10:00", channel="email")      # later, but outbound
    s.inbound("c2", "2026-11-01 08:00", channel="webchat")     # earlier inbound in another conversation
    s.note("c2", "2026-11-02 11:00", channel="telegram")       # notes never set a channel
    s.conversation("c3", "outbound_k")
    s.outbound("c3", "2026-11-02 09:00", channel="whatsapp")
    s.automation("c3", "2026-11-02 09:10", channel="instagram")
    s.conversation("c4", "note_k")
    s.note("c4", "2026-11-02 09:00", channel="sms")
    return s


def test_default_reply_channel_fallbacks() -> None:
    got = channels.default_reply_channel(contacts_scenario().store()).set_index("contact_id")
    assert (got.loc["inbound_k", "channel"], got.loc["inbound_k", "basis"]) == ("sms", "last_inbound")
    # no inbound at all: the last message, automation included
    assert (got.loc["outbound_k", "channel"], got.loc["outbound_k", "basis"]) == ("instagram", "last_message")
    # only a note, or nothing: no default, the user must choose
    assert pd.isna(got.loc["note_k", "channel"]) and pd.isna(got.loc["note_k", "basis"])
    assert pd.isna(got.loc["silent_k", "channel"])


def test_default_reply_channel_for_some_contacts_as_of() -> None:
    store = contacts_scenario().store()
    got = channels.default_reply_channel(store, ["inbound_k"], Filters(as_of="2026-11-01 12:00"))
    assert got.to_dict("records") == [{"contact_id": "inbound_k", "channel": "webchat", "basis": "last_inbound"}]


def test_last_channel_is_the_latest_message_in_either_direction_notes_excluded() -> None:
    got = channels.last_channel(contacts_scenario().store()).set_index("conversation_id")["last_channel"]
    assert got.to_dict() == {"c1": "sms", "c2": "email", "c3": "instagram"}   # c4 has only a note
    one = channels.last_channel(contacts_scenario().store(), Filters(as_of="2026-11-02 09:05"), ["c3"])
    assert one["last_channel"].tolist() == ["whatsapp"]


def test_channel_mix_per_day_and_week() -> None:
    s = contacts_scenario()
    s.inbound("c1", "2026-11-03 23:30", channel="sms")   # still the 3rd in Sao Paulo (02:30 UTC on the 4th)
    store = s.store()
    day = channels.channel_mix(store, Filters(start="2026-11-02", end="2026-11-03"), period="day")
    rows = {(str(r.period_start.date()), r.channel): (r.messages_in, r.messages_out, r.conversations)
            for r in day.itertuples()}
    # 2nd: sms c1 in; email c2 out; whatsapp c3 out; instagram c3 automation out. 3rd: sms in late evening.
    assert rows == {("2026-11-02", "sms"): (1, 0, 1), ("2026-11-02", "email"): (0, 1, 1),
                    ("2026-11-02", "whatsapp"): (0, 1, 1), ("2026-11-02", "instagram"): (0, 1, 1),
                    ("2026-11-03", "sms"): (1, 0, 1)}
    week = channels.channel_mix(store, Filters(channels=("sms", "webchat")), period="week")
    # 2026-11-01 is a Sunday: it belongs to the week of Monday 10-26; the 2nd and 3rd to the week of 11-02
    assert [(str(r.period_start.date()), r.channel, r.messages_in, r.conversations) for r in week.itertuples()] == [
        ("2026-10-26", "webchat", 1, 1), ("2026-11-02", "sms", 2, 1)]


def test_channel_mix_rejects_an_unknown_period() -> None:
    with pytest.raises(ValidationError, match="period 'year'"):
        channels.channel_mix(contacts_scenario().store(), period="year")


def test_default_reply_channel_of_named_contacts_reads_messages_without_contact_id() -> None:
    """A message with no contact_id belongs to its conversation's contact, also when contacts are named."""
    sc = Scenario()
    sc.contact("k1")
    sc.contact("k2")
    sc.conversation("c1", "k1")
    sc.conversation("c2", "k2")
    sc.inbound("c1", "2026-11-02 10:00", channel="sms")
    sc.inbound("c2", "2026-11-02 11:00", channel="email")
    sc.inbound("c1", "2026-11-03 09:00", channel="whatsapp")
    frames = sc.frames()
    frames["messages"].loc[frames["messages"]["sent_at"] == frames["messages"]["sent_at"].max(),
                           "contact_id"] = None  # the latest message of k1 names no contact
    got = channels.default_reply_channel(frames, ["k1"]).to_dict("records")
    # k1's last inbound is the 2026-11-03 WhatsApp message, found through conversation c1
    assert got == [{"contact_id": "k1", "channel": "whatsapp", "basis": "last_inbound"}]
