"""The interaction ledger (DESIGN 4.1) on hand-built scenarios: turns, both message ids, credited agent."""
from __future__ import annotations

import pandas as pd

from pipeone_analytics.core.filters import Filters
from pipeone_analytics.core.interactions import LEDGER_COLUMNS, ledger
from tests.scenario import Scenario


def _scenario() -> tuple[Scenario, dict[str, str]]:
    scn = Scenario()
    scn.contact("c", None)
    scn.conversation("v", "c")
    ids = {
        "in1": scn.inbound("v", "2026-11-02 10:00", channel="whatsapp"),
        "in2": scn.inbound("v", "2026-11-02 10:03", channel="whatsapp"),
        "auto": scn.automation("v", "2026-11-02 10:04"),
        "note": scn.note("v", "2026-11-02 10:05", agent="ann"),
        "out1": scn.outbound("v", "2026-11-02 10:20", agent="bob", channel="sms"),
        "out2": scn.outbound("v", "2026-11-02 10:22", agent="ann", channel="sms"),
        "in3": scn.inbound("v", "2026-11-02 11:00", channel="email"),
        "out3": scn.outbound("v", "2026-11-02 11:30:30", agent="ann", channel="email"),
    }
    return scn, ids


def test_turns_responses_and_both_message_ids():
    scn, ids = _scenario()
    got = ledger(scn.store(), Filters(as_of="2026-12-01"))
    assert list(got.columns) == ["conversation_id", "contact_id", "cycle", *LEDGER_COLUMNS[2:], "business_seconds"]
    rows = got[["direction", "from_message_id", "to_message_id", "seconds", "channel", "agent_id"]]
    # turns: [in1 in2] [out1 out2] [in3] [out3]; automation and note are ignored
    # agent reply in1 10:00 -> out1 10:20 = 1200 s, credited to its sender bob, channel sms
    # contact reply out1 10:20 -> in3 11:00 = 2400 s, credited to bob (first sender of the turn answered)
    # agent reply in3 11:00 -> out3 11:30:30 = 1830 s, credited to ann
    assert rows.values.tolist() == [
        ["agent_reply", ids["in1"], ids["out1"], 1200.0, "sms", "bob"],
        ["contact_reply", ids["out1"], ids["in3"], 2400.0, "email", "bob"],
        ["agent_reply", ids["in3"], ids["out3"], 1830.0, "email", "ann"],
    ]
    assert (got["conversation_id"] == "v").all() and (got["contact_id"] == "c").all()
    assert got["from_at"].iloc[0] == pd.Timestamp("2026-11-02 10:00", tz="America/Sao_Paulo")
    assert got["to_at"].iloc[2] == pd.Timestamp("2026-11-02 11:30:30", tz="America/Sao_Paulo")


def test_as_of_cuts_messages_and_filters_select_responses():
    scn, ids = _scenario()
    store = scn.store()
    cut = ledger(store, Filters(as_of="2026-11-02 11:00"))
    assert cut["to_message_id"].tolist() == [ids["out1"], ids["in3"]]  # 11:00 itself is included
    assert ledger(store, Filters(as_of="2026-12-01", agents=("ann",)))["to_message_id"].tolist() == [ids["out3"]]
    assert ledger(store, Filters(as_of="2026-12-01", channels=("sms",)))["to_message_id"].tolist() == [ids["out1"]]
    period = ledger(store, Filters(as_of="2026-12-01", start="2026-11-02 10:30", end="2026-11-02 11:15"))
    assert period["to_message_id"].tolist() == [ids["in3"]]


def test_agent_filter_by_team():
    scn, ids = _scenario()
    scn.agent("ann", team="blue")
    scn.agent("bob", team="red")
    got = ledger(scn.store(), Filters(as_of="2026-12-01", teams=("red",)))
    # bob is credited with the first agent reply and with the contact reply to his turn
    assert got["to_message_id"].tolist() == [ids["out1"], ids["in3"]]


def test_equal_times_are_ordered_by_message_id():
    scn = Scenario()
    scn.conversation("v", "c")
    scn.outbound("v", "2026-11-02 10:00", message_id="b", agent="ann")
    scn.inbound("v", "2026-11-02 10:00", message_id="a")
    scn.outbound("v", "2026-11-02 10:05", message_id="c", agent="bob")
    got = ledger(scn.frames(), Filters(as_of="2026-12-01"))
    # order a (in), b (out), c (out): one agent reply a -> b of 0 s, credited to ann
    assert got[["from_message_id", "to_message_id", "seconds", "agent_id"]].values.tolist() == [["a", "b", 0.0, "ann"]]


def test_contact_taken_from_the_conversation_when_the_message_lacks_it():
    scn = Scenario()
    scn.conversation("v", "c9")
    scn.inbound("v", "2026-11-02 10:00")
    scn.outbound("v", "2026-11-02 10:05")
    for row in scn.rows["messages"]:
        row["contact_id"] = None
    got = ledger(scn.store(), Filters(as_of="2026-12-01"))
    assert got["contact_id"].tolist() == ["c9"]


def test_conversations_are_separate():
    scn = Scenario()
    scn.conversation("v1", "c")
    scn.conversation("v2", "c")
    scn.inbound("v1", "2026-11-02 10:00")
    scn.outbound("v2", "2026-11-02 10:05")  # another conversation: not a reply to v1
    scn.inbound("v2", "2026-11-02 10:30")
    got = ledger(scn.store(), Filters(as_of="2026-12-01"))
    assert got[["conversation_id", "direction", "seconds"]].values.tolist() == [["v2", "contact_reply", 1500.0]]


def test_cycle_is_the_status_cycle_of_the_response():
    scn = Scenario()
    scn.conversation("v", "c")
    scn.inbound("v", "2026-11-03 10:00")
    scn.outbound("v", "2026-11-03 10:05")
    scn.resolve("v", "2026-11-03 10:10")
    scn.inbound("v", "2026-11-04 09:00")   # reopens: cycle 2 starts with this message
    scn.outbound("v", "2026-11-04 09:10")
    got = ledger(scn.store(), Filters(as_of="2026-12-01"))
    # agent reply (cycle 1), contact reply that reopens (cycle 2, by its response message), agent reply (cycle 2)
    assert got[["direction", "cycle"]].values.tolist() == [
        ["agent_reply", 1], ["contact_reply", 2], ["agent_reply", 2]]


def test_business_seconds_count_working_time_only():
    scn = Scenario()
    scn.conversation("v", "c")
    scn.inbound("v", "2026-11-03 17:30")   # Tuesday
    scn.outbound("v", "2026-11-04 09:30")  # Wednesday
    scn.inbound("v", "2026-11-07 10:00")   # Saturday
    scn.outbound("v", "2026-11-07 11:00")
    got = ledger(scn.store(), Filters(as_of="2026-12-01"))
    # default hours Mon-Fri 09:00-18:00: Tue 17:30-18:00 + Wed 09:00-09:30 = 3600 s of 16 h = 57600 s;
    # the contact reply Wed 09:30 -> Sat 10:00 = 3 days 30 min = 261000 s: Wed 8.5 h + Thu 9 h + Fri 9 h = 26.5 h = 95400 s;
    # Saturday 10:00 -> 11:00: 0 s
    assert got[["seconds", "business_seconds"]].values.tolist() == [
        [57600.0, 3600.0], [261000.0, 95400.0], [3600.0, 0.0]]



def test_export_interactions_cli(tmp_path):
    from pipeone_analytics import cli
    from tests.core.test_ratings import _file_store

    scn, ids = _scenario()
    out = tmp_path / "ledger.csv"
    assert cli.main(["export", "interactions", "--db", str(_file_store(scn, tmp_path)), "--out", str(out),
                     "--as-of", "2026-11-02"]) == 0
    frame = pd.read_csv(out)
    # the date means its local end of day: all three responses of Nov 2
    assert frame["to_message_id"].tolist() == [ids["out1"], ids["in3"], ids["out3"]]
    assert frame["cycle"].tolist() == [1, 1, 1]


def test_seconds_are_real_time_across_a_dst_change():
    scn = Scenario()
    scn.conversation("v", "c")
    scn.inbound("v", "2018-11-03 23:30")   # -03:00; at 2018-11-04 00:00 Sao Paulo clocks jumped to 01:00 (-02:00)
    scn.outbound("v", "2018-11-04 01:30")
    got = ledger(scn.store(), Filters(as_of="2018-12-01"))
    # 02:30 UTC -> 03:30 UTC: one real hour, though the wall clocks are two hours apart
    assert got["seconds"].tolist() == [3600.0]
