"""Property: the SQL rating and ledger equal a plain-Python reference written from DESIGN 4.1 and 4.4."""
from __future__ import annotations

import datetime as dt
from fractions import Fraction
import zoneinfo
from collections import defaultdict

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pipeone_analytics.core import ratings as R
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.core.interactions import ledger
from tests.scenario import Scenario

# (timezone, start): minutes from the start cross local midnights, and in the last two a DST change
# (Sao Paulo began DST on 2018-11-04 00:00; New York ended it on 2026-11-01 02:00)
ZONES = [("America/Sao_Paulo", dt.datetime(2026, 11, 2, 21, 0)), ("America/Sao_Paulo", dt.datetime(2018, 11, 2, 21, 0)),
         ("America/New_York", dt.datetime(2026, 10, 30, 21, 0))]
PHONES = {"valid": "+55 11 91234-5678", "invalid": "123", "missing": None}
KINDS = {"contact": "inbound", "agent": "outbound", "automation": "outbound", "note": "outbound"}
CONTACTS = ["c0", "c1", "c2", "c3"]


def elapsed(start: dt.datetime, end: dt.datetime) -> float:
    """Real seconds between two aware datetimes (Python subtracts wall clocks when both share a tzinfo)."""
    return (end.astimezone(dt.timezone.utc) - start.astimezone(dt.timezone.utc)).total_seconds()


def reference(messages: list[dict], phones: dict[str, str], as_of: dt.datetime, tz: zoneinfo.ZoneInfo):
    """(per contact (stars, sent, received, interactions, same_day, within_30m, within_2h), ledger pairs)."""
    seen = [m for m in messages if m["sent_at"] <= as_of]
    sent, received = defaultdict(int), defaultdict(int)
    for m in seen:
        if m["direction"] == "outbound" and m["sender_type"] in ("agent", "automation"):
            sent[m["contact_id"]] += 1
        if m["direction"] == "inbound" and m["sender_type"] == "contact":
            received[m["contact_id"]] += 1
    pairs = []
    for conv in sorted({m["conversation_id"] for m in seen}):
        thread = sorted((m for m in seen if m["conversation_id"] == conv
                         and m["sender_type"] not in ("note", "automation")),
                        key=lambda m: (m["sent_at"], m["message_id"]))
        turn_starts = [m for i, m in enumerate(thread) if i == 0 or thread[i - 1]["direction"] != m["direction"]]
        for before, after in zip(turn_starts, turn_starts[1:]):
            pairs.append((before, after))
    inter = defaultdict(lambda: [0, 0, 0, 0])
    for before, after in pairs:
        seconds = elapsed(before["sent_at"], after["sent_at"])
        row = inter[after["contact_id"]]
        row[0] += 1
        row[1] += before["sent_at"].astimezone(tz).date() == after["sent_at"].astimezone(tz).date()
        row[2] += seconds <= 1800
        row[3] += seconds <= 7200
    out = {}
    for c in CONTACTS:
        n, same, w30, w2h = inter[c]
        s, r = sent[c], received[c]
        if phones[c] == "invalid":
            stars = 0
        elif r >= 1 and n >= 1 and Fraction(w30, n) >= Fraction(9, 10):
            stars = 5
        elif r >= 1 and n >= 1 and Fraction(w2h, n) >= Fraction(9, 10):
            stars = 4
        elif r >= 1 and same >= 1:
            stars = 3
        elif r >= 1:
            stars = 2
        elif s >= 1:
            stars = 1
        else:
            stars = 0
        out[c] = (stars, s, r, n, same, w30, w2h)
    ledger_rows = [(b["message_id"], a["message_id"], "agent_reply" if a["direction"] == "outbound"
                    else "contact_reply", elapsed(b["sent_at"], a["sent_at"])) for b, a in pairs]
    return out, sorted(ledger_rows)


message = st.tuples(st.sampled_from(CONTACTS), st.integers(0, 2),       # contact, its conversation
                    st.sampled_from(sorted(KINDS)), st.sampled_from(["whatsapp", "sms"]),
                    st.integers(0, 3 * 24 * 60),                         # minutes after the start
                    st.sampled_from([0, 0, 0, 1, 59]))                   # extra seconds (ties, boundaries)


cases = dict(phones=st.fixed_dictionaries({c: st.sampled_from(sorted(PHONES)) for c in CONTACTS}),
             rows=st.lists(message, max_size=40), cut=st.integers(0, 3 * 24 * 60), zone=st.sampled_from(ZONES))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**cases)
def test_sql_equals_reference(phones: dict[str, str], rows: list[tuple], cut: int, zone: tuple) -> None:
    check(phones, rows, cut, zone)


@pytest.mark.slow
@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(**cases)
def test_sql_equals_reference_many(phones: dict[str, str], rows: list[tuple], cut: int, zone: tuple) -> None:
    check(phones, rows, cut, zone)


def check(phones: dict[str, str], rows: list[tuple], cut: int, zone: tuple) -> None:
    """Build the scenario, compute both sides, compare ratings (all counts) and the ledger."""
    tz = zoneinfo.ZoneInfo(zone[0])
    base = zone[1].replace(tzinfo=tz)
    scn = Scenario(timezone=zone[0])
    for c in CONTACTS:
        scn.contact(c, PHONES[phones[c]])
    messages = []
    for i, (c, k, kind, channel, minutes, seconds) in enumerate(rows):
        conv = f"{c}-v{k}"
        if conv not in {r["conversation_id"] for r in scn.rows.get("conversations", [])}:
            scn.conversation(conv, c)
        when = (base.astimezone(dt.timezone.utc) + dt.timedelta(minutes=minutes, seconds=seconds)).astimezone(tz)
        mid = f"m{(i * 7919) % 1000:03d}"  # ids unrelated to time order, unique
        scn.message(conv, when.isoformat(), KINDS[kind], kind, channel=channel, message_id=mid,
                    agent="ann" if kind == "agent" else None)
        messages.append({"message_id": mid, "conversation_id": conv, "contact_id": c, "sent_at": when,
                         "direction": KINDS[kind], "sender_type": kind})
    as_of = (base.astimezone(dt.timezone.utc) + dt.timedelta(minutes=cut)).astimezone(tz)
    expected, expected_ledger = reference(messages, {c: phones[c] for c in CONTACTS}, as_of, tz)

    store = scn.store()
    got = R.ratings(store, as_of=pd.Timestamp(as_of)).set_index("contact_id")
    cols = ["stars", "sent", "received", "interactions", "same_day_interactions", "within_30m", "within_2h"]
    assert {c: tuple(int(v) for v in got.loc[c, cols]) for c in CONTACTS} == expected

    earlier = as_of - dt.timedelta(hours=20)
    expected_earlier, _ = reference(messages, {c: phones[c] for c in CONTACTS}, earlier, tz)
    changes = R.rating_changes(store, pd.Timestamp(earlier), pd.Timestamp(as_of)).set_index("contact_id")
    assert changes["from_stars"].to_dict() == {c: v[0] for c, v in expected_earlier.items()}
    assert changes["to_stars"].to_dict() == {c: v[0] for c, v in expected.items()}

    led = ledger(store, Filters(as_of=pd.Timestamp(as_of)))
    got_ledger = sorted(zip(led["from_message_id"], led["to_message_id"], led["direction"], led["seconds"]))
    assert got_ledger == expected_ledger
