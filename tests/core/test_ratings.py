"""Star rating 0-5 (DESIGN 4.4) on hand-built scenarios; every expected value is worked out in a comment.

Times are wall-clock in America/Sao_Paulo (UTC-3 all year since 2019) unless they carry an offset.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeone_analytics import cli, derived
from pipeone_analytics.config import Settings
from pipeone_analytics.core import ratings as R
from pipeone_analytics.store import CANONICAL_TABLES, Store
from tests.scenario import Scenario

PHONE = "+55 11 91234-5678"  # a valid Brazilian mobile
AS_OF = "2026-12-31"


def rate(scn: Scenario, as_of: str | None = AS_OF, locale: str = "en", **kw) -> pd.DataFrame:
    return R.ratings(scn.store(), as_of=as_of, locale=locale, **kw).set_index("contact_id")


def one(scn: Scenario, contact: str = "c", **kw) -> pd.Series:
    return rate(scn, **kw).loc[contact]


def contact_with(phone: str | None = PHONE) -> Scenario:
    scn = Scenario()
    scn.contact("c", phone)
    scn.conversation("v", "c")
    return scn


# --- each level ------------------------------------------------------------------------------

def test_level_0_no_message_at_all():
    scn = contact_with()
    row = one(scn)
    assert (row.stars, row.sent, row.received, row.interactions) == (0, 0, 0, 0)
    assert row.label == "New contact"
    assert row.reason == "No message sent or received"
    assert pd.isna(row.share_within_30m) and pd.isna(row.share_within_2h)


def test_level_1_sent_but_nothing_received_counts_automation_as_sent():
    scn = contact_with()
    scn.outbound("v", "2026-11-02 10:00")
    scn.automation("v", "2026-11-02 10:05")
    scn.note("v", "2026-11-02 10:06")  # a note is neither sent nor received
    row = one(scn)
    # sent = 1 agent + 1 automation = 2; received = 0 -> 1 star
    assert (row.stars, row.sent, row.received, row.interactions) == (1, 2, 0, 0)
    assert row.reason == "2 messages sent, none received"
    assert one(scn, locale="pt_BR").reason == "2 mensagens enviadas, nenhuma recebida"


def test_level_2_received_without_interaction():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 10:00")
    row = one(scn)
    assert (row.stars, row.sent, row.received, row.interactions) == (2, 0, 1, 0)
    assert row.label == "Validated contact"
    assert row.reason == "1 message received, no interaction yet"


def test_level_2_with_one_overnight_slow_interaction():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 22:00")
    scn.outbound("v", "2026-11-03 09:00")
    row = one(scn)
    # 22:00 -> 09:00 next day = 11 h: not same day, not <= 2 h -> 2 stars
    assert (row.stars, row.interactions, row.same_day_interactions, row.within_2h) == (2, 1, 0, 0)
    assert row.reason == "The only interaction ran into the next day and took more than 2 h"


def test_level_3_same_day_but_slow():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 09:00")
    scn.outbound("v", "2026-11-02 12:00")
    row = one(scn)
    # 3 h on one day: same_day 1, within 2 h 0 of 1 -> 3 stars
    assert (row.stars, row.same_day_interactions, row.within_2h, row.within_30m) == (3, 1, 0, 0)
    assert row.label == "Low engagement"


def test_level_4_within_two_hours():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 10:00")
    scn.outbound("v", "2026-11-02 11:00")
    row = one(scn)
    # 3600 s: <= 7200 but > 1800 -> 4 stars
    assert (row.stars, row.within_2h, row.within_30m) == (4, 1, 0)
    assert row.share_within_2h == 1.0 and row.share_within_30m == 0.0
    assert row.reason == "The only interaction took 2 h or less"


def test_level_5_within_thirty_minutes():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 10:00")
    scn.outbound("v", "2026-11-02 10:10")
    row = one(scn)
    assert (row.stars, row.within_30m) == (5, 1)
    assert row.label == "High engagement"
    assert one(scn, locale="pt_BR").label == "Alto envolvimento"


# --- boundaries ------------------------------------------------------------------------------

def _replies(scn: Scenario, minutes: list[float]) -> None:
    """One conversation per value: an inbound at 10:00 on its own day and the agent reply `minutes` later."""
    for i, m in enumerate(minutes):
        conv = scn.conversation(f"v{i}", "c")
        day = pd.Timestamp("2022-01-01") + pd.Timedelta(days=i)
        scn.inbound(conv, str(day + pd.Timedelta(hours=10)))
        scn.outbound(conv, str(day + pd.Timedelta(hours=10, minutes=m)))


def test_exactly_ninety_percent_holds():
    scn = Scenario()
    scn.contact("c", PHONE)
    _replies(scn, [10] * 9 + [180])
    row = one(scn)
    # 9 of 10 within 30 min: 10*9 = 90 >= 9*10 = 90 -> 5 stars
    assert (row.interactions, row.within_30m, row.within_2h) == (10, 9, 9)
    assert row.stars == 5
    assert row.share_within_30m == pytest.approx(0.9)
    assert row.reason == "90% of 10 interactions took 30 min or less"
    assert one(scn, locale="pt_BR").reason == "90% de 10 interações levaram até 30 min"


def test_eighty_nine_point_nine_percent_fails():
    scn = Scenario()
    scn.contact("c", PHONE)
    _replies(scn, [10] * 899 + [60] * 101)
    row = one(scn)
    # 899 of 1000 within 30 min: 10*899 = 8990 < 9*1000 = 9000 -> not 5;
    # all 1000 within 2 h -> 4 stars
    assert (row.interactions, row.within_30m, row.within_2h) == (1000, 899, 1000)
    assert row.stars == 4
    assert row.reason == "100% of 1,000 interactions took 2 h or less"
    assert one(scn, locale="pt_BR").reason == "100% de 1.000 interações levaram até 2 h"


def test_share_shown_rounded_down_so_a_failing_share_never_reads_ninety():
    scn = Scenario()
    scn.contact("c", PHONE)
    _replies(scn, [60] * 899 + [180] * 101)
    row = one(scn)
    # 899 of 1000 within 2 h fails 4 stars; all same day -> 3; 89.9% is shown as 89%, not 90%
    assert row.stars == 3
    assert row.reason == "1,000 of 1,000 interactions stayed within one day, but only 89% took 2 h or less"


@pytest.mark.parametrize("seconds, stars", [(1800, 5), (1801, 4), (7200, 4), (7201, 3)])
def test_thresholds_are_inclusive(seconds: int, stars: int):
    scn = contact_with()
    scn.inbound("v", "2026-11-02 10:00:00")
    scn.outbound("v", str(pd.Timestamp("2026-11-02 10:00:00") + pd.Timedelta(seconds=seconds)))
    # 1800 s is within 30 min; 7200 s within 2 h; one second more is not (all on one day -> at least 3)
    assert one(scn).stars == stars


def test_sub_second_over_the_threshold_is_not_within():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 10:00:00")
    scn.outbound("v", "2026-11-02 10:30:00.000001")
    # 1800.000001 s > 1800 s -> 4 stars, not 5
    assert one(scn).stars == 4


def test_midnight_in_sao_paulo_is_not_same_day_though_same_utc_day():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 23:50")   # 02:50 UTC on Nov 3
    scn.outbound("v", "2026-11-03 00:10")  # 03:10 UTC on Nov 3
    local = one(scn)
    utc = R.ratings(Store.from_frames(scn.frames(), Settings(timezone="UTC")), as_of=AS_OF).set_index("contact_id")
    # Nov 2 -> Nov 3 locally: not same day; Nov 3 -> Nov 3 in UTC: same day
    assert (local.interactions, local.same_day_interactions) == (1, 0)
    assert utc.loc["c", "same_day_interactions"] == 1
    # 20 min is within 30 min, so both are 5 stars; the next test makes the day decide the stars
    assert local.stars == 5


def test_same_day_is_decided_in_the_account_timezone_both_ways():
    # A: one interaction 23:50 -> 00:10 local (same UTC day 02:50Z -> 03:10Z), followed by a slow one
    a = Scenario()
    a.contact("a", PHONE)
    a.conversation("va", "a")
    a.inbound("va", "2026-11-02 23:50")
    a.outbound("va", "2026-11-03 00:10")
    a.conversation("va2", "a")
    a.inbound("va2", "2026-11-05 20:00")   # 23:00Z Nov 5
    a.outbound("va2", "2026-11-06 09:00")  # 12:00Z Nov 6: 13 h, no day in common anywhere
    # B: one interaction 20:00 -> 22:30 local (same local day; 23:00Z Nov 2 -> 01:30Z Nov 3)
    a.contact("b", PHONE)
    a.conversation("vb", "b")
    a.inbound("vb", "2026-11-02 20:00")
    a.outbound("vb", "2026-11-02 22:30")
    local = R.ratings(a.store(), as_of=AS_OF).set_index("contact_id")
    utc = R.ratings(Store.from_frames(a.frames(), Settings(timezone="UTC")), as_of=AS_OF).set_index("contact_id")
    # a: 20 min + 13 h -> 1 of 2 within 2 h (50%): stars 3 iff some interaction is same-day.
    assert local.loc["a", "same_day_interactions"] == 0 and local.loc["a", "stars"] == 2
    assert utc.loc["a", "same_day_interactions"] == 1 and utc.loc["a", "stars"] == 3
    # b: 2 h 30 min -> not within 2 h: stars 3 iff same-day.
    assert local.loc["b", "same_day_interactions"] == 1 and local.loc["b", "stars"] == 3
    assert utc.loc["b", "same_day_interactions"] == 0 and utc.loc["b", "stars"] == 2


# --- what counts -----------------------------------------------------------------------------

def test_reply_to_automation_only_is_not_an_interaction():
    scn = contact_with()
    scn.automation("v", "2026-11-02 10:00")
    scn.inbound("v", "2026-11-02 10:05")
    row = one(scn)
    # sent 1 (automation), received 1, but automation is outside the ledger: 0 interactions -> 2 stars
    assert (row.sent, row.received, row.interactions, row.stars) == (1, 1, 0, 2)


def test_notes_neither_break_nor_make_turns():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 10:00")
    scn.note("v", "2026-11-02 10:05")     # outbound-direction note inside the contact's turn
    scn.inbound("v", "2026-11-02 10:20")
    scn.outbound("v", "2026-11-02 10:45")
    row = one(scn)
    # One contact turn 10:00-10:20, the reply at 10:45 measured from 10:00 = 45 min -> 4 stars.
    # (A note making a turn would add a 5-min reply; a note breaking the turn would measure 25 min.)
    assert (row.interactions, row.within_30m, row.within_2h, row.stars) == (1, 0, 1, 4)
    assert (row.sent, row.received) == (1, 2)


def test_invalid_phone_with_lots_of_engagement_is_zero():
    scn = Scenario()
    scn.contact("c", "123")
    _replies(scn, [5] * 20)
    row = one(scn)
    assert not pd.isna(row.phone_valid) and not row.phone_valid
    assert (row.interactions, row.within_30m, row.stars) == (20, 20, 0)
    assert row.reason == "The phone number 123 is invalid, which forces 0 stars"


def test_missing_phone_is_not_zero():
    scn = Scenario()
    scn.contact("c", None)
    _replies(scn, [5] * 3)
    row = one(scn)
    assert pd.isna(row.phone_valid)
    assert row.stars == 5


def test_as_of_between_two_messages():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 10:00")
    scn.outbound("v", "2026-11-02 11:00")
    store = scn.store()

    def stars(as_of: str) -> int:
        return int(R.ratings(store, as_of=as_of).set_index("contact_id").loc["c", "stars"])

    # before the reply: received 1, no interaction -> 2; at the reply itself (inclusive) and after -> 4
    assert stars("2026-11-02 10:30") == 2
    assert stars("2026-11-02 11:00") == 4
    assert stars("2026-11-02 09:59") == 0
    # a date means the end of that local day
    assert stars("2026-11-02") == 4
    assert stars("2026-11-01") == 0


def test_multi_message_turn_is_measured_from_its_first_message():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 10:00")
    scn.inbound("v", "2026-11-02 10:25")
    scn.outbound("v", "2026-11-02 10:40")
    row = one(scn)
    # 10:00 -> 10:40 = 40 min (from the last one it would be 15 min) -> 4 stars
    assert (row.interactions, row.within_30m, row.stars) == (1, 0, 4)


def test_both_directions_count():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 10:00")
    scn.outbound("v", "2026-11-02 10:10")  # agent reply: 10 min
    scn.inbound("v", "2026-11-02 15:00")   # contact reply: 4 h 50 min
    row = one(scn)
    # 2 interactions; within 30 min 1, within 2 h 1 (50%) -> same day -> 3 (agent replies alone: 5)
    assert (row.interactions, row.within_30m, row.within_2h, row.same_day_interactions) == (2, 1, 1, 2)
    assert row.stars == 3
    assert row.reason == "2 of 2 interactions stayed within one day, but only 50% took 2 h or less"


def test_reopened_conversation_does_not_matter():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 10:00")
    scn.outbound("v", "2026-11-02 10:05")
    scn.resolve("v", "2026-11-02 10:10")
    scn.inbound("v", "2026-11-03 09:00")   # reopens: a new cycle for status, nothing for ratings
    scn.outbound("v", "2026-11-03 09:10")
    row = one(scn)
    # interactions: 5 min, 22 h 55 min (contact reply across the reopen), 10 min
    # -> within 30 min 2 of 3, within 2 h 2 of 3 (66%) -> same day 2 -> 3 stars
    assert (row.interactions, row.within_30m, row.same_day_interactions, row.stars) == (3, 2, 2, 3)


def test_all_conversations_of_a_contact_count_together():
    scn = Scenario()
    scn.contact("c", PHONE)
    _replies(scn, [10, 10, 200])
    row = one(scn)
    # 3 conversations, 2 of 3 within 30 min (66%), 2 of 3 within 2 h -> same day -> 3
    assert (row.interactions, row.stars) == (3, 3)


def test_every_contact_once_including_those_only_in_messages():
    scn = Scenario()
    scn.contact("a", PHONE)
    scn.contact("b", None)
    scn.conversation("v", "ghost")
    scn.inbound("v", "2026-11-02 10:00")
    out = rate(scn)
    assert sorted(out.index) == ["a", "b", "ghost"]
    assert out.loc["ghost", "stars"] == 2 and pd.isna(out.loc["ghost", "name"])
    assert list(rate(scn, contacts=["b", "ghost"]).index) == ["b", "ghost"]


def test_contact_created_after_as_of_is_not_rated_yet():
    scn = Scenario()
    scn.add("contacts", contact_id="late", phone=None, name="late",
            created_at=pd.Timestamp("2026-11-10 12:00", tz="America/Sao_Paulo"))
    assert list(rate(scn, as_of="2026-11-09").index) == []
    assert list(rate(scn, as_of="2026-11-10").index) == ["late"]


def test_main_channel_is_most_used_then_latest():
    scn = contact_with()
    scn.inbound("v", "2026-11-02 10:00", channel="sms")
    scn.outbound("v", "2026-11-02 10:05", channel="sms")
    scn.inbound("v", "2026-11-02 11:00", channel="whatsapp")
    scn.outbound("v", "2026-11-02 11:05", channel="whatsapp")
    scn.note("v", "2026-11-02 12:00", channel="email")
    scn.note("v", "2026-11-02 12:01", channel="email")
    scn.note("v", "2026-11-02 12:02", channel="email")
    # sms 2, whatsapp 2 (notes do not count): tie -> the channel with the latest message, whatsapp
    assert one(scn).channel == "whatsapp"
    scn.inbound("v", "2026-11-02 09:00", channel="sms")
    assert one(scn).channel == "sms"  # now sms 3 > whatsapp 2


# --- history, transitions, channels, meanings, export ----------------------------------------

def _downgrading() -> Scenario:
    scn = Scenario()
    scn.contact("down", PHONE)
    scn.conversation("v1", "down")
    scn.inbound("v1", "2026-10-10 10:00")
    scn.outbound("v1", "2026-10-10 10:10")      # October: 1 of 1 within 30 min -> 5
    scn.conversation("v2", "down")
    scn.inbound("v2", "2026-11-10 10:00")
    scn.outbound("v2", "2026-11-10 13:00")      # November: 1 of 2 within 30 min/2 h, same day -> 3
    scn.contact("up", PHONE)
    scn.conversation("v3", "up")
    scn.outbound("v3", "2026-09-20 10:00")      # September: sent only -> 1
    scn.inbound("v3", "2026-11-01 00:00")       # November: contact reply after 41 days -> 2
    scn.add("contacts", contact_id="new", phone=None, name="new",
            created_at=pd.Timestamp("2026-10-15", tz="America/Sao_Paulo"))
    return scn


def test_rating_history_by_month():
    hist = R.rating_history(_downgrading().store(), "2026-09-01", "2026-11-30")
    got = {(str(r.as_of.date()), r.contact_id): r.stars for r in hist.itertuples()}
    assert got == {
        ("2026-09-30", "down"): 0, ("2026-09-30", "up"): 1,
        ("2026-10-31", "down"): 5, ("2026-10-31", "up"): 1, ("2026-10-31", "new"): 0,
        ("2026-11-30", "down"): 3, ("2026-11-30", "up"): 2, ("2026-11-30", "new"): 0,
    }
    as_of = hist["as_of"].iloc[0]
    assert (as_of.hour, as_of.minute, as_of.second, as_of.microsecond) == (23, 59, 59, 999999)


def test_rating_history_equals_ratings_at_each_date():
    scn = _downgrading()
    store = scn.store()
    hist = R.rating_history(store, "2026-09-01", "2026-11-20", freq="week")
    ends = sorted(hist["as_of"].unique())
    # weeks end on Sundays; the period's last day (a Friday) closes the last, partial week
    assert str(ends[0].date()) == "2026-09-06" and str(ends[-1].date()) == "2026-11-20"
    for end in ends:
        now = R.ratings(store, as_of=end).set_index("contact_id")["stars"]
        then = hist[hist["as_of"] == end].set_index("contact_id")["stars"]
        assert then.sort_index().to_dict() == now.sort_index().to_dict(), end


def test_transitions_and_who_went_down():
    store = _downgrading().store()
    matrix = R.transitions(store, "2026-10-31", "2026-11-30")
    assert len(matrix) == 36 and matrix["contacts"].sum() == 3
    cells = {(r.from_stars, r.to_stars): r.contacts for r in matrix.itertuples() if r.contacts}
    assert cells == {(5, 3): 1, (1, 2): 1, (0, 0): 1}
    changes = R.rating_changes(store, "2026-10-31", "2026-11-30")
    assert changes[changes["change"] < 0]["contact_id"].tolist() == ["down"]
    # "new" did not exist on Sep 30 and counts as 0 then
    early = R.rating_changes(store, "2026-09-30", "2026-10-31").set_index("contact_id")
    assert early.loc["new", "from_stars"] == 0 and early.loc["down", "change"] == 5


def test_stars_by_channel():
    scn = _downgrading()
    scn.conversation("v4", "new")
    scn.inbound("v4", "2026-11-05 10:00", channel="sms")
    out = R.stars_by_channel(scn.store(), as_of="2026-11-30")
    cells = {(r.channel, r.stars): (r.contacts, r.share) for r in out.itertuples() if r.contacts}
    # down (whatsapp, 3), up (whatsapp, 2), new (sms, 2)
    assert cells == {("whatsapp", 3): (1, 0.5), ("whatsapp", 2): (1, 0.5), ("sms", 2): (1, 1.0)}
    assert len(out) == 12


def test_meaning_table_in_both_languages():
    table = R.meaning_table("en")
    assert table["stars"].tolist() == [0, 1, 2, 3, 4, 5]
    assert table.loc[5, "name"] == "High engagement" and table.loc[5, "name_pt_BR"] == "Alto envolvimento"
    assert R.meaning_table("pt_BR").loc[1, "name"] == "Sem engajamento"
    assert "invalid" in table.loc[0, "condition"]


def _file_store(scn: Scenario, tmp_path: Path) -> Path:
    """The scenario written into a DuckDB file, as an import would leave it."""
    mem = scn.store()
    path = tmp_path / "s.duckdb"
    target = Store(path, Settings(db_path=path))
    with mem.read() as src, target.write() as dst:
        for table in CANONICAL_TABLES:
            frame = src.execute(f"SELECT * FROM {table}").df()
            dst.register("f", frame)
            dst.execute(f"INSERT INTO {table} SELECT * FROM f")
            dst.unregister("f")
        derived.refresh(dst)  # a writer of canonical rows keeps every derived table fresh
    return path


def test_export_ratings_cli(tmp_path: Path):
    db = _file_store(_downgrading(), tmp_path)
    out = tmp_path / "r.csv"
    assert cli.main(["export", "ratings", "--db", str(db), "--out", str(out), "--as-of", "2026-10-31"]) == 0
    frame = pd.read_csv(out).set_index("contact_id")
    assert frame["stars"].to_dict() == {"down": 5, "new": 0, "up": 1}
    assert {"label", "reason", "share_within_30m", "phone_valid", "interactions"} <= set(frame.columns)


def test_export_ratings_bad_as_of_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    db = _file_store(_downgrading(), tmp_path)
    assert cli.main(["export", "ratings", "--db", str(db), "--out", str(tmp_path / "r.csv"),
                     "--as-of", "2026-13-40"]) == 2
    assert capsys.readouterr().err.strip() == \
        "pipeone: error: as_of '2026-13-40' is not a date (YYYY-MM-DD) or a date and time"


def test_every_reason_in_both_languages():
    scn = Scenario()
    scn.contact("bad", "123")
    scn.contact("none", PHONE)
    for contact in ("sent1", "recv2", "two", "three1", "five1"):
        scn.contact(contact, PHONE)
        scn.conversation(f"v-{contact}", contact)
    scn.outbound("v-sent1", "2026-11-03 10:00")
    scn.inbound("v-recv2", "2026-11-03 10:00")
    scn.inbound("v-recv2", "2026-11-03 10:01")
    scn.inbound("v-two", "2026-11-03 22:00")
    scn.outbound("v-two", "2026-11-04 09:00")   # 11 h overnight
    scn.inbound("v-two", "2026-11-05 23:00")    # 38 h later, overnight again
    scn.inbound("v-three1", "2026-11-03 09:00")
    scn.outbound("v-three1", "2026-11-03 15:00")  # 6 h, same day
    scn.inbound("v-five1", "2026-11-03 09:00")
    scn.outbound("v-five1", "2026-11-03 09:30")   # exactly 30 min
    en = rate(scn, locale="en")["reason"].to_dict()
    pt = rate(scn, locale="pt_BR")["reason"].to_dict()
    assert en == {
        "bad": "The phone number 123 is invalid, which forces 0 stars",
        "none": "No message sent or received",
        "sent1": "1 message sent, none received",
        "recv2": "2 messages received, no interaction yet",
        "two": "None of 2 interactions stayed within one day and only 0% took 2 h or less",
        "three1": "The only interaction stayed within one day, but took more than 2 h",
        "five1": "The only interaction took 30 min or less",
    }
    assert pt == {
        "bad": "O telefone 123 é inválido, o que zera a classificação",
        "none": "Nenhuma mensagem enviada ou recebida",
        "sent1": "1 mensagem enviada, nenhuma recebida",
        "recv2": "2 mensagens recebidas, ainda sem nenhuma interação",
        "two": "Nenhuma das 2 interações ficou no mesmo dia e só 0% levaram até 2 h",
        "three1": "A única interação ficou no mesmo dia, mas levou mais de 2 h",
        "five1": "A única interação levou até 30 min",
    }
    labels = rate(scn, locale="pt_BR")["label"].to_dict()
    assert labels["two"] == "Contato validado" and labels["three1"] == "Baixo envolvimento"
