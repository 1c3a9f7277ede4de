"""WhatsApp chat export adapter: line formats, date orders, system lines, attachments, directions."""
from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from realdata import realdata
from pipeone_analytics.config import Settings
from pipeone_analytics.errors import ImportFailed
from pipeone_analytics.ingest import whatsapp

FIXTURES = Path(__file__).parent / "adapter_fixtures"
CHAT_MINER = ("test_[mmddyy]_24hrs.txt", "test_ddmmyy_24hrs.txt", "test_mmddyy_24hrs.txt",
              "test_mmddyyyy_12hrs.txt", "test_yyyymmdd_24hrs.txt")


def read(path: Path, **options: object) -> dict[str, pd.DataFrame]:
    """The adapter's tables, its skipped lines split from the messages into "skipped"."""
    tables = whatsapp.read(path, dict(options), Settings())
    m = tables.pop("messages")
    return tables | {"messages": m[m["_bad"].isna()], "skipped": m[m["_bad"].notna()]}


def authored(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Messages with the author's name (contacts and agents joined back)."""
    names = pd.concat([tables["contacts"].set_index("contact_id")["name"],
                       tables["agents"].set_index("agent_id")["name"]])
    m = tables["messages"]
    return m.assign(author=m["agent_id"].fillna(m["contact_id"]).map(names))


@pytest.mark.parametrize("name", CHAT_MINER)
def test_chat_miner_fixtures_match_their_target(name: str) -> None:
    folder = realdata("whatsapp_chat_miner")
    target = json.loads((folder / "target.json").read_text(encoding="utf-8"))
    tables = read(folder / name)
    got = authored(tables)
    # chat-miner joins continuation lines with a space; we keep the newline in the body.
    parsed = sorted((t.replace(" ", "T"), a, b.replace("\n", " "))
                    for t, a, b in zip(got["sent_at"], got["author"], got["body"]))
    assert parsed == sorted((x["timestamp"], x["author"], x["message"]) for x in target)
    # Skipped: line 2 "John Doe:." (no "Name: " separator), line 6 "created group", line 7 "You were added".
    assert tables["skipped"]["_line"].tolist() == [2, 6, 7]
    assert set(tables["skipped"]["_bad"]) == {"system line"}


def test_egregora_ptbr_android_export() -> None:
    tables = read(realdata("whatsapp_ptbr_android.txt"), agent_name=["Eurico Max"])
    m = tables["messages"]
    # 25 lines: 7 system lines (1-5, 16, 25), 6 continuation lines (19-24) of the auto-reply, 12 messages.
    assert len(m) == 12
    assert tables["skipped"]["_line"].tolist() == [1, 2, 3, 4, 5, 16, 25]
    assert (m["direction"] == "outbound").sum() == 1 and (m["direction"] == "inbound").sum() == 11
    reply = m[m["direction"] == "outbound"].iloc[0]
    assert reply["_line"] == 18 and reply["sender_type"] == "agent"
    assert reply["body"].count("\n") == 6 and reply["body"].endswith("Sábado- 10h às 18:00h.")
    assert m["sent_at"].iloc[0] == "2025-10-28 14:09:00" and m["sent_at"].iloc[-1] == "2025-10-28 14:15:00"
    assert m["body"].iloc[:2].tolist() == ["", ""]  # two empty messages are still messages
    names = [json.loads(a)[0]["name"] for a in m["attachments"].dropna()]
    assert names == ["IMG-20251028-WA0035.jpg", "IMG-20251027-WA0023.jpg", "IMG-20251028-WA0033.jpg",
                     "IMG-20251028-WA0034.jpg"]
    mention = m[m["_line"] == 17]["body"].iloc[0]
    assert mention == "@Eurico Max teste de menção"  # U+2068 / U+2069 removed
    assert not any(ch in "".join(m["body"]) for ch in "\u200e\u2068\u2069")
    assert tables["conversations"]["conversation_id"].nunique() == 1
    assert tables["agents"]["name"].tolist() == ["Eurico Max"]
    assert tables["contacts"]["name"].tolist() == ["Franklin"]


def test_android_ptbr_24h() -> None:
    tables = read(FIXTURES / "android_ptbr_24h.txt", agent_name=["Loja Exemplo"])
    m = tables["messages"]
    assert m["_line"].tolist() == [2, 6, 7, 9, 10]
    assert m["direction"].tolist() == ["inbound", "inbound", "outbound", "outbound", "inbound"]
    assert m["sender_type"].tolist() == ["contact", "contact", "agent", "agent", "contact"]
    assert m["body"].iloc[0] == "Oi, bom dia\nmeu pedido não chegou\n\né o pedido 123"
    assert m["body"].iloc[3] == "Olá Maria Souza, vamos verificar"
    assert json.loads(m["attachments"].iloc[1]) == [{"name": "IMG-20240302-WA0001.jpg"}]
    assert json.loads(m["attachments"].iloc[2]) == [{"name": None, "omitted": True}]
    assert m["attachments"].iloc[[0, 3, 4]].isna().all()
    assert m["sent_at"].tolist() == ["2024-03-02 09:00:00", "2024-03-02 09:01:00", "2024-03-02 09:02:00",
                                     "2024-03-02 09:04:00", "2024-03-13 18:30:00"]
    assert (m["channel"] == "whatsapp").all()
    assert tables["skipped"]["_line"].tolist() == [1, 8]
    # 09:04 on 2 March -> 18:30 on 13 March is 11 days > the 5-day gap: two conversations.
    assert m["conversation_id"].iloc[:4].nunique() == 1 and m["conversation_id"].iloc[4] != m["conversation_id"].iloc[0]
    assert read(FIXTURES / "android_ptbr_24h.txt", agent_name=["Loja Exemplo"], gap_days=12)[
        "messages"]["conversation_id"].nunique() == 1
    assert tables["conversations"]["created_at"].tolist() == ["2024-03-02 09:00:00", "2024-03-13 18:30:00"]
    contact = tables["contacts"]["contact_id"].iloc[0]
    assert (m["contact_id"] == contact).all() and (tables["conversations"]["contact_id"] == contact).all()


def test_android_en_12h_with_comma_and_two_digit_year() -> None:
    tables = read(FIXTURES / "android_en_12h.txt", agent_name=["acme support"])  # names match case-insensitively
    m = tables["messages"]
    assert m["sent_at"].tolist() == ["2024-01-15 09:05:00", "2024-01-15 12:30:00", "2024-01-15 12:31:00",
                                     "2024-01-16 00:01:00"]
    assert m["direction"].tolist() == ["inbound", "outbound", "outbound", "inbound"]
    assert json.loads(m["attachments"].iloc[2]) == [{"name": None, "omitted": True}]
    assert tables["skipped"]["_line"].tolist() == [1, 6]


def test_ios_brackets_seconds_and_narrow_no_break_space() -> None:
    tables = read(FIXTURES / "ios_12h.txt", agent_name=["Acme Support"])
    m = tables["messages"]
    assert m["sent_at"].tolist() == ["2024-06-20 09:15:30", "2024-06-20 09:16:00", "2024-06-20 13:45:10",
                                     "2024-06-20 13:46:00", "2024-06-21 12:00:00"]
    assert m["direction"].tolist() == ["inbound", "inbound", "outbound", "outbound", "inbound"]
    assert m["body"].iloc[0] == "Hello, my order\nis late"
    assert json.loads(m["attachments"].iloc[1]) == [{"name": "00000003-PHOTO-2024-06-20-09-16-00.jpg"}]
    assert json.loads(m["attachments"].iloc[2]) == [{"name": None, "omitted": True}]
    # iOS writes the encryption notice as "Chat name: \u200e...": a system line, not a message.
    assert tables["skipped"]["_line"].tolist() == [1]


def test_date_order_decided_by_a_field_over_12_anywhere_in_the_file() -> None:
    m = read(FIXTURES / "ambiguous_then_dmy.txt", agent_name=["Atendente"])["messages"]
    assert m["sent_at"].tolist() == ["2024-02-05 10:00:00", "2024-02-06 10:00:00", "2024-02-13 10:00:00"]


def test_date_order_decided_by_chronology_when_no_field_exceeds_12() -> None:
    # dmy would read 1 Feb, 2 Feb, 3 Jan (backwards); mdy reads 2 Jan, 2 Feb, 1 Mar.
    m = read(FIXTURES / "ambiguous_by_chronology.txt", agent_name=["Agent"])["messages"]
    assert m["sent_at"].tolist() == ["2024-01-02 10:00:00", "2024-02-02 10:00:00", "2024-03-01 10:00:00"]


def test_undecidable_date_order_asks_for_the_option() -> None:
    with pytest.raises(ImportFailed, match="pass --date-order dmy or mdy") as err:
        read(FIXTURES / "undecidable.txt")
    assert "\n" not in str(err.value)
    assert read(FIXTURES / "undecidable.txt", date_order="dmy")["messages"]["sent_at"].iloc[0] == "2024-02-01 10:00:00"
    assert read(FIXTURES / "undecidable.txt", date_order="mdy")["messages"]["sent_at"].iloc[0] == "2024-01-02 10:00:00"


def test_a_date_order_that_does_not_fit_is_a_one_line_error() -> None:
    with pytest.raises(ImportFailed, match=r"line 3: '13/02/2024' is not a mdy date"):
        read(FIXTURES / "ambiguous_then_dmy.txt", date_order="mdy")


def test_agent_name_that_matches_nobody_is_an_error() -> None:
    with pytest.raises(ImportFailed, match="no participant is named Loja Errada"):
        read(FIXTURES / "android_ptbr_24h.txt", agent_name=["Loja Errada"])


def test_without_agent_names_everyone_is_a_contact() -> None:
    tables = read(FIXTURES / "android_ptbr_24h.txt")
    assert (tables["messages"]["direction"] == "inbound").all() and tables["agents"].empty
    assert sorted(tables["contacts"]["name"]) == ["Loja Exemplo", "Maria Souza"]


def test_zip_export_gives_the_same_rows_as_its_txt(tmp_path: Path) -> None:
    archive = tmp_path / "WhatsApp Chat - Maria.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.write(FIXTURES / "android_ptbr_24h.txt", "android_ptbr_24h.txt")
        zf.writestr("IMG-20240302-WA0001.jpg", b"\xff\xd8\xff")
    from_zip = read(archive, agent_name=["Loja Exemplo"])["messages"]
    from_txt = read(FIXTURES / "android_ptbr_24h.txt", agent_name=["Loja Exemplo"])["messages"]
    pd.testing.assert_frame_equal(from_zip.drop(columns="_file"), from_txt.drop(columns="_file"))


def test_ids_are_deterministic_and_distinct() -> None:
    first = read(FIXTURES / "android_ptbr_24h.txt", agent_name=["Loja Exemplo"])["messages"]
    again = read(FIXTURES / "android_ptbr_24h.txt", agent_name=["Loja Exemplo"])["messages"]
    assert first["message_id"].tolist() == again["message_id"].tolist()
    assert first["message_id"].is_unique


def test_phone_number_participants_are_keyed_by_e164(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text("14/05/2024 10:00 - +55 11 98765-4321: oi\n14/05/2024 10:01 - Loja: olá\n", encoding="utf-8")
    tables = read(chat, agent_name=["Loja"])
    assert tables["contacts"][["contact_id", "phone"]].values.tolist() == [["+5511987654321", "+55 11 98765-4321"]]


def test_dates_that_fit_no_single_order_are_an_error(tmp_path: Path) -> None:
    chat = tmp_path / "mixed.txt"
    chat.write_text("13/01/2024 10:00 - A: oi\n01/13/2024 10:00 - B: olá\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match="some dates have a first field over 12 and others a second"):
        read(chat)


# Reference formatters of the header variants, for the round-trip property below.
def _h12(t: dt.datetime) -> tuple[int, str]:
    return (t.hour % 12 or 12), ("AM" if t.hour < 12 else "PM")


VARIANTS = {
    "android dd/mm/yyyy 24h": ("dmy", lambda t: f"{t:%d/%m/%Y %H:%M} - "),
    "android m/d/yy, 12h": ("mdy", lambda t: f"{t.month}/{t.day}/{t:%y}, {_h12(t)[0]}:{t:%M} {_h12(t)[1]} - "),
    "android m/d/yy, 12h\u202fPM": (
        "mdy", lambda t: f"{t.month}/{t.day}/{t:%y}, {_h12(t)[0]}:{t:%M}\u202f{_h12(t)[1]} - "),
    "android dd.mm.yy, 24h": ("dmy", lambda t: f"{t:%d.%m.%y}, {t:%H:%M} - "),
    "android yyyy-mm-dd 24h": ("ymd", lambda t: f"{t:%Y-%m-%d %H:%M} - "),
    "ios [dd/mm/yy, h:mm:ss\u202fAM]": (
        "dmy", lambda t: f"[{t:%d/%m/%y}, {_h12(t)[0]}:{t:%M:%S}\u202f{_h12(t)[1]}] "),
}


# Bodies have no '.', '/' or '-', so no continuation line can look like a header.
@hsettings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(variant=st.sampled_from(sorted(VARIANTS)),
       messages=st.lists(st.tuples(
           st.sampled_from(["Maria Souza", "John-John Doe", "Zé 🤓", "+55 11 98765-4321"]),
           st.datetimes(min_value=dt.datetime(2001, 1, 1), max_value=dt.datetime(2030, 12, 31)),
           st.lists(st.text(st.sampled_from("abcXYZ áé0123456789,!?:()"), min_size=1, max_size=30)
                    .map(str.strip).filter(bool), min_size=1, max_size=3)), min_size=1, max_size=12))
def test_round_trip_of_every_header_variant(tmp_path: Path, variant: str, messages: list) -> None:
    order, header = VARIANTS[variant]
    seconds = variant.startswith("ios")
    rows = sorted((t.replace(second=t.second if seconds else 0, microsecond=0), a, "\n".join(b))
                  for a, t, b in messages)
    chat = tmp_path / "chat.txt"
    chat.write_text("".join(f"{header(t)}{a}: {b}\n" for t, a, b in rows), encoding="utf-8")
    got = authored(read(chat, date_order=order))
    assert list(zip(got["sent_at"], got["author"], got["body"])) == [
        (t.isoformat(sep=" "), a, b) for t, a, b in rows]


def test_a_single_agent_name_string_is_one_name() -> None:
    m = read(FIXTURES / "android_ptbr_24h.txt", agent_name="Loja Exemplo")["messages"]
    assert (m["direction"] == "outbound").sum() == 2


def test_two_ios_chats_named_chat_txt_do_not_share_ids(tmp_path: Path) -> None:
    ids = []
    for who in ("Ana", "Bia"):
        folder = tmp_path / who
        folder.mkdir()
        (folder / "_chat.txt").write_text(f"[20/06/24, 9:15:02] {who}: oi\n", encoding="utf-8")
        ids.append(read(folder / "_chat.txt")["messages"]["message_id"].iloc[0])
    assert ids[0] != ids[1]


def test_lines_before_the_first_header_are_skipped_with_a_reason(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text("Exported by a tool\n14/05/2024 10:00 - Ana: oi\n", encoding="utf-8")
    skipped = read(chat)["skipped"]
    assert skipped[["_line", "_bad", "_text"]].values.tolist() == [[1, "line before the first message",
                                                                    "Exported by a tool"]]
