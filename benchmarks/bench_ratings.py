"""Star rating speed against a bare scan and a pandas version: `pipeone bench ratings --messages N`.

Measures, on benchmarks.common.bench_store(N) (N messages, N / 10 contacts), all in the same run:
- bare scan (the baseline): bench_status's SCAN, conversation_id and max(sent_at) of every message, fetched
  to pandas through Arrow, warm, best of --repeat (at least 3);
- ratings(): core.ratings.ratings(store, as_of) end to end, DataFrame with reasons, best of --repeat; as_of is the
  latest message, so every contact is read from contact_engagement_totals (derived.engagement, kept by the import);
- pandas: the same definition written plainly with groupby + shift, in a child process (so its peak RSS is
  its own): it loads the messages and contacts from the store (timed apart, not counted), then rates on the
  whole data. When the child fails (out of memory), it is run again on a sample of whole contacts with
  about --pandas-max messages, and ratings() is timed on that sample too;
- the ledger build and the engagement build: derived.refresh_ledger and derived.engagement.refresh over every
  conversation, each on a private copy of the store (paid by the import, not by ratings()), for information;
- ratings() as of 7 days before the latest message: contacts with a later message are counted from the ledger
  and the messages, the others read from the table, for information;
- rating_history() by week over the data's last 13 weeks, for information.
The stars of pandas and of SQL are compared contact by contact. Peak RSS of this process is noted after
ratings() (the rating's own peak); the pandas child's peak is reported separately.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.bench_status import scan  # noqa: E402
from benchmarks.common import Table, bench_store, peak_rss_mb, timed, writable_store  # noqa: E402
from pipeone_analytics import derived  # noqa: E402
from pipeone_analytics.derived import engagement  # noqa: E402
from pipeone_analytics.config import Settings  # noqa: E402
from pipeone_analytics.core import ratings as R  # noqa: E402
from pipeone_analytics.core.interactions import messages_sql  # noqa: E402
from pipeone_analytics.store import Store  # noqa: E402

BASELINE = "bare scan: conversation_id, max(sent_at), fetched through Arrow (baseline)"
RATINGS = "ratings()"
PANDAS = "pandas groupby + shift (child process)"


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


def load_frames(store: Store, as_of: pd.Timestamp) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The messages up to as_of (contact resolved) and the contacts' phone validity, as pandas frames."""
    messages = store.df(f"SELECT message_id, conversation_id, contact_id, direction, sender_type, sent_at "
                        f"FROM ({messages_sql()})", {"as_of": as_of})
    contacts = store.df("SELECT contact_id, phone_valid FROM contacts")
    return messages, contacts


def pandas_child(path: Path, as_of: str, out: Path) -> None:
    """Child process: load, rate with pandas, write the stars to `out` and print seconds and peak RSS as JSON."""
    store = Store(path, Settings(db_path=path))
    stamp = pd.Timestamp(as_of)
    load_s, (messages, contacts) = timed(lambda: load_frames(store, stamp))
    rate_s, stars = timed(lambda: pandas_ratings(messages, contacts, stamp, store.settings.timezone))
    stars.to_parquet(out)
    print(json.dumps({"load": load_s, "rate": rate_s, "messages": len(messages),
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


def run_pandas(path: Path, as_of: pd.Timestamp, folder: Path) -> tuple[dict, pd.DataFrame] | None:
    """pandas_child on the store at path; (its report, its stars), or None when it failed (out of memory)."""
    out = folder / "pandas-stars.parquet"
    done = subprocess.run([sys.executable, __file__, "--pandas-child", str(path), as_of.isoformat(), str(out)],
                          capture_output=True, text=True)
    if done.returncode != 0:
        print(f"  pandas child failed (exit {done.returncode}): {done.stderr.strip().splitlines()[-1:]}", flush=True)
        return None
    return json.loads(done.stdout.strip().splitlines()[-1]), pd.read_parquet(out)


def sample_store(store: Store, max_messages: int, folder: Path) -> Store:
    """A file store with the messages of the first contacts (by id) totalling about max_messages."""
    path = folder / f"sample-{max_messages}.duckdb"
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
        derived.refresh(con)
    return sample


def ledger_build(messages: int) -> tuple[float, int]:
    """Seconds and rows of refresh_ledger over every conversation, on a private copy of the store."""
    with writable_store(messages) as store, store.write() as con:
        t0 = time.perf_counter()
        rows = derived.refresh_ledger(con)
        return time.perf_counter() - t0, rows


def engagement_build(messages: int) -> tuple[float, int]:
    """Seconds and rows of engagement.refresh over every conversation (both tables), on a private copy."""
    with writable_store(messages) as store, store.write() as con:
        return timed(lambda: engagement.refresh(con))


def differ(sql: pd.DataFrame, by_pandas: pd.DataFrame) -> str:
    both = sql.set_index("contact_id")["stars"].to_frame("sql").join(
        by_pandas.set_index("contact_id")["stars"].rename("pandas"), how="inner")
    return f"stars differ from SQL for {int((both['sql'] != both['pandas']).sum()):,} of {len(both):,} contacts"


def main() -> None:
    if len(sys.argv) == 5 and sys.argv[1] == "--pandas-child":
        pandas_child(Path(sys.argv[2]), sys.argv[3], Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(prog="pipeone bench ratings")
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--pandas-max", type=int, default=1_000_000,
                        help="when pandas cannot rate the whole data, rate a sample of about this many messages")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--skip-build", action="store_true", help="do not time the ledger and engagement builds")
    args = parser.parse_args()
    repeat = max(3, args.repeat)

    path = bench_store(args.messages)
    store = Store(path, Settings(db_path=path))
    as_of = store.df("SELECT max(sent_at) AS t FROM messages")["t"][0]
    table = Table(f"ratings, --messages {args.messages:,} (store {path}, as_of {as_of})")

    scan(store)  # warm the file cache once, as bench_status does
    seconds, _ = timed(lambda: scan(store), repeat)
    table.add(BASELINE, seconds, f"best of {repeat}")
    seconds, rated = timed(lambda: R.ratings(store, as_of=as_of), repeat)
    stars = rated["stars"].value_counts().sort_index().to_dict()
    table.add(RATINGS, seconds, f"best of {repeat}; {len(rated):,} contacts; stars {stars}")
    rating_rss = peak_rss_mb()
    week_ago = as_of - pd.Timedelta(days=7)
    seconds, past = timed(lambda: R.ratings(store, as_of=week_ago), repeat)
    counted = store.df("SELECT count(*) AS n FROM contact_engagement_totals WHERE last_at > ?", [week_ago])["n"][0]
    table.add("ratings() as of 7 days before (information)", seconds,
              f"best of {repeat}; {counted:,} of {len(past):,} contacts with a later message counted from the ledger")
    weeks = R.period_ends(as_of.date() - pd.Timedelta(weeks=13), as_of.date(), "week")
    seconds, hist = timed(lambda: R.rating_history(store, weeks[0], weeks[-1], "week"))
    table.add("rating_history(), weekly (information)", seconds, f"{len(weeks)} as-of dates, {len(hist):,} rows")
    history_rss = peak_rss_mb()
    if not args.skip_build:
        seconds, rows = ledger_build(args.messages)
        table.add("ledger build: refresh_ledger(every conversation), paid at import (information)", seconds,
                  f"{rows:,} rows")
        seconds, rows = engagement_build(args.messages)
        table.add("engagement build: engagement.refresh(every conversation), paid at import (information)", seconds,
                  f"{rows:,} rows (per contact, conversation and channel, plus per contact)")
    build_rss = peak_rss_mb()

    with tempfile.TemporaryDirectory(prefix="bench-ratings-") as folder:
        sample = None
        ran = run_pandas(path, as_of, Path(folder))
        if ran is None:
            sample = sample_store(store, args.pandas_max, Path(folder))
            seconds, rated = timed(lambda: R.ratings(sample, as_of=as_of), repeat)
            table.add("ratings() on the pandas sample", seconds, f"best of {repeat}; {len(rated):,} contacts")
            ran = run_pandas(sample.path, as_of, Path(folder))
        assert ran is not None, "pandas failed on the sample too"
        report, by_pandas = ran
        table.add("load frames for pandas (child, not counted)", report["load"], f"{report['messages']:,} messages")
        table.add(PANDAS, report["rate"], f"{len(by_pandas):,} contacts; {differ(rated, by_pandas)}; "
                                          f"child peak RSS {report['rss_mb']:,.0f} MB")

    base, ours = table.seconds(BASELINE), table.seconds(RATINGS)
    against = table.seconds("ratings() on the pandas sample") if sample is not None else ours
    table.print(baseline=BASELINE, targets={
        "ratings <= 4x bare scan": f"{ours / base:.2f}x",
        "ratings >= 10x faster than pandas": f"{report['rate'] / against:.1f}x"
                                             + (" (on the sample: pandas could not hold the whole data)"
                                                if sample is not None else " (whole data)"),
        "peak RSS <= 2 GB": f"{rating_rss:,.0f} MB after ratings(), {history_rss:,.0f} MB after history, "
                            f"{build_rss:,.0f} MB after the builds; pandas child {report['rss_mb']:,.0f} MB "
                            "(the 'peak RSS' line above includes the child)"})


if __name__ == "__main__":
    main()
