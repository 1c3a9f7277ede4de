"""Star rating speed against a bare scan and a pandas version: `pipeone bench ratings --messages N`.

Measures, on benchmarks.common.bench_store(N) (N messages, N / 10 contacts):
- bare scan (the baseline): one aggregate reading every value of each messages column the rating
  reads (message_id, conversation_id, contact_id, channel, direction, sender_type, sent_at);
- one window: lag(direction) over messages by conversation in time order (one sort), for context;
- ratings(): core.ratings.ratings(store, as_of) end to end, DataFrame with reasons included;
- pandas: the same definition written plainly with groupby + shift over DataFrames already in memory
  (the load from DuckDB is timed apart and not counted); on --pandas-max messages at most
  (a sample of whole contacts) when N is larger, and then ratings() is timed on that sample too;
- rating_history() by week over the data's last 13 weeks, for information.
Peak RSS is printed after the DuckDB measures (the rating's own peak) and again after pandas.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.common import Table, bench_store, peak_rss_mb, timed  # noqa: E402
from pipeone_analytics.config import Settings  # noqa: E402
from pipeone_analytics.core import ratings as R  # noqa: E402
from pipeone_analytics.core.interactions import messages_sql  # noqa: E402
from pipeone_analytics.store import Store  # noqa: E402

# Every value must be read: max() alone is answered from DuckDB's column statistics without a scan.
SCAN = """SELECT count(*), sum(length(message_id)), sum(length(conversation_id)), sum(length(contact_id)),
                 sum(length(channel)), count(*) FILTER (WHERE direction = 'inbound'),
                 count(*) FILTER (WHERE sender_type = 'note'), sum(epoch_us(sent_at) // 1000000) FROM messages"""
# One sort of the messages in conversation time order: the least any turn-based definition must do.
ONE_SORT = """SELECT count(*) FILTER (WHERE previous IS DISTINCT FROM direction) FROM (
                  SELECT direction, lag(direction) OVER (PARTITION BY conversation_id ORDER BY sent_at, message_id)
                         AS previous FROM messages)"""


def pandas_ratings(messages: pd.DataFrame, contacts: pd.DataFrame, as_of: pd.Timestamp, tz: str) -> pd.DataFrame:
    """DESIGN 4.4 with plain pandas: groupby + shift. Columns: contact_id, stars."""
    m = messages[(messages["sent_at"] <= as_of) & (messages["sender_type"] != "note")]
    sent = ((m["direction"] == "outbound") & m["sender_type"].isin(["agent", "automation"])).groupby(m["contact_id"]).sum()
    received = ((m["direction"] == "inbound") & (m["sender_type"] == "contact")).groupby(m["contact_id"]).sum()
    t = m[m["sender_type"] != "automation"].sort_values(["conversation_id", "sent_at", "message_id"])
    starts = t[t["direction"] != t.groupby("conversation_id")["direction"].shift()]
    from_at = starts.groupby("conversation_id")["sent_at"].shift()
    pairs = starts.assign(from_at=from_at)[from_at.notna()]
    seconds = (pairs["sent_at"] - pairs["from_at"]).dt.total_seconds()
    same_day = pairs["sent_at"].dt.tz_convert(tz).dt.date == pairs["from_at"].dt.tz_convert(tz).dt.date
    per = pd.DataFrame({"contact_id": pairs["contact_id"], "n": 1, "same": same_day,
                        "w30": seconds <= 1800, "w2h": seconds <= 7200}).groupby("contact_id").sum()
    out = pd.DataFrame({"contact_id": pd.Index(contacts["contact_id"]).union(sent.index)})
    out = out.join(contacts.set_index("contact_id")["phone_valid"], on="contact_id")
    out = out.join(sent.rename("sent"), on="contact_id").join(received.rename("received"), on="contact_id")
    out = out.join(per, on="contact_id").fillna({"sent": 0, "received": 0, "n": 0, "same": 0, "w30": 0, "w2h": 0})
    r, n = out["received"] >= 1, out["n"]
    out["stars"] = np.select(
        [out["phone_valid"].eq(False).fillna(False).astype(bool), r & (n >= 1) & (10 * out["w30"] >= 9 * n),
         r & (n >= 1) & (10 * out["w2h"] >= 9 * n), r & (out["same"] >= 1), r, out["sent"] >= 1],
        [0, 5, 4, 3, 2, 1], 0)
    return out[["contact_id", "stars"]]


def sample_store(store: Store, max_messages: int, folder: Path) -> Store:
    """A file store with the messages of the first contacts (by id) totalling about max_messages."""
    path = folder / f"sample-{max_messages}.duckdb"
    path.unlink(missing_ok=True)
    with store.read() as con:
        total, contacts = con.execute("SELECT (SELECT count(*) FROM messages), (SELECT count(*) FROM contacts)").fetchone()
    keep = max(1, int(contacts * max_messages / total))
    sample = Store(path, Settings(db_path=path))
    sample.migrate()
    with sample.write() as con:
        con.execute("ATTACH ? AS src (READ_ONLY)", [str(store.path)])
        con.execute("CREATE TEMP TABLE keep AS SELECT contact_id FROM src.contacts ORDER BY contact_id LIMIT ?", [keep])
        con.execute("INSERT INTO contacts SELECT * FROM src.contacts WHERE contact_id IN (SELECT contact_id FROM keep)")
        con.execute("INSERT INTO conversations SELECT * FROM src.conversations "
                    "WHERE contact_id IN (SELECT contact_id FROM keep)")
        con.execute("INSERT INTO messages SELECT m.* FROM src.messages m JOIN src.conversations c USING (conversation_id) "
                    "WHERE c.contact_id IN (SELECT contact_id FROM keep)")
    return sample


def load_frames(store: Store, as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    messages = store.df(f"SELECT message_id, conversation_id, contact_id, direction, sender_type, sent_at "
                        f"FROM ({messages_sql()})", {"as_of": as_of})
    contacts = store.df("SELECT contact_id, phone_valid FROM contacts")
    return messages, contacts


def main() -> None:
    parser = argparse.ArgumentParser(prog="pipeone bench ratings")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--pandas-max", type=int, default=1_000_000,
                        help="run pandas on a sample of whole contacts with about this many messages when N is larger")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--tmp", default="benchmarks/.data", help="folder for the pandas sample store")
    args = parser.parse_args()

    path = bench_store(args.messages)
    store = Store(path, Settings(db_path=path))
    as_of = store.df("SELECT max(sent_at) AS t FROM messages")["t"][0]
    table = Table(f"ratings, --messages {args.messages:,} (store {path}, as_of {as_of})")

    seconds, scan = timed(lambda: store.df(SCAN), max(2, args.repeat))  # warm, as the later measures are
    table.add("bare scan of messages (baseline)", seconds, f"{int(scan.iloc[0, 0]):,} messages, best of 2")
    seconds, _ = timed(lambda: store.df(ONE_SORT), args.repeat)
    table.add("one window over messages (a single sort)", seconds)
    seconds, rated = timed(lambda: R.ratings(store, as_of=as_of), args.repeat)
    stars = rated["stars"].value_counts().sort_index().to_dict()
    table.add("ratings()", seconds, f"{len(rated):,} contacts; stars {stars}")
    duck_rss = peak_rss_mb()
    weeks = R.period_ends(as_of.date() - pd.Timedelta(weeks=13), as_of.date(), "week")
    seconds, hist = timed(lambda: R.rating_history(store, weeks[0], weeks[-1], "week"))
    table.add("rating_history(), weekly", seconds, f"{len(weeks)} as-of dates, {len(hist):,} rows")
    history_rss = peak_rss_mb()

    on = store
    if args.messages > args.pandas_max:
        on = sample_store(store, args.pandas_max, Path(args.tmp))
        seconds, sample_rated = timed(lambda: R.ratings(on, as_of=as_of), args.repeat)
        table.add("ratings() on the pandas sample", seconds, f"{len(sample_rated):,} contacts")
    else:
        sample_rated = rated
    seconds, (messages, contacts) = timed(lambda: load_frames(on, as_of))
    table.add("load frames for pandas (not counted)", seconds, f"{len(messages):,} messages")
    seconds, by_pandas = timed(lambda: pandas_ratings(messages, contacts, as_of, store.settings.timezone), args.repeat)
    both = sample_rated.set_index("contact_id")["stars"].to_frame("sql").join(
        by_pandas.set_index("contact_id")["stars"].rename("pandas"), how="inner")
    differ = int((both["sql"] != both["pandas"]).sum())
    table.add("pandas groupby + shift", seconds, f"{len(by_pandas):,} contacts; "
              f"stars differ from SQL for {differ:,} of {len(both):,} contacts in both")

    scan_s, rate_s = table.seconds("bare scan of messages (baseline)"), table.seconds("ratings()")
    sql_on_sample = table.seconds("ratings() on the pandas sample") if on is not store else rate_s
    table.print(baseline="bare scan of messages (baseline)", targets={
        "ratings <= 4x bare scan": f"{rate_s / scan_s:.1f}x",
        "ratings >= 10x faster than pandas": f"{table.seconds('pandas groupby + shift') / sql_on_sample:.1f}x"
                                             + (" (on the sample)" if on is not store else ""),
        "peak RSS <= 2 GB": f"{duck_rss:,.0f} MB after ratings(), {history_rss:,.0f} MB after history, "
                            f"{peak_rss_mb():,.0f} MB after pandas"})


if __name__ == "__main__":
    main()
