"""Twilio message-log adapter: directions, channels, company numbers, gap-split conversations."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from pipeone_analytics.config import Settings
from pipeone_analytics.errors import ImportFailed
from pipeone_analytics.ingest import twilio

LOG = Path(__file__).parent / "adapter_fixtures" / "twilio_log.csv"


def read(path: Path = LOG, **options: object) -> dict[str, pd.DataFrame]:
    """The adapter's tables, its skipped lines split from the messages into "skipped"."""
    tables = twilio.read(path, dict(options), Settings())
    m = tables.pop("messages")
    return tables | {"messages": m[m["_bad"].isna()], "skipped": m[m["_bad"].notna()]}


def utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


def test_directions_channels_and_sender_types() -> None:
    m = read()["messages"].set_index("message_id")
    assert m.index.tolist() == ["SM001", "SM002", "SM003", "SM004", "SM005", "SM006"]
    assert m["direction"].tolist() == ["inbound", "outbound", "inbound", "outbound", "inbound", "outbound"]
    # outbound-reply is TwiML answering the webhook: an automation, not an agent.
    assert m["sender_type"].tolist() == ["contact", "agent", "contact", "automation", "contact", "agent"]
    assert m["channel"].tolist() == ["sms"] * 4 + ["whatsapp"] * 2
    assert m["contact_id"].tolist() == ["+5511988887777"] * 4 + ["+5511977776666"] * 2


def test_times_in_utc_from_iso_and_rfc2822() -> None:
    m = read()["messages"].set_index("message_id")["sent_at"]
    assert m["SM001"] == utc("2024-03-01 12:00:00")
    assert m["SM004"] == utc("2024-03-07 12:00:05")  # "Thu, 07 Mar 2024 12:00:05 +0000"
    assert m["SM005"] == utc("2024-03-02 18:00:00")  # 15:00 at -03:00
    assert m.min() == utc("2024-03-01 12:00:00") and m.max() == utc("2024-03-07 12:00:05")


def test_conversations_split_after_the_inactivity_gap() -> None:
    tables = read()
    conv = tables["messages"].set_index("message_id")["conversation_id"]
    # SM002 (1 Mar 12:10) -> SM003 (7 Mar 12:00:01) is 5 d 23 h 50 min > 5 days: a new conversation.
    assert conv.to_dict() == {"SM001": "SM001", "SM002": "SM001", "SM003": "SM003", "SM004": "SM003",
                              "SM005": "SM005", "SM006": "SM005"}
    c = tables["conversations"].set_index("conversation_id")
    assert c.loc["SM003", "contact_id"] == "+5511988887777"
    assert c.loc["SM003", "created_at"] == utc("2024-03-07 12:00:01")
    wide = read(gap_days=7)["messages"].set_index("message_id")["conversation_id"]
    assert wide[["SM001", "SM002", "SM003", "SM004"]].tolist() == ["SM001"] * 4


def test_bad_rows_are_rejected_with_their_line() -> None:
    r = read()["skipped"]
    assert r["_line"].tolist() == [8, 9]
    assert r["_bad"].tolist() == ["Direction 'sideways' is neither inbound nor outbound-*",
                                    "SentDate 'ontem' is not a date"]


def test_company_numbers_decide_the_side() -> None:
    # With the company number given, the "sideways" row 8 is read as inbound (From is the contact).
    tables = read(company_number=["+55 11 99999-0000"])
    m = tables["messages"].set_index("message_id")
    assert "SM007" in m.index and m.loc["SM007", "direction"] == "inbound"
    assert m.loc[["SM001", "SM002", "SM005", "SM006"], "direction"].tolist() == ["inbound", "outbound"] * 2
    assert tables["skipped"]["_line"].tolist() == [9]
    with pytest.raises(ImportFailed, match="no usable message row"):
        read(company_number=["+5521900000000"])


def test_direction_that_contradicts_the_company_number_is_rejected(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text(LOG.read_text(encoding="utf-8").splitlines()[0] + "\n"
                   "+5511999990000,+5511988887777,oops,sent,2024-03-01T12:00:00Z,x,1,0,AC,SM9,inbound,0,USD\n"
                   "+5511988887777,+5511999990000,ok,received,2024-03-01T12:01:00Z,x,1,0,AC,SM10,inbound,0,USD\n",
                   encoding="utf-8")
    tables = read(log, company_number=["+5511999990000"])
    assert tables["messages"]["message_id"].tolist() == ["SM10"]
    assert tables["skipped"]["_bad"].tolist() == ["Direction 'inbound' disagrees with the company number"]


def test_naive_sent_dates_stay_local_strings(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("From,To,Body,Status,SentDate,Sid,Direction\n"
                   "+5511988887777,+5511999990000,oi,received,2024-03-01 09:00:00,SM1,inbound\n", encoding="utf-8")
    assert read(log)["messages"]["sent_at"].tolist() == ["2024-03-01 09:00:00"]


def test_not_a_twilio_log(tmp_path: Path) -> None:
    other = tmp_path / "x.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="not a Twilio message log: no column From, To, Body, SentDate, Sid"):
        read(other)


def test_line_numbers_count_the_lines_of_multi_line_bodies(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("From,To,Body,SentDate,Sid,Direction\n"
                   '+5511988887777,+5511999990000,"linha 1\nlinha 2",2024-03-01T12:00:00Z,SM1,inbound\n'
                   "+5511988887777,+5511999990000,oi,ontem,SM2,inbound\n", encoding="utf-8")
    tables = read(log)
    assert tables["messages"]["body"].tolist() == ["linha 1\nlinha 2"]
    assert tables["messages"]["_line"].tolist() == [2]
    assert tables["skipped"]["_line"].tolist() == [4]  # header 1, first record on lines 2-3


def test_header_letter_case_does_not_matter(tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    log.write_text("from,to,body,sentdate,sid,direction\n"
                   "+5511988887777,+5511999990000,oi,2024-03-01T12:00:00Z,SM1,inbound\n", encoding="utf-8")
    assert read(log)["messages"]["message_id"].tolist() == ["SM1"]
