"""Adapters through the normal import: counts, directions, UTC bounds, rejects, idempotency, ratings."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from realdata import realdata
from pipeone_analytics.core import response_times as rt
from pipeone_analytics.core.ratings import ratings
from pipeone_analytics.ingest import import_path
from pipeone_analytics.store import Store

FIXTURES = Path(__file__).parent / "adapter_fixtures"
TABLES = {"contacts": "contact_id", "agents": "agent_id", "conversations": "conversation_id",
          "messages": "message_id"}


def snapshot(store: Store) -> dict[str, pd.DataFrame]:
    return {t: store.df(f"SELECT * FROM {t} ORDER BY {key}") for t, key in TABLES.items()}


def import_twice(store: Store, path: Path, timezone: str | None = None, **options: object) -> int:
    """Import a file twice (format detected from content); check the second changes nothing; the first run id."""
    first = import_path(store, path, None, timezone, dict(options))
    before = snapshot(store)
    second = import_path(store, path, None, timezone, dict(options))
    assert second.total("inserted") == 0 and second.total("updated") == 0
    assert second.total("rejected") == first.total("rejected")
    after = snapshot(store)
    for table in TABLES:  # compared without printing values: real files hold PII (e-mail addresses)
        assert before[table].equals(after[table]), f"{table} changed on the second import"
    return first.run_id


def summary(store: Store) -> dict[str, object]:
    row = store.df("SELECT count(*) AS n, count(*) FILTER (WHERE direction = 'inbound') AS inbound, "
                   "count(*) FILTER (WHERE direction = 'outbound') AS outbound, "
                   "min(sent_at) AS first, max(sent_at) AS last FROM messages").iloc[0]
    return {"n": row["n"], "inbound": row["inbound"], "outbound": row["outbound"],
            "first": row["first"].tz_convert("UTC"), "last": row["last"].tz_convert("UTC")}


def rejected_lines(store: Store, run_id: int) -> list[tuple[str, str, int]]:
    rows = store.df("SELECT table_name, file, line FROM import_rejects WHERE run_id = ? ORDER BY line", [run_id])
    return list(rows.itertuples(index=False, name=None))


def reasons(store: Store, run_id: int) -> dict[int, str]:
    """line -> reason of the rows rejected by one import run."""
    rows = store.df("SELECT line, reason FROM import_rejects WHERE run_id = ? ORDER BY line", [run_id])
    return dict(zip(rows["line"], rows["reason"]))


def stars(store: Store) -> dict[str, tuple[int, int, int, int]]:
    """contact name -> (stars, sent, received, interactions)."""
    r = ratings(store, as_of="2030-01-01")
    return {n: (s, a, b, i) for n, s, a, b, i in r[["name", "stars", "sent", "received", "interactions"]]
            .itertuples(index=False, name=None)}


def measured(store: Store) -> dict[str, list[float]]:
    """Seconds of the measured (not open) first responses, agent replies and contact replies; the
    resolution, time-in-status and summary functions must also run on the imported data."""
    out = {}
    for name, fn in (("first", rt.first_response_times), ("reply", rt.reply_times),
                     ("contact", rt.contact_reply_times)):
        frame = fn(store)
        out[name] = sorted(round(float(x), 3) for x in frame.loc[~frame["open"].astype(bool), "seconds"])
        by_channel = rt.summarize(frame, by="channel", settings=store.settings)
        assert by_channel["count"].sum() == len(out[name])
    rt.resolution_times(store)
    rt.time_in_status(store)
    return out


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_whatsapp_android_fixture(store: Store) -> None:
    run = import_twice(store, FIXTURES / "android_ptbr_24h.txt", agent_name=["Loja Exemplo"])
    # Account timezone America/Sao_Paulo is UTC-3 in March 2024: 09:00 -> 12:00Z, 18:30 -> 21:30Z.
    assert summary(store) == {"n": 5, "inbound": 3, "outbound": 2,
                              "first": utc("2024-03-02 12:00"), "last": utc("2024-03-13 21:30")}
    assert rejected_lines(store, run) == [("messages", "android_ptbr_24h.txt", 1),
                                          ("messages", "android_ptbr_24h.txt", 8)]
    assert reasons(store, run) == {1: "system line", 8: "system line"}
    raw = store.df("SELECT raw FROM import_rejects WHERE run_id = ? AND line = 8", [run])["raw"].iloc[0]
    assert raw == "02/03/2024 09:03 - Maria Souza saiu"  # the source line, its U+200E removed
    assert store.df("SELECT count(*) AS n FROM conversations")["n"].iloc[0] == 2
    # Conversation 1: in 09:00, in 09:01, out 09:02 -> one agent reply of 120 s; conversation 2: one
    # inbound message, no response. 1 interaction, within 30 min -> 5 stars; 2 sent, 3 received.
    assert stars(store) == {"Maria Souza": (5, 2, 3, 1)}
    assert measured(store) == {"first": [120.0], "reply": [120.0], "contact": []}


def test_whatsapp_ios_fixture_in_the_given_timezone(store: Store) -> None:
    run = import_twice(store, FIXTURES / "ios_12h.txt", timezone="Europe/Lisbon", agent_name=["Acme Support"])
    # Lisbon is UTC+1 in June: 09:15:30 -> 08:15:30Z; 21 June 12:00 -> 11:00Z.
    assert summary(store) == {"n": 5, "inbound": 3, "outbound": 2,
                              "first": utc("2024-06-20 08:15:30"), "last": utc("2024-06-21 11:00")}
    assert reasons(store, run) == {1: "system line"}
    # Ana 09:15:30 -> Acme 13:45:10 (4 h 29 min 40 s) -> Ana next day: 2 interactions, none within 2 h.
    # Same calendar day: only the first (20 June), so level 3.
    assert stars(store) == {"Ana Lima": (3, 2, 3, 2)}
    # 09:15:30 -> 13:45:10 is 16180 s; 13:45:10 -> 12:00:00 next day is 22 h 14 min 50 s = 80090 s.
    assert measured(store) == {"first": [16180.0], "reply": [16180.0], "contact": [80090.0]}


def test_whatsapp_real_ptbr_export(store: Store) -> None:
    run = import_twice(store, realdata("whatsapp_ptbr_android.txt"), agent_name=["Eurico Max"])
    assert summary(store) == {"n": 12, "inbound": 11, "outbound": 1,
                              "first": utc("2025-10-28 17:09"), "last": utc("2025-10-28 17:15")}
    assert reasons(store, run) == dict.fromkeys([1, 2, 3, 4, 5, 16, 25], "system line")
    # Franklin's line 17 and the auto-reply on line 18 share 14:15; ids keep file order, so the reply
    # answers the turn opened at 14:09: one agent reply of 360 s, and no contact reply after it.
    assert stars(store) == {"Franklin": (5, 1, 11, 1)}
    assert measured(store) == {"first": [360.0], "reply": [360.0], "contact": []}


def test_twilio_fixture(store: Store) -> None:
    run = import_twice(store, FIXTURES / "twilio_log.csv")
    assert summary(store) == {"n": 6, "inbound": 3, "outbound": 3,
                              "first": utc("2024-03-01 12:00"), "last": utc("2024-03-07 12:00:05")}
    assert rejected_lines(store, run) == [("messages", "twilio_log.csv", 8), ("messages", "twilio_log.csv", 9)]
    assert reasons(store, run) == {8: "Direction 'sideways' is neither inbound nor outbound-*",
                                   9: "SentDate 'ontem' is not a date"}
    channels = store.df("SELECT channel, count(*) AS n FROM messages GROUP BY channel ORDER BY channel")
    assert channels.values.tolist() == [["sms", 4], ["whatsapp", 2]]
    # +5511988887777: SM001 -> SM002 in 600 s; SM003 is answered only by an automation (not counted).
    # +5511977776666: 15:00 -> 15:30, exactly 1800 s, within 30 min (inclusive). Both valid phones.
    r = ratings(store, as_of="2030-01-01").set_index("contact_id")
    assert r.loc["+5511988887777", ["stars", "sent", "received", "interactions"]].tolist() == [5, 2, 2, 1]
    assert r.loc["+5511977776666", ["stars", "sent", "received", "interactions"]].tolist() == [5, 1, 1, 1]
    assert r["phone_valid"].tolist() == [True, True]
    # Conversation SM003 has only an automation answer: its first response and reply stay open.
    assert measured(store) == {"first": [600.0, 1800.0], "reply": [600.0, 1800.0], "contact": []}


def test_twcs_fixture(store: Store) -> None:
    run = import_twice(store, FIXTURES / "twcs.csv")
    assert summary(store) == {"n": 7, "inbound": 4, "outbound": 3,
                              "first": utc("2017-10-31 22:10:47"), "last": utc("2017-11-01 09:00")}
    assert reasons(store, run) == {9: "reply tree has no inbound (customer) tweet",
                                   10: "created_at is not a date with an offset"}
    # 115712: replies after 194 s and 359 s. 200: agent reply 08:00 -> 08:30 and contact reply
    # 08:30 -> 09:00, both exactly 1800 s. Every interaction within 30 min: 5 stars.
    assert stars(store) == {"115712": (5, 1, 2, 2), "200": (5, 2, 2, 2)}
    assert store.df("SELECT agent_id FROM agents ORDER BY 1")["agent_id"].tolist() == ["@AppleSupport", "@sprintcare"]
    # 22:10:47 -> 22:14:01 = 194 s, then 22:14:01 -> 22:20:00 = 359 s; 08:00 -> 08:30 -> 09:00.
    assert measured(store) == {"first": [194.0, 1800.0], "reply": [194.0, 1800.0], "contact": [359.0, 1800.0]}


def test_twitter_care_fixture(store: Store) -> None:
    run = import_twice(store, FIXTURES / "twitter_care.json")
    assert summary(store) == {"n": 6, "inbound": 3, "outbound": 3,
                              "first": utc("2020-04-01 17:00"), "last": utc("2020-04-02 09:30:00.250")}
    assert reasons(store, run) == {66: "tweet already in dialog S1", 75: "tweet already in dialog S1"}
    # alice: 17:00 -> 18:00, 3600 s. bob: 08:00 -> 08:20 (1200 s) and carol 09:00 -> answer 09:30:00.25
    # (1800.25 s, credited to bob, the conversation's contact): half within 30 min, all within 2 h.
    # carol: her 09:00 reply to the 08:20 agent turn, 2400 s. All three: 4 stars.
    assert stars(store) == {"alice": (4, 1, 1, 1), "bob": (4, 2, 1, 2), "carol": (4, 0, 1, 1)}
    assert measured(store) == {"first": [1200.0, 3600.0], "reply": [1200.0, 1800.25, 3600.0], "contact": [2400.0]}


def test_twitter_care_real_file(store: Store) -> None:
    run = import_twice(store, realdata("twitter_customer_care_dev.json"))
    # turns (client 606 + client1 19 + agent 61 keys, counted in the raw JSON) + 525 agentURL answers,
    # minus the 6 tweets of dialogs repeated under another sessionID.
    assert summary(store)["n"] == 606 + 19 + 61 + 525 - 6
    assert len(rejected_lines(store, run)) == 6
    r = ratings(store, as_of="2030-01-01")
    assert len(r) == store.df("SELECT count(*) AS n FROM contacts")["n"].iloc[0]
    assert r["stars"].between(2, 5).all()  # every contact wrote at least once
    assert len(measured(store)["reply"]) > 0


def test_chat_miner_fixture_import(store: Store) -> None:
    run = import_twice(store, realdata("whatsapp_chat_miner") / "test_mmddyyyy_12hrs.txt", agent_name=["John Doe"])
    s = summary(store)
    # 6 authored lines, John Doe's two outbound; 11:25 a. m. on 1 Jan 2019 in Sao Paulo (UTC-2, summer
    # time) is 13:25Z; 10:01 p. m. on 30 Dec 2021 (UTC-3) is 01:01Z on the 31st.
    assert s == {"n": 6, "inbound": 4, "outbound": 2, "first": utc("2019-01-01 13:25"), "last": utc("2021-12-31 01:01")}
    assert reasons(store, run) == dict.fromkeys([2, 6, 7], "system line")


def test_cli_import_detects_the_format_and_passes_the_options(settings, capsys: pytest.CaptureFixture[str]) -> None:
    from pipeone_analytics.cli import main

    db = str(settings.db_path)
    assert main(["import", str(FIXTURES / "android_ptbr_24h.txt"), "--db", db, "--agent-name", "Loja Exemplo",
                 "--gap-days", "12"]) == 0
    store = Store(settings.db_path, settings)
    # --gap-days 12 keeps 2 March and 13 March (11 days apart) in one conversation.
    assert store.df("SELECT count(*) AS n FROM conversations")["n"].iloc[0] == 1
    assert store.df("SELECT count(*) AS n FROM messages WHERE direction = 'outbound'")["n"].iloc[0] == 2
    capsys.readouterr()
    assert main(["import", str(FIXTURES / "undecidable.txt"), "--db", db]) == 2
    err = capsys.readouterr().err
    assert err.startswith("pipeone: error: cannot tell the date order of undecidable.txt") and err.count("\n") == 1
    assert main(["import", str(FIXTURES / "undecidable.txt"), "--db", db, "--date-order", "mdy",
                 "--agent-name", "Agent"]) == 0
    first = store.df("SELECT min(sent_at) AS t FROM messages WHERE body = 'hi'")["t"].iloc[0]
    assert first == utc("2024-01-02 13:00")  # 10:00 in Sao Paulo (UTC-3), read as month/day
