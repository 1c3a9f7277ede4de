"""The import's two paths (a clean single part straight into its table, else staged) give the same store, and
every import leaves the interaction ledger equal to a full rebuild, rebuilding only what it changed."""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from canonical_fixtures import FULL, rejects, write
from pipeone_analytics.derived import ledger_sql
from pipeone_analytics.ingest import import_path, importer
from pipeone_analytics.ingest.sources import Part, file_info
from pipeone_analytics.store import Store

HEAD = "message_id,conversation_id,contact_id,channel,direction,sent_at,sender_type\n"
# cv1: m1 in, m2 out (one agent reply, 600 s); cv3: m5 in, m6 out, m7 in (an agent reply of 300 s, then a
# contact reply of 900 s); the note m3 counts for nothing.
MESSAGES = HEAD + ("m1,cv1,k1,whatsapp,inbound,2024-03-10 10:00:00Z,\n"
                   "m2,cv1,k1,whatsapp,outbound,2024-03-10 10:10:00Z,\n"
                   "m3,cv1,k1,whatsapp,outbound,2024-03-10 10:11:00Z,note\n"
                   "m5,cv3,k3,sms,inbound,2024-03-10 11:00:00Z,\n"
                   "m6,cv3,k3,sms,outbound,2024-03-10 11:05:00Z,\n"
                   "m7,cv3,k3,sms,inbound,2024-03-10 11:20:00Z,\n")
LEDGER = "SELECT conversation_id, contact_id, direction, from_message_id, to_message_id, seconds FROM "


def ledger(store: Store) -> list[tuple]:
    """The ledger table's main columns, sorted."""
    return sorted(store.df(LEDGER + "interaction_ledger").itertuples(index=False, name=None))


def assert_ledger_is_a_full_rebuild(store: Store) -> None:
    table = store.df("SELECT * FROM interaction_ledger")
    rebuilt = store.df(f"SELECT * FROM ({ledger_sql()})")[list(table.columns)]
    order = list(table.columns)
    pd.testing.assert_frame_equal(table.sort_values(order).reset_index(drop=True),
                                  rebuilt.sort_values(order).reset_index(drop=True))


def test_import_reimport_and_a_moved_message_keep_the_ledger_whole(store: Store, tmp_path: Path) -> None:
    first = import_path(store, write(tmp_path / "v1", {"messages.csv": MESSAGES}))
    expected = [("cv1", "k1", "agent_reply", "m1", "m2", 600.0), ("cv3", "k3", "agent_reply", "m5", "m6", 300.0),
                ("cv3", "k3", "contact_reply", "m6", "m7", 900.0)]
    assert ledger(store) == expected
    assert first.ledger_rows == 3
    assert_ledger_is_a_full_rebuild(store)

    again = import_path(store, tmp_path / "v1")
    assert again.counts["messages"]["unchanged"] == 6 and again.ledger_rows == 0  # nothing touched
    assert ledger(store) == expected

    # m2 now comes before m1: cv1's one response is the contact answering m2. Only cv1 is rebuilt.
    moved = MESSAGES.replace("m2,cv1,k1,whatsapp,outbound,2024-03-10 10:10:00Z",
                             "m2,cv1,k1,whatsapp,outbound,2024-03-10 09:50:00Z")
    third = import_path(store, write(tmp_path / "v2", {"messages.csv": moved}))
    assert third.counts["messages"] == {"read": 6, "inserted": 0, "updated": 1, "unchanged": 5, "rejected": 0}
    assert third.ledger_rows == 1
    assert ledger(store) == [("cv1", "k1", "contact_reply", "m2", "m1", 600.0), *expected[1:]]
    assert_ledger_is_a_full_rebuild(store)


def test_a_message_moved_to_another_conversation_rebuilds_both(store: Store, tmp_path: Path) -> None:
    import_path(store, write(tmp_path / "v1", {"messages.csv": MESSAGES}))
    # m6 moves to cv1: cv3 keeps m5 and m7 (one turn, no response); cv1 gets m1, m2, m6 (one response).
    moved = MESSAGES.replace("m6,cv3,k3,sms", "m6,cv1,k3,sms")
    result = import_path(store, write(tmp_path / "v2", {"messages.csv": moved}))
    assert result.counts["messages"]["updated"] == 1
    assert ledger(store) == [("cv1", "k1", "agent_reply", "m1", "m2", 600.0)]
    assert_ledger_is_a_full_rebuild(store)


def test_a_new_message_rebuilds_only_its_conversation(store: Store, tmp_path: Path) -> None:
    import_path(store, write(tmp_path / "v1", {"messages.csv": MESSAGES}))
    more = MESSAGES + "m8,cv1,k1,whatsapp,inbound,2024-03-10 10:30:00Z,\n"
    result = import_path(store, write(tmp_path / "v2", {"messages.csv": more}))
    assert result.counts["messages"]["inserted"] == 1
    assert result.ledger_rows == 2  # cv1: the agent reply, then the contact reply m2 -> m8 (1200 s)
    assert ("cv1", "k1", "contact_reply", "m2", "m8", 1200.0) in ledger(store)
    assert_ledger_is_a_full_rebuild(store)


def test_a_conversation_whose_contact_changes_rebuilds_its_ledger(store: Store, tmp_path: Path) -> None:
    # Messages without contact_id take the conversation's contact in the ledger.
    text = HEAD + "m1,cv1,,sms,inbound,2024-03-10 10:00:00Z,\nm2,cv1,,sms,outbound,2024-03-10 10:01:00Z,\n" \
                  "m5,cv3,,sms,inbound,2024-03-10 11:00:00Z,\nm6,cv3,,sms,outbound,2024-03-10 11:02:00Z,\n"
    import_path(store, write(tmp_path / "m", {"messages.csv": text}))
    assert [r[1] for r in ledger(store)] == [None, None]
    first = import_path(store, write(tmp_path / "c1", {"messages.csv": HEAD, "conversations.csv":
                                                       "conversation_id,contact_id\ncv1,k1\ncv3,k3\n"}))
    assert first.ledger_rows == 2 and [r[1] for r in ledger(store)] == ["k1", "k3"]
    # cv1's contact changes, cv3 gets a status: both are touched (a conversations row is an input of the status
    # fold too, derived/status.py), so both ledger rows are rebuilt; cv3's is the same as before.
    conversations = "conversation_id,contact_id,status\ncv1,k9,\ncv3,k3,resolved\n"
    second = import_path(store, write(tmp_path / "c2", {"messages.csv": HEAD, "conversations.csv": conversations}))
    assert second.counts["conversations"]["updated"] == 2 and second.ledger_rows == 2
    assert [r[1] for r in ledger(store)] == ["k9", "k3"]
    assert_ledger_is_a_full_rebuild(store)


def test_full_export_ledger_and_whole_reimport(store: Store, tmp_path: Path) -> None:
    export = write(tmp_path / "export", FULL)
    import_path(store, export)
    # FULL's cv1: m1 inbound 23:30, m2 outbound 23:40 (the note m3 is ignored); cv2 has one message.
    assert ledger(store) == [("cv1", "k1", "agent_reply", "m1", "m2", 600.0)]
    assert import_path(store, export).ledger_rows == 0
    assert_ledger_is_a_full_rebuild(store)


def test_clean_exports_are_never_staged(store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A clean single-file messages table goes straight into the empty table, and its re-import writes nothing.
    def staged(*args: object) -> None:
        raise AssertionError("staged")

    monkeypatch.setattr(importer, "_import_staged", staged)
    export = write(tmp_path / "v1", {"messages.csv": MESSAGES})
    assert import_path(store, export).counts["messages"]["inserted"] == 6
    assert import_path(store, export).counts["messages"]["unchanged"] == 6
    with pytest.raises(AssertionError, match="staged"):  # a change needs the stage
        import_path(store, write(tmp_path / "v2", {"messages.csv": MESSAGES.replace("10:10:00Z", "10:12:00Z")}))


def test_a_bad_last_row_of_a_fresh_import_leaves_no_partial_insert(store: Store, tmp_path: Path) -> None:
    # The direct INSERT took the good rows, then the count showed a reject: the table is emptied and staged.
    text = MESSAGES + "m9,cv1,k1,whatsapp,inbound,not a time,\n"
    result = import_path(store, write(tmp_path / "e", {"messages.csv": text}))
    assert result.counts["messages"] == {"read": 7, "inserted": 6, "updated": 0, "unchanged": 0, "rejected": 1}
    assert store.df("SELECT count(*) AS n, count(DISTINCT message_id) AS d FROM messages").values.tolist() == [[6, 6]]
    assert rejects(store) == [("messages", "messages.csv", 8, "sent_at",
                               'sent_at: cannot read "not a time" as a timestamp')]
    assert_ledger_is_a_full_rebuild(store)


def test_a_repeated_identical_row_in_a_reimport_is_rejected(store: Store, tmp_path: Path) -> None:
    import_path(store, write(tmp_path / "v1", {"messages.csv": MESSAGES}))
    twice = MESSAGES + "m1,cv1,k1,whatsapp,inbound,2024-03-10 10:00:00Z,\n"
    result = import_path(store, write(tmp_path / "v2", {"messages.csv": twice}))
    assert result.counts["messages"] == {"read": 7, "inserted": 0, "updated": 0, "unchanged": 6, "rejected": 1}
    assert rejects(store) == [("messages", "messages.csv", 8, "message_id",
                               'duplicate message_id "m1" also at messages.csv:2')]


@pytest.mark.parametrize(("content", "lines"), [
    (b"", 0), (b"h\n", 1), (b"h\na", 2), (b"h\r\na\r\n", 2), (b"h\ra\rb", 3), (b"h\n\n\r\n", 3),
    (b"x" * (2**20 - 1) + b"\r\n" + b"y\n", 2),  # a \r\n split between two 1 MiB reads counts once
])
def test_file_info_counts_lines(tmp_path: Path, content: bytes, lines: int) -> None:
    path = tmp_path / "messages.csv"
    path.write_bytes(content)
    info, counted = file_info(Part("messages", "messages.csv", "csv", path=path))
    assert counted == lines and info["bytes"] == len(content)


def test_a_multiline_field_and_a_bad_row_are_still_counted(store: Store, tmp_path: Path) -> None:
    # 3 records on 4 lines after the header: 2 are good, so the 2 inserted rows differ from the 4-line bound
    # and the rows are counted; the bad one is rejected.
    text = ("message_id,conversation_id,channel,direction,sent_at,body\n"
            'm1,cv1,whatsapp,inbound,2024-03-10 10:00:00Z,hi\n'
            'm2,cv1,whatsapp,outbound,2024-03-10 10:10:00Z,"two\nlines"\n'
            'm3,cv1,whatsapp,outbound,,lost\n')
    result = import_path(store, write(tmp_path / "e", {"messages.csv": text}))
    assert result.counts["messages"] == {"read": 3, "inserted": 2, "updated": 0, "unchanged": 0, "rejected": 1}
    assert [r[3:] for r in rejects(store)] == [("sent_at", "missing sent_at")]
