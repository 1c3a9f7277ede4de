"""TWCS (Customer Support on Twitter) adapter: reply trees, directions, float ids, the date format."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeone_analytics.config import Settings
from pipeone_analytics.ingest import twcs

CSV = Path(__file__).parent / "adapter_fixtures" / "twcs.csv"


def read() -> dict[str, pd.DataFrame]:
    """The adapter's tables, its skipped lines split from the messages into "skipped"."""
    tables = twcs.read(CSV, {}, Settings())
    m = tables.pop("messages")
    return tables | {"messages": m[m["_bad"].isna()], "skipped": m[m["_bad"].notna()]}


def test_reply_trees_become_conversations_rooted_at_the_first_tweet() -> None:
    tables = read()
    m = tables["messages"].set_index("message_id")
    # Tree 1: 1 <- 2 <- 3 (ids written 1.0 and 2.0). Tree 2: 10 -> "11,12", 12 -> 13 (in_response_to 12.0).
    assert m["conversation_id"].to_dict() == {
        "twcs-1": "twcs-1", "twcs-2": "twcs-1", "twcs-3": "twcs-1", "twcs-10": "twcs-10", "twcs-11": "twcs-10",
        "twcs-12": "twcs-10", "twcs-13": "twcs-10"}
    c = tables["conversations"].set_index("conversation_id")["contact_id"]
    assert c.to_dict() == {"twcs-1": "twcs-115712", "twcs-10": "twcs-200"}


def test_directions_agents_and_contacts() -> None:
    tables = read()
    m = tables["messages"].set_index(tables["messages"]["message_id"].str.removeprefix("twcs-"))
    assert m["direction"].to_dict() == {"1": "inbound", "2": "outbound", "3": "inbound", "10": "inbound",
                                        "11": "outbound", "12": "outbound", "13": "inbound"}
    assert m.loc["2", "agent_id"] == "@sprintcare" and m.loc["2", "contact_id"] == "twcs-115712"
    assert m.loc[["1", "3", "10", "13"], "agent_id"].isna().all()
    assert (m["channel"] == "other").all()
    assert tables["agents"][["agent_id", "name"]].values.tolist() == [["@sprintcare", "sprintcare"],
                                                                      ["@AppleSupport", "AppleSupport"]]
    assert tables["contacts"][["contact_id", "name"]].values.tolist() == [["twcs-115712", "115712"],
                                                                          ["twcs-200", "200"]]


def test_created_at_format_read_in_utc() -> None:
    m = read()["messages"]
    assert m["sent_at"].min() == pd.Timestamp("2017-10-31 22:10:47", tz="UTC")  # "Tue Oct 31 22:10:47 +0000 2017"
    assert m["sent_at"].max() == pd.Timestamp("2017-11-01 09:00:00", tz="UTC")


def test_rejects_point_at_their_lines() -> None:
    r = read()["skipped"].set_index("_line")["_bad"]
    # Line 9: tweet 20 answers tweet 19, which is not in the file: no customer tweet in its tree.
    assert r.to_dict() == {10: "created_at is not a date with an offset",
                           9: "reply tree has no inbound (customer) tweet"}


def test_tweet_ids_tolerate_floats() -> None:
    ids = twcs.tweet_ids(pd.Series(["3.0", " 12 ", "7.", "1e5", ""]))
    assert ids.fillna("-").tolist() == ["3", "12", "7", "-", "-"]
