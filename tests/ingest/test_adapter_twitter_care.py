"""IBM twitter-customer-care JSON adapter: dialogs, roles, agentURL answers timed by their tweet id."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd

from realdata import realdata
from pipeone_analytics.config import Settings
from pipeone_analytics.ingest import twitter_care

JSON = Path(__file__).parent / "adapter_fixtures" / "twitter_care.json"


def read(path: Path = JSON) -> dict[str, pd.DataFrame]:
    """The adapter's tables, its skipped lines split from the messages into "skipped"."""
    tables = twitter_care.read(path, {}, Settings())
    m = tables.pop("messages")
    return tables | {"messages": m[m["_bad"].isna()], "skipped": m[m["_bad"].notna()]}


def test_snowflake_time_matches_the_dialog_header() -> None:
    # The first dev dialog starts 2020-04-01T17:31:32Z and lasts 01:26:55, so it ends 18:58:27;
    # its agentURL tweet 1245425308704149506 carries that time plus 135 ms.
    assert twitter_care.snowflake_time("1245425308704149506") == dt.datetime(
        2020, 4, 1, 18, 58, 27, 135000, tzinfo=dt.timezone.utc)


def test_fixture_dialogs() -> None:
    tables = read()
    m = tables["messages"].set_index("message_id")
    # Fixture answers were built as (ms - 1288834974657) << 22 for 18:00:00.000 and 09:30:00.250.
    assert m.loc["1245410598712246272", "sent_at"] == pd.Timestamp("2020-04-01 18:00:00", tz="UTC")
    assert m.loc["1245644641924022272", "sent_at"] == pd.Timestamp("2020-04-02 09:30:00.250", tz="UTC")
    assert m["conversation_id"].value_counts().to_dict() == {"S2": 4, "S1": 2}
    s2 = m[m["conversation_id"] == "S2"].sort_values("sent_at")
    assert s2["direction"].tolist() == ["inbound", "outbound", "inbound", "outbound"]
    assert s2["contact_id"].tolist() == ["@bob", "@bob", "@carol", "@bob"]  # client1 carol writes as herself
    assert s2["agent_id"].tolist()[1::2] == ["@AcmeCare", "@AcmeCare"]
    assert (m["channel"] == "other").all()
    c = tables["conversations"].set_index("conversation_id")
    assert c.loc["S2", "contact_id"] == "@bob"
    assert c.loc["S2", "created_at"] == pd.Timestamp("2020-04-02 08:00", tz="UTC")
    assert tables["contacts"][["contact_id", "name"]].values.tolist() == [
        ["@alice", "alice"], ["@bob", "bob"], ["@carol", "carol"]]
    assert tables["agents"][["agent_id", "name"]].values.tolist() == [["@AcmeCare", "AcmeCare"]]


def test_a_repeated_dialog_is_rejected_with_the_lines_of_its_tweets() -> None:
    tables = read()
    r = tables["skipped"]
    # Dialog S1again (the third) repeats S1's two tweets: its agentURL id is on line 66, its turn on line 75.
    assert sorted(r["_line"]) == [66, 75] and set(r["_bad"]) == {"tweet already in dialog S1"}
    assert "S1again" not in set(tables["conversations"]["conversation_id"])


def test_real_dev_and_test_files() -> None:
    for name, dialogs, turns, repeated in (("twitter_customer_care_dev.json", 525, 686, 6),
                                           ("twitter_customer_care_test.json", 500, 639, 1)):
        tables = read(realdata(name))
        m = tables["messages"]
        # turns (client + client1 + agent keys) plus one agentURL answer per dialog, minus repeated tweets
        assert len(m) == turns + dialogs - repeated
        assert len(tables["skipped"]) == repeated and m["message_id"].is_unique
        assert m["_line"].notna().all() and m["sent_at"].notna().all()
        assert (m.groupby("conversation_id")["direction"].last() == "outbound").mean() > 0.9


def test_bad_turns_and_dialogs_without_a_client_are_rejected(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text("""[
 {"agentURL": {"tweet_ID": "not-a-number", "url_utterance": "x"},
  "dialogContent": [
   {"client": "dan", "datetime": "2020-04-01T10:00:00Z", "message": "hi", "tweet_ID": "1245300000000000001"},
   {"client": "dan", "datetime": "yesterday", "message": "?", "tweet_ID": "1245300000000000002"}],
  "dialogHeader": {"company": "AcmeCare", "sessionID": "S9"}},
 {"agentURL": {"tweet_ID": "1245410598712246272", "url_utterance": "only the company speaks"},
  "dialogContent": [],
  "dialogHeader": {"company": "AcmeCare", "sessionID": "S10"}}
]
""", encoding="utf-8")
    tables = read(bad)
    assert tables["messages"]["message_id"].tolist() == ["1245300000000000001"]
    assert dict(zip(tables["skipped"]["_line"], tables["skipped"]["_bad"])) == {
        2: "tweet_ID is not a number", 5: "datetime is not an ISO-8601 time with a zone",
        7: "dialog has no client turn"}
