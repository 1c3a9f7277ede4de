"""Bad input (issue 2): every bad row is rejected with a reason and the rest goes on; fatal problems write nothing."""
from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from canonical_fixtures import FULL, fingerprint, rejects, write
from pipeone_analytics.errors import ImportFailed
from pipeone_analytics.ingest import import_path
from pipeone_analytics.store import Store

HEAD = "message_id,conversation_id,channel,direction,sent_at\n"


def ids(store: Store) -> list[str]:
    return store.df("SELECT message_id FROM messages ORDER BY message_id")["message_id"].tolist()


def assert_fatal(store: Store, path: Path, message: str, fmt: str | None = None) -> None:
    """The import fails with exactly this one-line message and the store is as it was."""
    before = fingerprint(store)
    with pytest.raises(ImportFailed) as err:
        import_path(store, path, fmt=fmt)
    assert str(err.value) == message
    assert fingerprint(store) == before


def test_missing_required_column_is_fatal(store: Store, tmp_path: Path) -> None:
    export = write(tmp_path / "e", {"messages.csv": "message_id,conversation_id,channel,direction\nm1,c1,sms,in\n"})
    assert_fatal(store, export, "messages.csv: missing required column sent_at (or timestamp, created_at, sent, "
                                "date, datetime, time, date_sent, sent_date, message_date, ts)")


def test_missing_required_column_in_later_table_writes_nothing(store: Store, tmp_path: Path) -> None:
    # contacts and messages are fine, tickets lacks `type`: the whole import is refused, nothing is written.
    files = {**FULL, "tickets.csv": "ticket_id,conversation_id,resolved_at\nt1,cv1,2024-03-11 00:00\n"}
    assert_fatal(store, write(tmp_path / "e", files),
                 "tickets.csv: missing required column type (or ticket_type, kind)")


def test_missing_messages_table_is_fatal(store: Store, tmp_path: Path) -> None:
    assert_fatal(store, write(tmp_path / "e", {"contacts.csv": "contact_id\nk1\n"}),
                 f"no messages table in {tmp_path / 'e'}: an export needs messages.csv, .jsonl, .ndjson, "
                 f".json or .parquet")


def test_missing_path_is_fatal(store: Store, tmp_path: Path) -> None:
    assert_fatal(store, tmp_path / "nowhere", f"no such file or folder: {tmp_path / 'nowhere'}", fmt="canonical")
    with pytest.raises(ImportFailed):  # format detection (adapters.detect_format) refuses it first
        import_path(store, tmp_path / "nowhere")


def test_unparseable_timestamp_rejected(store: Store, tmp_path: Path) -> None:
    text = HEAD + "m1,c1,sms,in,2024-03-10 10:00\nm2,c1,sms,in,10/03/2024 25:99\nm3,c1,sms,in,2024-03-10 10:05\n"
    result = import_path(store, write(tmp_path / "e", {"messages.csv": text}))
    assert result.counts["messages"] == {"read": 3, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert rejects(store) == [("messages", "messages.csv", 3, "sent_at",
                               'sent_at: cannot read "10/03/2024 25:99" as a timestamp')]
    raw = store.df("SELECT raw FROM import_rejects")["raw"][0]
    assert '"sent_at":"10/03/2024 25:99"' in raw and '"message_id":"m2"' in raw
    assert ids(store) == ["m1", "m3"]


def test_unknown_direction_and_channel_rejected(store: Store, tmp_path: Path) -> None:
    text = HEAD + "m1,c1,fax,in,2024-03-10 10:00\nm2,c1,sms,sideways,2024-03-10 10:01\nm3,c1,sms,in,2024-03-10 10:02\n"
    result = import_path(store, write(tmp_path / "e", {"messages.csv": text}))
    assert result.counts["messages"] == {"read": 3, "inserted": 1, "updated": 0, "unchanged": 0, "rejected": 2}
    assert rejects(store) == [
        ("messages", "messages.csv", 2, "channel",
         'channel: unknown value "fax" (expected sms, whatsapp, webchat, email, instagram, messenger, telegram, '
         'other)'),
        ("messages", "messages.csv", 3, "direction",
         'direction: unknown value "sideways" (expected inbound, outbound)'),
    ]
    assert ids(store) == ["m3"]


def test_missing_required_value_rejected(store: Store, tmp_path: Path) -> None:
    text = HEAD + ",c1,sms,in,2024-03-10 10:00\nm2,,sms,in,2024-03-10 10:01\nm3,c1,sms,in,\n"
    result = import_path(store, write(tmp_path / "e", {"messages.csv": text}))
    assert result.counts["messages"]["rejected"] == 3
    assert [r[2:] for r in rejects(store)] == [(2, "message_id", "missing message_id"),
                                               (3, "conversation_id", "missing conversation_id"),
                                               (4, "sent_at", "missing sent_at")]


def test_duplicate_ids_inside_one_file(store: Store, tmp_path: Path) -> None:
    # Rule: the first occurrence (file order, then line order) wins; later ones are rejected and say where it is.
    text = HEAD + ("m1,c1,sms,in,2024-03-10 10:00\n"
                   "m2,c1,sms,in,2024-03-10 10:01\n"
                   "m1,c1,sms,out,2024-03-10 10:02\n"
                   "m1,c1,sms,out,2024-03-10 10:03\n")
    result = import_path(store, write(tmp_path / "e", {"messages.csv": text}))
    assert result.counts["messages"] == {"read": 4, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 2}
    assert rejects(store) == [
        ("messages", "messages.csv", 4, "message_id", 'duplicate message_id "m1" also at messages.csv:2'),
        ("messages", "messages.csv", 5, "message_id", 'duplicate message_id "m1" also at messages.csv:2'),
    ]
    assert store.df("SELECT direction FROM messages WHERE message_id = 'm1'")["direction"].tolist() == ["inbound"]


def test_duplicate_ids_across_files(store: Store, tmp_path: Path) -> None:
    files = {"messages.csv": HEAD + "m1,c1,sms,in,2024-03-10 10:00\nm2,c1,sms,in,2024-03-10 10:01\n",
             "messages_2024-03.csv": HEAD + "m3,c1,sms,in,2024-03-10 10:02\nm2,c1,sms,out,2024-03-10 10:03\n"}
    result = import_path(store, write(tmp_path / "e", files))
    assert result.counts["messages"] == {"read": 4, "inserted": 3, "updated": 0, "unchanged": 0, "rejected": 1}
    assert rejects(store) == [("messages", "messages_2024-03.csv", 3, "message_id",
                               'duplicate message_id "m2" also at messages.csv:3')]


def test_invalid_utf8_lines_rejected(store: Store, tmp_path: Path) -> None:
    # Decision: a line with invalid UTF-8 is rejected with reason INVALID ENCODING; the other lines are imported.
    data = (HEAD.encode() + b"m1,c1,sms,in,2024-03-10 10:00\n"
            b"m2,c1,sms\xff\xfe,in,2024-03-10 10:01\n"
            b"m3,c1,sms,in,2024-03-10 10:02\n")
    result = import_path(store, write(tmp_path / "e", {"messages.csv": data}))
    assert result.counts["messages"] == {"read": 3, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    [(table, file, line, column, reason)] = rejects(store)
    assert (table, file, line) == ("messages", "messages.csv", 3)
    assert reason.startswith("INVALID ENCODING: ")
    assert ids(store) == ["m1", "m3"]


def test_ragged_csv_rows_rejected(store: Store, tmp_path: Path) -> None:
    text = HEAD + ("m1,c1,sms,in,2024-03-10 10:00\n"
                   "m2,c1,sms,in,2024-03-10 10:01,surplus\n"
                   "m3,c1,sms\n"
                   "m4,c1,sms,in,2024-03-10 10:03\n")
    result = import_path(store, write(tmp_path / "e", {"messages.csv": text}))
    assert result.counts["messages"] == {"read": 4, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 2}
    assert rejects(store) == [
        ("messages", "messages.csv", 3, None, "TOO MANY COLUMNS: Expected Number of Columns: 5 Found: 6"),
        # DuckDB reports the short line once per missing column; the first one is kept.
        ("messages", "messages.csv", 4, "direction", "MISSING COLUMNS: Expected Number of Columns: 5 Found: 3"),
    ]
    raw = store.df("SELECT raw FROM import_rejects ORDER BY line")["raw"].tolist()
    assert raw == ["m2,c1,sms,in,2024-03-10 10:01,surplus", "m3,c1,sms"]
    assert ids(store) == ["m1", "m4"]


def test_line_numbers_after_a_rejected_line(store: Store, tmp_path: Path) -> None:
    # A reader-rejected line is missing from DuckDB's rows: later rows must still report their own line.
    text = HEAD + ("m1,c1,sms,in,2024-03-10 10:00\n"
                   "m2,c1,sms,in,2024-03-10 10:01,surplus\n"
                   "m3,c1,sms,in,2024-03-10 10:02\n"
                   "m4,c1,sms,in,yesterday\n")
    import_path(store, write(tmp_path / "e", {"messages.csv": text}))
    assert [(r[2], r[3]) for r in rejects(store)] == [(3, None), (5, "sent_at")]


def test_empty_messages_file_is_fatal(store: Store, tmp_path: Path) -> None:
    # Decision: a messages file with not even a header is a broken export (fatal); an empty optional table is
    # read as no rows, with a warning.
    assert_fatal(store, write(tmp_path / "e", {"messages.csv": ""}),
                 "messages.csv is empty: the messages table needs at least its header row")


def test_empty_optional_file_and_header_only_messages(store: Store, tmp_path: Path) -> None:
    result = import_path(store, write(tmp_path / "e", {"messages.csv": HEAD, "contacts.csv": b"\xef\xbb\xbf\n"}))
    assert result.counts == {"messages": {"read": 0, "inserted": 0, "updated": 0, "unchanged": 0, "rejected": 0}}
    assert result.warnings == ["contacts.csv is empty: read as a table with no rows"]
    assert store.df("SELECT count(*) AS n FROM import_runs")["n"][0] == 1


def test_zip_with_path_traversal_is_fatal(store: Store, tmp_path: Path) -> None:
    archive = tmp_path / "evil.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("messages.csv", HEAD + "m1,c1,sms,in,2024-03-10 10:00\n")
        zf.writestr("../escaped.csv", "x\n")
    assert_fatal(store, archive, "unsafe path in evil.zip: entry '../escaped.csv' is absolute or contains '..'")
    assert not (tmp_path.parent / "escaped.csv").exists()


def test_zip_with_absolute_path_is_fatal(store: Store, tmp_path: Path) -> None:
    archive = tmp_path / "abs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr(zipfile.ZipInfo("/tmp/messages.csv"), HEAD)
    assert_fatal(store, archive, "unsafe path in abs.zip: entry '/tmp/messages.csv' is absolute or contains '..'")


def test_corrupt_zip_is_fatal(store: Store, tmp_path: Path) -> None:
    (tmp_path / "bad.zip").write_bytes(b"PK\x03\x04 not really a zip")
    before = fingerprint(store)
    with pytest.raises(ImportFailed, match=r"^cannot read .*bad.zip as a zip file"):
        import_path(store, tmp_path / "bad.zip", fmt="canonical")
    assert fingerprint(store) == before


def test_json_line_that_is_not_json(store: Store, tmp_path: Path) -> None:
    lines = ['{"message_id": "j1", "conversation_id": "c1", "channel": "sms", "direction": "in", '
             '"sent_at": "2024-03-10 10:00"}',
             '{"message_id": "j2", "conversation_id": "c1", oops',
             "",
             '["an", "array"]',
             '{"message_id": "j3", "conversation_id": "c1", "channel": "sms", "direction": "out", '
             '"sent_at": "2024-03-10 10:01", "attachments": [{"name": "x.png"}]}']
    result = import_path(store, write(tmp_path / "e", {"messages.jsonl": "\n".join(lines) + "\n"}))
    # the blank line 3 is no record: read = 4
    assert result.counts["messages"] == {"read": 4, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 2}
    assert rejects(store) == [("messages", "messages.jsonl", 2, None, "not valid JSON"),
                              ("messages", "messages.jsonl", 4, None, "not a JSON object")]
    assert store.df("SELECT raw FROM import_rejects ORDER BY line")["raw"].tolist() == [lines[1], lines[3]]
    assert store.df("SELECT attachments::VARCHAR AS a FROM messages WHERE message_id = 'j3'")["a"][0] == \
        '[{"name":"x.png"}]'


def test_json_line_with_invalid_utf8(store: Store, tmp_path: Path) -> None:
    good = b'{"message_id": "j1", "conversation_id": "c1", "channel": "sms", "direction": "in", ' \
           b'"sent_at": "2024-03-10 10:00"}\n'
    data = good + b'{"message_id": "j\xff2"}\n' + good.replace(b"j1", b"j3")
    result = import_path(store, write(tmp_path / "e", {"messages.ndjson": data}))
    assert result.counts["messages"] == {"read": 3, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    [(_, _, line, column, reason)] = rejects(store)
    assert (line, column) == (2, None) and reason.startswith("INVALID ENCODING: ")


def test_header_with_duplicate_column_is_fatal(store: Store, tmp_path: Path) -> None:
    assert_fatal(store, write(tmp_path / "e", {"messages.csv": HEAD.strip() + ",channel\n"}),
                 "messages.csv: column 'channel' appears twice in the header")


def test_unreadable_parquet_is_fatal(store: Store, tmp_path: Path) -> None:
    export = write(tmp_path / "e", {"messages.parquet": b"PAR1 this is not parquet"})
    before = fingerprint(store)
    with pytest.raises(ImportFailed, match=r"^messages.parquet: cannot read as Parquet: "):
        import_path(store, export)
    assert fingerprint(store) == before


def test_bad_rows_do_not_stop_other_tables(store: Store, tmp_path: Path) -> None:
    files = {**FULL, "agents.csv": "agent_id,name,role\na1,Alice,agent\na2,Beto,boss\na3,,admin\n"}
    result = import_path(store, write(tmp_path / "e", files))
    assert result.counts["agents"] == {"read": 3, "inserted": 1, "updated": 0, "unchanged": 0, "rejected": 2}
    assert [r[2:] for r in rejects(store)] == [
        (3, "role", 'role: unknown value "boss" (expected agent, manager, admin)'),
        (4, "name", "missing name")]
    assert result.counts["messages"]["inserted"] == 4
