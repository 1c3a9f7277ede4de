"""Response times (DESIGN 4.5) on hand-built scenarios whose times are worked out by hand in the comments.

Default settings: America/Sao_Paulo, Mon-Fri 09:00-18:00, BR national holidays. 2024-11-11 is a Monday.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from pipeone_analytics import cli, derived
from pipeone_analytics.config import Settings
from pipeone_analytics.core import response_times as rt
from pipeone_analytics.core.filters import Filters
from pipeone_analytics.errors import ValidationError
from pipeone_analytics.exports import EXPORTS
from pipeone_analytics.store import Store
from tests.scenario import Scenario

LATER = Filters(as_of="2024-12-31 23:00")


def rows(frame: pd.DataFrame, conversation: str) -> pd.DataFrame:
    return frame[frame["conversation_id"] == conversation].reset_index(drop=True)


@pytest.fixture(scope="module")
def inbox() -> Store:
    s = Scenario()
    s.contact("c1")
    s.agent("a1", team="blue")
    s.agent("a2", team="green")
    s.category("billing", "Billing")

    # k1: a contact turn of three messages, automation and notes between them, answered once at 10:40.
    s.conversation("k1", "c1")
    s.inbound("k1", "2024-11-11 10:00", message_id="k1-in1")
    s.automation("k1", "2024-11-11 10:01")
    s.inbound("k1", "2024-11-11 10:05")
    s.note("k1", "2024-11-11 10:06")
    s.inbound("k1", "2024-11-11 10:10")
    s.outbound("k1", "2024-11-11 10:40", agent="a1", message_id="k1-out")

    # k2: Thu 2024-11-14 17:30 -> Mon 11-18 09:30, across the night, Fri 11-15 (Proclamação da República)
    # and the weekend. Calendar: 3 days 16 h = 88 h = 316800 s. Business: Thu 17:30-18:00 + Mon 09:00-09:30 = 3600 s.
    s.conversation("k2", "c1")
    s.inbound("k2", "2024-11-14 17:30", message_id="k2-in", channel="sms")
    s.outbound("k2", "2024-11-18 09:30", agent="a1", message_id="k2-out", channel="sms")
    s.resolve("k2", "2024-11-18 09:35", by="a1")

    # k3: resolve, reopen, then the second cycle's first response.
    s.conversation("k3", "c1")
    s.inbound("k3", "2024-11-11 09:00", message_id="k3-in1")
    s.outbound("k3", "2024-11-11 09:20", agent="a1", message_id="k3-out1")   # cycle 1 first response: 1200 s
    s.resolve("k3", "2024-11-11 09:30", category="billing", by="a1")        # cycle 1 resolution: 1800 s
    s.inbound("k3", "2024-11-11 14:00", message_id="k3-in2")                # reopens: cycle 2 starts
    s.outbound("k3", "2024-11-11 14:45", agent="a2", message_id="k3-out2")  # cycle 2 first response: 2700 s

    # k5: assigned to a1, transferred to a2, and a2 answers: credited to a2, a2 the assignee.
    s.conversation("k5", "c1")
    s.inbound("k5", "2024-11-12 10:00", message_id="k5-in")
    s.event("k5", "2024-11-12 10:01", "assigned", "a1")
    s.event("k5", "2024-11-12 10:20", "assigned", "a2", actor="a1")
    s.outbound("k5", "2024-11-12 10:50", agent="a2", message_id="k5-out")    # 3000 s

    # k6: transferred to a2 before a1's (late) answer: credited to a1, reported for assignee a2 too.
    s.conversation("k6", "c1")
    s.inbound("k6", "2024-11-12 11:00", message_id="k6-in")
    s.event("k6", "2024-11-12 11:01", "assigned", "a1")
    s.event("k6", "2024-11-12 11:20", "assigned", "a2", actor="a1")
    s.outbound("k6", "2024-11-12 11:30", agent="a1", message_id="k6-out")    # 1800 s
    return s.store()


def test_three_message_turn_counts_from_the_first_and_ignores_automation_and_notes(inbox: Store) -> None:
    replies = rows(rt.reply_times(inbox, LATER), "k1")
    # One reply: 10:00 (first of the three inbound) -> 10:40 = 2400 s, all within business hours.
    assert len(replies) == 1
    assert replies.loc[0, "from_message_id"] == "k1-in1" and replies.loc[0, "to_message_id"] == "k1-out"
    assert (replies.loc[0, "seconds"], replies.loc[0, "business_seconds"]) == (2400, 2400)
    assert replies.loc[0, "agent_id"] == "a1" and replies.loc[0, "team"] == "blue"
    first = rows(rt.first_response_times(inbox, LATER), "k1")
    assert first[["from_message_id", "to_message_id", "seconds", "open"]].values.tolist() == [
        ["k1-in1", "k1-out", 2400.0, False]]
    # The agent spoke last and the cycle is unresolved: the contact's reply is open (NULL, not zero).
    contact = rows(rt.contact_reply_times(inbox, LATER), "k1")
    assert contact["open"].tolist() == [True] and contact["seconds"].isna().all()
    assert contact.loc[0, "from_message_id"] == "k1-out" and contact.loc[0, "agent_id"] == "a1"


def test_reply_across_night_holiday_and_weekend(inbox: Store) -> None:
    replies = rows(rt.reply_times(inbox, LATER), "k2")
    assert replies[["from_message_id", "to_message_id", "channel"]].values.tolist() == [["k2-in", "k2-out", "sms"]]
    assert replies.loc[0, "seconds"] == 316800
    assert replies.loc[0, "business_seconds"] == 3600
    # Resolution: 17:30 Thu -> 09:35 Mon = 316800 + 300 s; business 3600 + 300 s.
    resolution = rows(rt.resolution_times(inbox, LATER), "k2")
    assert (resolution.loc[0, "seconds"], resolution.loc[0, "business_seconds"]) == (317100, 3900)


def test_resolve_reopen_and_second_cycle(inbox: Store) -> None:
    first = rows(rt.first_response_times(inbox, LATER), "k3")
    assert first[["cycle", "from_message_id", "to_message_id", "seconds", "agent_id"]].values.tolist() == [
        [1, "k3-in1", "k3-out1", 1200.0, "a1"], [2, "k3-in2", "k3-out2", 2700.0, "a2"]]
    resolution = rows(rt.resolution_times(inbox, LATER), "k3")
    # Cycle 1: 09:00 -> 09:30 = 1800 s, by a1, ticket category billing. Cycle 2: still open, NULL, not zero.
    assert resolution.loc[0, ["cycle", "seconds", "agent_id", "category", "open"]].tolist() == [
        1, 1800.0, "a1", "billing", False]
    assert resolution.loc[0, "from_message_id"] == "k3-in1" and resolution.loc[0, "event_id"] is not None
    assert resolution.loc[1, "cycle"] == 2 and resolution.loc[1, "open"]
    assert math.isnan(resolution.loc[1, "seconds"]) and math.isnan(resolution.loc[1, "business_seconds"])
    # The first response of cycle 1 carries its ticket's category; cycle 2 has none yet.
    assert first["category"].tolist()[0] == "billing" and pd.isna(first["category"].tolist()[1])


def test_credit_after_a_transfer(inbox: Store) -> None:
    first = rt.first_response_times(inbox, LATER).set_index("conversation_id")
    # k5: 10:00 -> 10:50 = 3000 s by a2, who is the assignee after the transfer at 10:20.
    assert first.loc["k5", ["agent_id", "assignee_at_response", "team", "seconds"]].tolist() == [
        "a2", "a2", "green", 3000.0]
    # k6: 11:00 -> 11:30 = 1800 s sent by a1 after the transfer to a2: a1 is credited, a2 is the assignee.
    assert first.loc["k6", ["agent_id", "assignee_at_response", "team", "seconds"]].tolist() == [
        "a1", "a2", "blue", 1800.0]
    by_assignee = rt.summarize(first.loc[["k5", "k6"]].reset_index(), ["assignee"])
    assert by_assignee[["assignee_at_response", "count", "mean"]].values.tolist() == [["a2", 2, 2400.0]]
    by_agent = rt.summarize(first.loc[["k5", "k6"]].reset_index(), ["agent"])
    assert by_agent[["agent_id", "count", "mean"]].values.tolist() == [["a1", 1, 1800.0], ["a2", 1, 3000.0]]
    # Filtering on agent a2 keeps both: one sent by a2, one answered while a2 was the assignee.
    only_a2 = rt.first_response_times(inbox, Filters(as_of=LATER.as_of, agents=("a2",)))
    assert set(only_a2["conversation_id"]) == {"k3", "k5", "k6"}


def test_open_at_the_end_of_the_period() -> None:
    s = Scenario()
    s.contact("c1")
    s.agent("a1")
    s.conversation("k4", "c1")
    s.inbound("k4", "2024-11-11 16:00")
    s.outbound("k4", "2024-11-11 16:10", agent="a1")
    s.resolve("k4", "2024-11-12 10:00", by="a1")
    store = s.store()
    # Period = Monday only: at its end the cycle is unresolved, so no resolution time: open, NULL.
    monday = rt.resolution_times(store, Filters(start="2024-11-11", end="2024-11-11", as_of="2024-12-01"))
    assert monday["open"].tolist() == [True] and monday["seconds"].isna().all() and monday["agent_id"].isna().all()
    summary = rt.summarize(monday)
    assert summary.loc[0, ["count", "open"]].tolist() == [0, 1] and pd.isna(summary.loc[0, "mean"])
    # Monday to Tuesday: 16:00 -> Tue 10:00 = 18 h = 64800 s; business Mon 16-18 + Tue 09-10 = 3 h = 10800 s.
    both = rt.resolution_times(store, Filters(start="2024-11-11", end="2024-11-12", as_of="2024-12-01"))
    assert both[["open", "seconds", "business_seconds"]].values.tolist() == [[False, 64800.0, 10800.0]]
    # A period that starts after the cycle started does not hold it (rows belong to their clock start).
    assert rt.resolution_times(store, Filters(start="2024-11-12", end="2024-11-12", as_of="2024-12-01")).empty


def test_first_response_open_when_no_agent_message() -> None:
    s = Scenario()
    s.contact("c1")
    s.conversation("k7", "c1")
    s.inbound("k7", "2024-11-11 10:00", message_id="k7-in")
    s.automation("k7", "2024-11-11 10:00:30")
    first = rt.first_response_times(s.store(), LATER)
    assert first[["from_message_id", "open"]].values.tolist() == [["k7-in", True]]
    assert first["seconds"].isna().all() and first["to_message_id"].isna().all()


def test_dst_in_new_york() -> None:
    s = Scenario(timezone="America/New_York", phone_region="US")
    s.contact("c1")
    s.agent("a1")
    s.conversation("spring", "c1")
    s.inbound("spring", "2024-03-08 17:00")   # Fri 17:00 EST = 22:00 UTC
    s.outbound("spring", "2024-03-11 10:00")  # Mon 10:00 EDT = 14:00 UTC
    s.conversation("fall", "c1")
    s.inbound("fall", "2024-11-01 17:00")     # Fri 17:00 EDT = 21:00 UTC
    s.outbound("fall", "2024-11-04 10:00")    # Mon 10:00 EST = 15:00 UTC
    store = s.store(holidays_country="US")
    replies = rt.reply_times(store, Filters(as_of="2024-12-01")).set_index("conversation_id")
    # Spring: Fri 22:00Z -> Mon 14:00Z = 64 h = 230400 s (the lost hour is not counted); fall: 66 h = 237600 s.
    assert replies.loc["spring", "seconds"] == 230400 and replies.loc["fall", "seconds"] == 237600
    # Business: Fri 17:00-18:00 + Mon 09:00-10:00 = 7200 s both times.
    assert replies.loc["spring", "business_seconds"] == 7200 and replies.loc["fall", "business_seconds"] == 7200
    # Breakdowns use New York wall time: both clocks started on a Friday (5) at 17 h.
    by_hour = rt.summarize(replies.reset_index(), ["weekday", "hour"], store.settings)
    assert by_hour[["weekday", "hour", "count"]].values.tolist() == [[5, 17, 2]]


def test_percentiles_means_and_sla_by_hand() -> None:
    # Ten measured values 10, 20, ..., 90, 1000 and one open row. quantile_cont puts quantile q at position
    # h = (n - 1) q of the sorted values and interpolates linearly:
    #   median h = 4.5  -> 50 + 0.5 * (60 - 50) = 55
    #   p75    h = 6.75 -> 70 + 0.75 * (80 - 70) = 77.5
    #   p90    h = 8.1  -> 90 + 0.1 * (1000 - 90) = 181
    #   p95    h = 8.55 -> 90 + 0.55 * (1000 - 90) = 590.5
    # mean = (450 + 1000) / 10 = 145. SLA (reply, 300/1800/3600/7200 s, inclusive): 9/10 <= 300, 10/10 above.
    seconds = [10, 20, 30, 40, 50, 60, 70, 80, 90, 1000, None]
    frame = pd.DataFrame({
        "metric": "reply_time", "agent_id": ["a1"] * 11,
        "from_at": pd.Timestamp("2024-11-11 10:00", tz="America/Sao_Paulo"),
        "seconds": seconds, "business_seconds": [s if s is None else s * 10 for s in seconds],
        "open": [s is None for s in seconds]})
    got = rt.summarize(frame, ["agent"], Settings()).iloc[0]
    assert (got["count"], got["open"]) == (10, 1)
    assert got["mean"] == pytest.approx(145)
    assert [got[k] for k in ("median", "p75", "p90", "p95")] == pytest.approx([55, 77.5, 181, 590.5])
    assert [got[f"within_{t}s"] for t in (300, 1800, 3600, 7200)] == pytest.approx([0.9, 1, 1, 1])
    # Business seconds are ten times larger: 100..900, 10000; <= 300 s holds for 100, 200, 300 -> 3/10.
    assert got["business_median"] == pytest.approx(550)
    assert [got[f"business_within_{t}s"] for t in (300, 1800, 3600, 7200)] == pytest.approx([0.3, 0.9, 0.9, 0.9])
    # A threshold is inclusive: a value equal to it is within.
    edge = frame.assign(seconds=[300.0] * 10 + [None])
    assert rt.summarize(edge, None, Settings()).loc[0, "within_300s"] == 1


def test_summarize_breakdowns_and_errors(inbox: Store) -> None:
    by_day = rt.summarize("reply_time", ["day"], source=inbox, filters=LATER)
    # Clocks started Mon 11-11 (k1 10:00, k3 09:00 and 14:00), Tue 11-12 (k5, k6), Thu 11-14 (k2).
    # k3's replies: 09:00 -> 09:20 and 14:00 -> 14:45; k5, k6 answered; k2 answered.
    assert by_day[["day", "count"]].values.tolist() == [
        [pd.Timestamp("2024-11-11"), 3], [pd.Timestamp("2024-11-12"), 2], [pd.Timestamp("2024-11-14"), 1]]
    # Monday's mean: (2400 + 1200 + 2700) / 3 = 2100 s.
    assert by_day.loc[0, "mean"] == pytest.approx(2100)
    by_channel = rt.summarize("reply_time", "channel", source=inbox, filters=LATER)
    assert by_channel[["channel", "count"]].values.tolist() == [["sms", 1], ["whatsapp", 5]]
    replies = rt.reply_times(inbox, LATER)
    # Every clock started in the week of Monday 11-11 and in November.
    assert rt.summarize(replies, ["week"])[["week", "count"]].values.tolist() == [[pd.Timestamp("2024-11-11"), 6]]
    assert rt.summarize(replies, ["month"])[["month", "count"]].values.tolist() == [[pd.Timestamp("2024-11-01"), 6]]
    # Team of the replying agent: a1 (blue) replied in k1, k2, k3 cycle 1 and k6; a2 (green) in k3 cycle 2 and k5.
    by_team = rt.summarize(replies, ["team"])
    assert by_team[["team", "count"]].values.tolist() == [["blue", 4], ["green", 2]]
    # Green: (2700 + 3000) / 2 = 2850 s.
    assert by_team.loc[1, "mean"] == pytest.approx(2850)
    with pytest.raises(ValidationError, match="cannot break down by 'colour'"):
        rt.summarize("reply_time", ["colour"], source=inbox, filters=LATER)
    with pytest.raises(ValidationError, match="unknown metric"):
        rt.summarize("speed", source=inbox)
    mixed = pd.concat([rt.reply_times(inbox, LATER), rt.first_response_times(inbox, LATER)])
    with pytest.raises(ValidationError, match="one metric at a time"):
        rt.summarize(mixed)


def test_filters_by_channel_category_and_period(inbox: Store) -> None:
    sms = rt.reply_times(inbox, Filters(as_of=LATER.as_of, channels=("sms",)))
    assert sms["conversation_id"].tolist() == ["k2"]
    billing = rt.first_response_times(inbox, Filters(as_of=LATER.as_of, categories=("billing",)))
    assert billing[["conversation_id", "cycle"]].values.tolist() == [["k3", 1]]
    tuesday = rt.reply_times(inbox, Filters(start="2024-11-12", end="2024-11-12", as_of=LATER.as_of))
    assert sorted(tuesday["conversation_id"]) == ["k5", "k6"]


def test_time_in_status_with_business_seconds(inbox: Store) -> None:
    got = rows(rt.time_in_status(inbox, LATER), "k3")
    # Cycle 1: new 09:00-09:20 (1200 s), in_progress 09:20-09:30 (600 s), resolved 09:30-14:00 (16200 s);
    # cycle 2: new 14:00-14:45 (2700 s), in_progress from 14:45, still current (open, NULL).
    assert got[["cycle", "status", "seconds"]].fillna(-1).values.tolist() == [
        [1, "new", 1200.0], [1, "in_progress", 600.0], [1, "resolved", 16200.0],
        [2, "new", 2700.0], [2, "in_progress", -1.0]]
    assert got["business_seconds"].fillna(-1).tolist() == [1200, 600, 16200, 2700, -1]
    assert got["open"].tolist() == [False, False, False, False, True]
    k2 = rows(rt.time_in_status(inbox, LATER), "k2")
    # k2 new from Thu 17:30 to Mon 09:30: business 3600 s out of 316800 s.
    assert k2.loc[0, ["status", "seconds", "business_seconds"]].tolist() == ["new", 316800.0, 3600.0]
    assert rt.summarize(rows(rt.time_in_status(inbox, LATER), "k3"), ["status"])[["status", "count", "open"]] \
        .values.tolist() == [["in_progress", 1, 1], ["new", 2, 0], ["resolved", 1, 0]]


def test_outliers_come_with_their_ledger_rows(inbox: Store) -> None:
    slow = rt.outliers(inbox, "reply_time", LATER, n=2)
    # The slowest replies: k2 (316800 s), then k5 (3000 s); each with its own ledger row.
    assert slow[["rank", "conversation_id", "seconds"]].values.tolist() == [[1, "k2", 316800.0], [2, "k5", 3000.0]]
    assert slow[["ledger_from_message_id", "ledger_to_message_id"]].values.tolist() == [
        ["k2-in", "k2-out"], ["k5-in", "k5-out"]]
    resolution = rt.outliers(inbox, "resolution_time", LATER, n=1)
    # k2's resolution (317100 s) holds the one interaction of its cycle.
    assert resolution[["conversation_id", "ledger_direction", "ledger_to_message_id"]].values.tolist() == [
        ["k2", "agent_reply", "k2-out"]]


def test_export_response_times_by_agent(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    s = Scenario()
    s.contact("c1")
    s.agent("a1")
    s.conversation("k1", "c1")
    s.inbound("k1", "2024-11-11 10:00")
    s.outbound("k1", "2024-11-11 10:30", agent="a1")   # first response and reply: 1800 s
    s.resolve("k1", "2024-11-11 11:00", by="a1")         # resolution: 3600 s
    db = tmp_path / "store.duckdb"
    store = Store(db, Settings(db_path=db))
    with store.write() as con:
        for table, frame in s.frames().items():
            con.register("_frame", frame)
            con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _frame")
            con.unregister("_frame")
        derived.refresh(con)  # a writer of canonical rows keeps every derived table fresh
    out = tmp_path / "rt.csv"
    assert cli.main(["export", "response-times", "--db", str(db), "--by", "agent", "--out", str(out)]) == 0
    table = pd.read_csv(out)
    assert table[["metric", "agent_id", "count", "mean"]].values.tolist() == [
        ["first_response_time", "a1", 1, 1800.0], ["reply_time", "a1", 1, 1800.0],
        ["resolution_time", "a1", 1, 3600.0]]
    assert table.loc[2, "within_3600s"] == 1 and pd.isna(table.loc[2, "within_300s"])
    assert cli.main(["export", "response-times", "--db", str(db), "--by", "colour", "--out", str(out)]) == 2
    assert "cannot break down by 'colour'" in capsys.readouterr().err
    assert EXPORTS["response-times"] is rt.export_response_times
