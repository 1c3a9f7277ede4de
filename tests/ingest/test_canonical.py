"""Import of canonical exports: every table, aliases, vocabularies, timezones, formats, idempotence."""
from __future__ import annotations

import hashlib
import json
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from canonical_fixtures import FULL, MESSAGES, rejects, snapshot, write
from pipeone_analytics.errors import ImportFailed
from pipeone_analytics.ingest import ImportResult, import_path, import_tables
from pipeone_analytics.store import Store


def utc(store: Store, sql: str) -> list:
    """A one-column query's values as UTC ISO strings."""
    frame = store.df(sql)
    return [ts.tz_convert("UTC").strftime("%Y-%m-%d %H:%M") for ts in frame.iloc[:, 0]]


def assert_balanced(result: ImportResult) -> None:
    """read = inserted + updated + unchanged + rejected, for every table."""
    for table, c in result.counts.items():
        assert c["read"] == c["inserted"] + c["updated"] + c["unchanged"] + c["rejected"], table


def test_full_export_every_table(store: Store, tmp_path: Path) -> None:
    result = import_path(store, write(tmp_path / "export", FULL))
    assert_balanced(result)
    assert {t: c["inserted"] for t, c in result.counts.items()} == {
        "categories": 1, "templates": 1, "agents": 2, "contacts": 3, "conversations": 2, "messages": 4,
        "events": 1, "tickets": 1}
    assert result.total("rejected") == 0
    msgs = store.df("SELECT message_id, channel, direction, sender_type, body, attachments::VARCHAR AS att "
                    "FROM messages ORDER BY message_id")
    # sender_type defaults: inbound -> contact, outbound -> agent; the explicit note stays a note.
    assert msgs["sender_type"].tolist() == ["contact", "agent", "note", "contact"]
    assert msgs["body"][3] == "line one\nline two"  # a quoted multi-line CSV field
    assert json.loads(msgs["att"][3]) == [{"name": "a.pdf"}]
    agents = store.df("SELECT agent_id, role, active FROM agents ORDER BY agent_id")
    assert agents["role"].tolist() == ["agent", "manager"]  # empty role -> default agent
    assert store.df("SELECT active FROM categories")["active"].tolist() == [True]
    assert store.df("SELECT channel FROM templates")["channel"].tolist() == ["whatsapp"]
    run = store.df("SELECT run_id, rows_read, inserted, rejected, files::VARCHAR AS files, "
                   "counts::VARCHAR AS counts FROM import_runs")
    assert run[["run_id", "rows_read", "inserted", "rejected"]].values.tolist() == [[1, 15, 15, 0]]
    files = {f["file"]: f for f in json.loads(run["files"][0])}
    content = (tmp_path / "export" / "messages.csv").read_bytes()
    assert files["messages.csv"]["sha256"] == hashlib.sha256(content).hexdigest()
    assert files["messages.csv"]["bytes"] == len(content)
    assert json.loads(run["counts"][0])["messages"] == {"read": 4, "inserted": 4, "updated": 0, "unchanged": 0,
                                                       "rejected": 0}
    assert "messages" in result.summary() and "inserted" in result.summary()


def test_contacts_phones_and_attributes(store: Store, tmp_path: Path) -> None:
    import_path(store, write(tmp_path / "export", FULL))
    rows = store.df("SELECT contact_id, phone, phone_e164, phone_valid, attributes::VARCHAR AS attrs "
                    "FROM contacts ORDER BY contact_id")
    assert rows["phone"].tolist()[:2] == ["(11) 98765-4321", "12345"]  # stored as given
    assert rows["phone_e164"][0] == "+5511987654321"  # BR region: (11) 98765-4321 is a valid mobile
    assert pd.isna(rows["phone_e164"][1])
    assert rows["phone_valid"].tolist()[:2] == [True, False]
    assert pd.isna(rows["phone_valid"][2])  # no phone: not invalid, just missing
    assert [json.loads(a) if isinstance(a, str) else None for a in rows["attrs"]] == [
        {"plan": "gold"}, None, {"plan": "silver"}]


def test_aliases_and_vocabularies(store: Store, tmp_path: Path) -> None:
    text = (
        "ID,Conversation,Channel,From_Me,Timestamp,Text\n"
        "x1,c1,WhatsApp,false,2024-03-10 10:00,a\n"
        "x2,c1,web chat,true,2024-03-10 10:01,b\n"
        "x3,c1,live_chat,0,2024-03-10 10:02,c\n"
        "x4,c1,e-mail,1,2024-03-10 10:03,d\n"
        "x5,c1,fb messenger,no,2024-03-10 10:04,e\n"
        "x6,c1,SMS,yes,2024-03-10 10:05,f\n"
        "x7,c1,Instagram DM,FALSE,2024-03-10 10:06,g\n"
    )
    result = import_path(store, write(tmp_path / "export", {"messages.csv": text}))
    assert result.counts["messages"]["inserted"] == 7
    rows = store.df("SELECT message_id, channel, direction, sender_type, body FROM messages ORDER BY message_id")
    assert rows["channel"].tolist() == ["whatsapp", "webchat", "webchat", "email", "messenger", "sms", "instagram"]
    assert rows["direction"].tolist() == ["inbound", "outbound", "inbound", "outbound", "inbound", "outbound",
                                          "inbound"]
    assert rows["sender_type"].tolist() == ["contact", "agent", "contact", "agent", "contact", "agent", "contact"]
    assert rows["body"].tolist() == list("abcdefg")


def test_direction_spellings(store: Store, tmp_path: Path) -> None:
    lines = [f"d{i},c1,sms,{d},2024-03-10 10:0{i}" for i, d in enumerate(
        ["in", "Inbound", "INCOMING", "received", "out", "outbound", "Outgoing", "sent"])]
    text = "message_id,conversation_id,channel,direction,sent_at\n" + "\n".join(lines) + "\n"
    import_path(store, write(tmp_path / "export", {"messages.csv": text}))
    assert store.df("SELECT direction FROM messages ORDER BY message_id")["direction"].tolist() == \
        ["inbound"] * 4 + ["outbound"] * 4


def test_exact_name_wins_over_alias(store: Store, tmp_path: Path) -> None:
    # Both "id" and "message_id" are present: the canonical name is used, "id" is ignored with a warning.
    text = "id,message_id,conversation_id,channel,direction,sent_at\nZ,m1,c1,sms,in,2024-03-10 10:00\n"
    result = import_path(store, write(tmp_path / "export", {"messages.csv": text}))
    assert store.df("SELECT message_id FROM messages")["message_id"].tolist() == ["m1"]
    assert result.warnings == ["messages.csv: ignored column(s) id"]


def test_naive_times_read_in_export_timezone(store: Store, tmp_path: Path) -> None:
    text = ("message_id,conversation_id,channel,direction,sent_at\n"
            "n1,c1,sms,in,2024-03-10 23:30\n"          # naive: Sao Paulo is UTC-3 -> 2024-03-11 02:30 UTC
            "n2,c1,sms,in,2024-03-10T23:30:00+01:00\n"  # offset given: 22:30 UTC whatever the timezone
            "n3,c1,sms,in,2024-03-10 23:30:00Z\n")      # UTC given
    import_path(store, write(tmp_path / "sp", {"messages.csv": text}))
    assert utc(store, "SELECT sent_at FROM messages ORDER BY message_id") == [
        "2024-03-11 02:30", "2024-03-10 22:30", "2024-03-10 23:30"]


def test_timezone_argument_overrides_settings(store: Store, tmp_path: Path) -> None:
    text = "message_id,conversation_id,channel,direction,sent_at\nn1,c1,sms,in,2024-07-01 12:00\n"
    result = import_path(store, write(tmp_path / "ny", {"messages.csv": text}), timezone="America/New_York")
    assert result.timezone == "America/New_York"
    assert utc(store, "SELECT sent_at FROM messages") == ["2024-07-01 16:00"]  # EDT is UTC-4 in July


def test_unknown_timezone_is_fatal(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed, match="unknown timezone 'Mars/Base'"):
        import_path(store, write(tmp_path / "e", {"messages.csv": MESSAGES}), timezone="Mars/Base")


def test_csv_with_bom(store: Store, tmp_path: Path) -> None:
    text = "message_id,conversation_id,channel,direction,sent_at\nb1,c1,sms,in,2024-03-10 10:00\n"
    import_path(store, write(tmp_path / "export", {"messages.csv": b"\xef\xbb\xbf" + text.encode()}))
    assert store.df("SELECT message_id FROM messages")["message_id"].tolist() == ["b1"]


def _table(store: Store, table: str) -> pd.DataFrame:
    return store.df(f"SELECT * FROM {table} ORDER BY 1").astype(str)


def test_ndjson_and_parquet_match_csv(settings, tmp_path: Path) -> None:
    from pipeone_analytics.config import Settings

    csv_store = Store(tmp_path / "csv.duckdb", Settings(db_path=tmp_path / "csv.duckdb"))
    import_path(csv_store, write(tmp_path / "csv", FULL))
    expected = {t: _table(csv_store, t) for t in ("messages", "contacts")}

    raw = {t: pd.read_csv(tmp_path / "csv" / f"{t}.csv", dtype=str, keep_default_na=False)
           for t in ("messages", "contacts")}
    json_dir = tmp_path / "json"
    json_dir.mkdir()
    for t, frame in raw.items():
        records = [{k: v for k, v in row.items() if v != ""} for row in frame.to_dict("records")]
        (json_dir / f"{t}.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    json_store = Store(tmp_path / "json.duckdb", Settings(db_path=tmp_path / "json.duckdb"))
    result = import_path(json_store, json_dir)
    assert result.counts["messages"]["inserted"] == 4
    for t in expected:
        pd.testing.assert_frame_equal(_table(json_store, t), expected[t])

    pq_dir = tmp_path / "parquet"
    pq_dir.mkdir()
    for t, frame in raw.items():
        frame.replace("", None).to_parquet(pq_dir / f"{t}.parquet")
    pq_store = Store(tmp_path / "pq.duckdb", Settings(db_path=tmp_path / "pq.duckdb"))
    import_path(pq_store, pq_dir)
    for t in expected:
        pd.testing.assert_frame_equal(_table(pq_store, t), expected[t])


def test_parquet_with_typed_timestamps(store: Store, tmp_path: Path) -> None:
    frame = pd.DataFrame({
        "message_id": ["p1", "p2"], "conversation_id": ["c1", "c1"], "channel": ["sms", "sms"],
        "direction": ["inbound", "outbound"],
        "sent_at": pd.to_datetime(["2024-03-10 23:30", "2024-03-11 00:00"]).tz_localize("UTC")})
    (tmp_path / "pq").mkdir()
    frame.to_parquet(tmp_path / "pq" / "messages.parquet")
    import_path(store, tmp_path / "pq")
    assert utc(store, "SELECT sent_at FROM messages ORDER BY 1") == ["2024-03-10 23:30", "2024-03-11 00:00"]


def test_zip_export(store: Store, tmp_path: Path) -> None:
    archive = tmp_path / "export.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for name, text in FULL.items():
            zf.writestr(f"export-2024/{name}", text)
    result = import_path(store, archive)
    assert result.counts["messages"]["inserted"] == 4
    assert rejects(store) == []
    files = json.loads(store.df("SELECT files::VARCHAR AS f FROM import_runs")["f"][0])
    assert "export-2024/messages.csv" in {f["file"] for f in files}


def test_reimport_changes_nothing(store: Store, tmp_path: Path) -> None:
    export = write(tmp_path / "export", FULL)
    first = import_path(store, export)
    before = snapshot(store)
    second = import_path(store, export)
    after = snapshot(store)
    for table in before:
        if table != "import_runs":
            pd.testing.assert_frame_equal(after[table], before[table], obj=table)
    assert len(after["import_runs"]) == 2
    assert_balanced(second)
    for table, counts in second.counts.items():
        assert counts == {"read": first.counts[table]["read"], "inserted": 0, "updated": 0,
                          "unchanged": first.counts[table]["read"], "rejected": 0}, table


def test_changed_rows_are_updated_and_missing_columns_kept(store: Store, tmp_path: Path) -> None:
    import_path(store, write(tmp_path / "v1", FULL))
    # v2: m2's body changed, m5 is new; the file has no attachments column, so m4's attachments stay.
    text = ("message_id,conversation_id,contact_id,channel,direction,sent_at,sender_type,agent_id,body\n"
            "m1,cv1,k1,whatsapp,inbound,2024-03-10 23:30,,,\"Oi, tudo bem?\"\n"
            "m2,cv1,k1,whatsapp,outbound,2024-03-10 23:40,,a1,Tudo certo!\n"
            "m5,cv1,k1,whatsapp,inbound,2024-03-10 23:50,,,Valeu\n")
    result = import_path(store, write(tmp_path / "v2", {"messages.csv": text}))
    assert result.counts["messages"] == {"read": 3, "inserted": 1, "updated": 1, "unchanged": 1, "rejected": 0}
    rows = store.df("SELECT message_id, body, attachments::VARCHAR AS att FROM messages ORDER BY message_id")
    assert rows["message_id"].tolist() == ["m1", "m2", "m3", "m4", "m5"]
    assert rows["body"][1] == "Tudo certo!"
    assert json.loads(rows["att"][3]) == [{"name": "a.pdf"}]


def test_message_contact_taken_from_conversation(store: Store, tmp_path: Path) -> None:
    text = "message_id,conversation_id,channel,direction,sent_at\nq1,cv1,sms,in,2024-03-10 10:00\n"
    files = {"messages.csv": text, "conversations.csv": "conversation_id,contact_id\ncv1,k9\n"}
    import_path(store, write(tmp_path / "export", files))
    assert store.df("SELECT contact_id FROM messages")["contact_id"].tolist() == ["k9"]


def test_import_tables_takes_frames_with_raw_values(store: Store) -> None:
    frames = {
        "messages": pd.DataFrame({
            "message_id": ["f1", "f2", "f3", "f4"],
            "conversation_id": ["c1"] * 4,
            "channel": ["WhatsApp", "whatsapp", "sms", "sms"],
            "direction": ["in", "outgoing", "inbound", "inbound"],
            "sent_at": ["2024-03-10 23:30", "2024-03-10T23:40:00-03:00", "not a date", "2024-03-11 00:00"],
            "_file": ["chat.txt"] * 4,
            "_line": [10, 11, 12, 13]}),
        "contacts": pd.DataFrame({"contact_id": ["k1"], "phone": ["whatsapp:+5511987654321"]}),
    }
    result = import_tables(store, frames, source="chat.txt", fmt="whatsapp")
    assert_balanced(result)
    assert result.counts["messages"] == {"read": 4, "inserted": 3, "updated": 0, "unchanged": 0, "rejected": 1}
    assert rejects(store) == [("messages", "chat.txt", 12, "sent_at",
                               'sent_at: cannot read "not a date" as a timestamp')]
    assert utc(store, "SELECT sent_at FROM messages ORDER BY message_id") == [
        "2024-03-11 02:30", "2024-03-11 02:40", "2024-03-11 03:00"]
    assert store.df("SELECT phone_e164 FROM contacts")["phone_e164"].tolist() == ["+5511987654321"]
    assert store.df("SELECT format FROM import_runs")["format"].tolist() == ["whatsapp"]


def test_import_tables_takes_tz_aware_datetimes(store: Store) -> None:
    sent = pd.to_datetime(["2024-03-10 23:30"]).tz_localize("Europe/Lisbon")  # UTC+0 in March
    frames = {"messages": pd.DataFrame({"message_id": ["z1"], "conversation_id": ["c1"], "channel": ["sms"],
                                        "direction": ["outbound"], "sent_at": sent})}
    import_tables(store, frames, source="frames", fmt="test")
    assert utc(store, "SELECT sent_at FROM messages") == ["2024-03-10 23:30"]


def test_unknown_format_is_one_line(store: Store, tmp_path: Path) -> None:
    with pytest.raises(ImportFailed) as err:
        import_path(store, write(tmp_path / "e", {"messages.csv": MESSAGES}), fmt="telex")
    assert str(err.value).startswith("unknown import format 'telex'; expected one of canonical")
    assert "\n" not in str(err.value)


def test_import_tables_rejects_rows_an_adapter_marked_bad(store: Store) -> None:
    frames = {"messages": pd.DataFrame({
        "message_id": ["w1", None], "conversation_id": ["c1", None], "channel": ["whatsapp", None],
        "direction": ["inbound", None], "sent_at": ["2024-03-10 10:00", None],
        "_file": ["chat.txt", "chat.txt"], "_line": [1, 2],
        "_bad": [None, "system message"], "_text": [None, "10/03/2024 10:01 - Messages are end-to-end encrypted"]})}
    result = import_tables(store, frames, source="chat.txt", fmt="whatsapp")
    assert result.counts["messages"] == {"read": 2, "inserted": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    assert rejects(store) == [("messages", "chat.txt", 2, None, "system message")]
    assert store.df("SELECT raw FROM import_rejects")["raw"][0] == \
        "10/03/2024 10:01 - Messages are end-to-end encrypted"


def test_json_array_file(store: Store, tmp_path: Path) -> None:
    rows = [{"message_id": "a1", "conversation_id": "c1", "channel": "sms", "direction": "in",
             "sent_at": "2024-03-10 10:00"},
            {"message_id": "a2", "conversation_id": "c1", "channel": "sms", "direction": "out"}]
    result = import_path(store, write(tmp_path / "e", {"messages.json": json.dumps(rows, indent=2)}))
    assert result.counts["messages"] == {"read": 2, "inserted": 1, "updated": 0, "unchanged": 0, "rejected": 1}
    # in a JSON array the "line" is the element's position
    assert rejects(store) == [("messages", "messages.json", 2, "sent_at", "missing sent_at")]


def test_semicolon_csv_with_crlf(store: Store, tmp_path: Path) -> None:
    data = b"message_id;conversation_id;channel;direction;sent_at;body\r\nm1;c1;sms;in;2024-03-10 10:00;\"a;b\"\r\n"
    import_path(store, write(tmp_path / "e", {"messages.csv": data}))
    assert store.df("SELECT body FROM messages")["body"].tolist() == ["a;b"]


def test_import_memory_is_a_share_of_the_setting() -> None:
    from pipeone_analytics.ingest.importer import import_memory_bytes

    # 0.8 x 2 GB = 1.6e9 bytes; 0.8 x 1 GiB = 0.8 x 1,073,741,824 = 858,993,459 bytes
    assert import_memory_bytes("2GB") == 1_600_000_000
    assert import_memory_bytes("1 GiB") == 858_993_459
    assert import_memory_bytes("80%") is None


def test_stage_in_the_store_file_gives_the_same_result(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Big tables are staged in the store file, not in memory: force that path and compare with the default.
    # A repeated message makes the messages table take the stage too (a clean single file would not).
    from pipeone_analytics.config import Settings
    from pipeone_analytics.ingest import importer

    export = write(tmp_path / "export", {**FULL, "messages.csv": MESSAGES + MESSAGES.splitlines(True)[1]})
    expected = Store(tmp_path / "a.duckdb", Settings(db_path=tmp_path / "a.duckdb"))
    import_path(expected, export)
    monkeypatch.setattr(importer, "STAGE_BYTES_PER_FILE_BYTE", 1e12)
    store = Store(tmp_path / "b.duckdb", Settings(db_path=tmp_path / "b.duckdb"))
    first = import_path(store, export)
    second = import_path(store, export)
    assert second.total("unchanged") == first.total("inserted") == 15
    assert second.total("rejected") == first.total("rejected") == 1
    for table in ("messages", "contacts", "agents", "tickets"):
        pd.testing.assert_frame_equal(_table(store, table), _table(expected, table))
    tables = store.df("SELECT table_name FROM duckdb_tables() WHERE table_name LIKE '_ingest%'")
    assert tables.empty
