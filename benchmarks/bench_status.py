"""Status speed against a bare scan, one-conversation status, and a 100k-message timeline: `pipeone bench status`.

Measures, on benchmarks.common.bench_store(N) (N messages, about N / 7 conversations):
- bare scan (the baseline): SELECT conversation_id, max(sent_at) FROM messages GROUP BY 1, after one warm-up run
  (conversations_export gets one warm-up run too, so neither is charged for reading its table's file pages from
  disk),
  fetched to pandas through Arrow as core/status.py fetches its rows (and, for reference, through .df());
- the fixed cost of one call: opening a read-only connection and running SELECT 1;
- status_as_of() for every conversation, as of now;
- conversations_export(), the rows of `pipeone export conversations` (status plus messages and tickets);
- status_as_of(conversation_ids=[one]): what the inbox runs after each action (target <= 200 ms);
- cycles(), for information;
- the refresh of one conversation's stored status (derived.status.refresh), which every write pays (an inbox
  action, compose), in a write transaction rolled back (the store is left as it was).
All of these read the stored fold (derived/status.py: conversation_state, status_changes, which the import
builds); as of now no conversation has an input after as_of, so none is folded at read time.
The headline (issue #3) is status_as_of() + conversations_export() against the bare scan: target <= 4.
Then, on a dedicated store (benchmarks/.data/timeline-<n>.duckdb: one contact with --timeline-messages messages in
200 conversations, with events and tickets, among 900k messages of 90k other contacts):
- timeline(): the newest page of 50 items, and a page 50k items back through a cursor (target <= 100 ms each).
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import DATA, Table, _locked, bench_store, peak_rss_mb, timed  # noqa: E402
from pipeone_analytics import derived  # noqa: E402
from pipeone_analytics.config import Settings  # noqa: E402
from pipeone_analytics.core import status  # noqa: E402
from pipeone_analytics.core.timeline import timeline  # noqa: E402
from pipeone_analytics.store import Store  # noqa: E402

SCAN = "SELECT conversation_id, max(sent_at) FROM messages GROUP BY 1"
BASELINE = "bare scan: conversation_id, max(sent_at), fetched through Arrow (baseline)"


def scan(store: Store) -> object:
    """The bare scan's rows in pandas, fetched the way core/status.py fetches (through Arrow)."""
    with store.read() as con:
        return con.sql(SCAN).to_arrow_table().to_pandas()


class _Undo(Exception):
    """Raised to roll a benchmark's write transaction back."""


def refresh_one(store: Store, conversation_id: str) -> None:
    """derived.status.refresh of one conversation in a write transaction, then rolled back."""
    try:
        with store.write() as con:
            con.execute("CREATE TEMP TABLE _one AS SELECT ?::VARCHAR AS conversation_id", [conversation_id])
            derived.status.refresh(con, "_one")
            raise _Undo
    except _Undo:
        pass


def timeline_store(big: int, others: int = 900_000) -> Store:
    """A cached store where contact 'big' has `big` messages in 200 conversations, among `others` messages."""
    path = DATA / f"timeline-{big}.duckdb"
    with _locked(path.name):
        store = Store(path, Settings(db_path=path))
        if not (DATA / f"{path.name}.complete").exists():
            path.unlink(missing_ok=True)
            store = Store(path, Settings(db_path=path))
            store.migrate()
            with store.write() as con:
                con.execute("""
                    INSERT INTO contacts (contact_id, name)
                    SELECT 'k' || i, 'Contact ' || i FROM range(0, 90001) t(i)""")
                con.execute("UPDATE contacts SET contact_id = 'big' WHERE contact_id = 'k90000'")
                con.execute("""
                    INSERT INTO conversations (conversation_id, contact_id, created_at)
                    SELECT 'big-c' || i, 'big', TIMESTAMPTZ '2026-01-01' + to_seconds(i * 86400) FROM range(200) t(i)
                    UNION ALL
                    SELECT 'c' || i, 'k' || (i // 2), TIMESTAMPTZ '2026-01-01' + to_seconds(i * 60)
                    FROM range(180000) t(i)""")
                con.execute("""
                    INSERT INTO messages (message_id, conversation_id, contact_id, channel, direction, sent_at,
                                          sender_type, agent_id, body)
                    SELECT 'bm' || lpad(i::VARCHAR, 7, '0'), 'big-c' || (i // ($big // 200)), 'big',
                           ['whatsapp', 'sms', 'email'][1 + i % 3],
                           CASE WHEN i % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
                           TIMESTAMPTZ '2026-01-01' + to_seconds(i * (200 * 86400 // $big)),
                           CASE WHEN i % 2 = 0 THEN 'contact' WHEN i % 10 = 1 THEN 'note' ELSE 'agent' END,
                           CASE WHEN i % 2 = 1 THEN 'a' || (i % 7) END, 'message body ' || i
                    FROM range($big) t(i)
                    UNION ALL
                    SELECT 'm' || i, 'c' || (i // 5), 'k' || (i // 10), 'whatsapp',
                           CASE WHEN i % 2 = 0 THEN 'inbound' ELSE 'outbound' END,
                           TIMESTAMPTZ '2026-01-01' + to_seconds(i * 7),
                           CASE WHEN i % 2 = 0 THEN 'contact' ELSE 'agent' END,
                           CASE WHEN i % 2 = 1 THEN 'a1' END, 'other body ' || i
                    FROM range($others) t(i)""", {"big": big, "others": others})
                con.execute("""
                    INSERT INTO events (event_id, conversation_id, "at", actor_id, kind, value)
                    SELECT 'be' || i, 'big-c' || (i // 4), TIMESTAMPTZ '2026-01-01' + to_seconds(i * 21600 + 30),
                           'a1', ['assigned', 'assigned', 'status_changed', 'resolved'][1 + i % 4],
                           ['a1', 'a2', 'on_hold', NULL][1 + i % 4]
                    FROM range(800) t(i)""")
                con.execute("""
                    INSERT INTO tickets (ticket_id, conversation_id, resolved_at, resolved_by, type, category, note)
                    SELECT 'bt' || i, 'big-c' || i, TIMESTAMPTZ '2026-01-01' + to_seconds(i * 86400 + 3 * 21600 + 30),
                           'a1', 'question', 'billing', 'note ' || i
                    FROM range(200) t(i)""")
                derived.refresh(con)  # rows written directly: their derived tables too (docs/DEVELOPING.md)
            (DATA / f"{path.name}.complete").touch()
    return store


def main() -> None:
    parser = argparse.ArgumentParser(prog="pipeone bench status")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--timeline-messages", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()

    path = bench_store(args.messages)
    store = Store(path, Settings(db_path=path))
    counts = store.df("SELECT (SELECT count(*) FROM messages) AS m, (SELECT count(*) FROM conversations) AS c")
    table = Table(f"status, --messages {args.messages:,} (store {path}: {int(counts.m[0]):,} messages, "
                  f"{int(counts.c[0]):,} conversations)")
    scan(store)  # warm the file cache once, so the baseline is not charged for reading the file from disk
    seconds, _ = timed(lambda: scan(store), args.repeat)
    table.add(BASELINE, seconds)
    seconds, _ = timed(lambda: store.df(SCAN), args.repeat)
    table.add("bare scan fetched with .df() (store.df), for reference", seconds)
    seconds, _ = timed(lambda: store.df("SELECT 1"), 3)
    table.add("open a read connection + SELECT 1 (in every call below)", seconds, "best of 3")
    status.conversations_export(store)  # the same for the stored status: its file pages warm, as the scan's were
    seconds, current = timed(lambda: status.status_as_of(store), args.repeat)
    shares = current["status"].value_counts(normalize=True).round(3).to_dict()
    table.add("status_as_of(), every conversation", seconds, f"{len(current):,} rows; {shares}")
    seconds, exported = timed(lambda: status.conversations_export(store), args.repeat)
    table.add("conversations_export()", seconds, f"{len(exported):,} rows")
    one = current["conversation_id"].iloc[len(current) // 2]
    seconds, _ = timed(lambda: status.status_as_of(store, conversation_ids=[one]), max(3, args.repeat))
    table.add("status_as_of(conversation_ids=[one])", seconds, f"best of {max(3, args.repeat)}")
    seconds, cyc = timed(lambda: status.cycles(store), args.repeat)
    table.add("cycles(), every conversation", seconds, f"{len(cyc):,} cycles")
    seconds, _ = timed(lambda: refresh_one(store, one), 3)
    table.add("write transaction refreshing one conversation's stored status", seconds,
              "best of 3, rolled back; every write pays the refresh")
    status_rss = peak_rss_mb()

    tl = timeline_store(args.timeline_messages)
    seconds, page = timed(lambda: timeline(tl, "big"), 3)
    table.add(f"timeline(): newest page, contact with {args.timeline_messages:,} messages", seconds,
              f"best of 3; {len(page.items)} items")
    cursor = page.next_cursor
    for _ in range(10):
        cursor = timeline(tl, "big", cursor=cursor, limit=5000).next_cursor
    seconds, deep = timed(lambda: timeline(tl, "big", cursor=cursor), 3)
    table.add("timeline(): a page 50k items back, by cursor", seconds, f"best of 3; {len(deep.items)} items")

    base = table.seconds(BASELINE)
    current_s, export_s = table.seconds("status_as_of(), every conversation"), table.seconds("conversations_export()")
    table.print(baseline=BASELINE, targets={
        "status_as_of + conversations_export <= 4x bare scan (issue #3)":
            f"{(current_s + export_s) / base:.1f}x ({current_s + export_s:.2f} s: status {current_s / base:.1f}x, "
            f"export {export_s / base:.1f}x; against the .df() scan "
            f"{(current_s + export_s) / table.seconds('bare scan fetched with .df() (store.df), for reference'):.1f}x)",
        "one conversation <= 200 ms": f"{table.seconds('status_as_of(conversation_ids=[one])') * 1000:.0f} ms",
        "timeline page <= 100 ms": f"{table.seconds(table.rows[-2][0]) * 1000:.0f} ms newest, "
                                   f"{table.seconds(table.rows[-1][0]) * 1000:.0f} ms deep",
        "peak RSS": f"{status_rss:,.0f} MB after status"})


if __name__ == "__main__":
    main()
