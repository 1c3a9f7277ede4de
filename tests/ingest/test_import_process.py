"""Imports across processes: SIGKILL mid-import leaves the store as it was; a writer and a reader share the
file through the lock retry; the CLI reports fatal problems as one line."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd

from canonical_fixtures import FULL, fingerprint, write
from pipeone_analytics.config import Settings
from pipeone_analytics.ingest import import_path
from pipeone_analytics.store import Store

ROOT = Path(__file__).resolve().parents[2]


def big_messages(folder: Path, n: int) -> Path:
    """An export whose messages.csv has n valid rows (ids b0..b{n-1}, 1000 conversations)."""
    folder.mkdir(parents=True, exist_ok=True)
    i = np.arange(n)
    frame = pd.DataFrame({
        "message_id": "b" + pd.Series(i).astype(str), "conversation_id": "cv" + pd.Series(i % 1000).astype(str),
        "contact_id": "k" + pd.Series(i % 1000).astype(str), "channel": np.where(i % 3 == 0, "sms", "whatsapp"),
        "direction": np.where(i % 2 == 0, "inbound", "outbound"),
        "sent_at": (pd.Timestamp("2024-01-01") + pd.to_timedelta(i, unit="s")).strftime("%Y-%m-%d %H:%M:%S"),
        "body": "message body number " + pd.Series(i).astype(str)})
    frame.to_csv(folder / "messages.csv", index=False)
    return folder


def child(code: str) -> subprocess.Popen:
    """A Python subprocess running code (from the project root), with stdout piped."""
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env={**os.environ, "PYTHONUNBUFFERED": "1"})


def test_sigkill_mid_import_leaves_store_unchanged(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    store = Store(db, Settings(db_path=db))
    import_path(store, write(tmp_path / "small", FULL))
    before = fingerprint(store)
    big = big_messages(tmp_path / "big", 200_000)
    # The child announces each table it upserts; it is killed while writing the 200k staged messages.
    proc = child(f"""
        from pathlib import Path
        from pipeone_analytics.config import Settings
        from pipeone_analytics.store import Store
        from pipeone_analytics.ingest import importer, import_path
        upsert = importer.upsert
        def announced(con, spec, present):
            print("upsert", spec.name, flush=True)
            return upsert(con, spec, present)
        importer.upsert = announced
        import_path(Store(Path({str(db)!r}), Settings(db_path=Path({str(db)!r}))), Path({str(big)!r}))
        print("done", flush=True)
    """)
    assert proc.stdout.readline().strip() == "upsert messages"
    time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert fingerprint(store) == before
    # The store still works: the small export imports again and finds everything unchanged.
    result = import_path(store, tmp_path / "small")
    assert result.total("unchanged") == 15 and result.total("inserted") == 0


def test_sigkill_mid_direct_insert_leaves_store_unchanged(tmp_path: Path) -> None:
    # A clean export into an empty messages table is inserted straight from the file, with no stage.
    db = tmp_path / "store.duckdb"
    store = Store(db, Settings(db_path=db))
    store.migrate()
    before = fingerprint(store)
    big = big_messages(tmp_path / "big", 200_000)
    proc = child(f"""
        from pathlib import Path
        from pipeone_analytics.config import Settings
        from pipeone_analytics.store import Store
        from pipeone_analytics.ingest import direct, import_path
        insert_fresh = direct.insert_fresh
        def announced(con, spec, *args):
            print("insert", spec.name, flush=True)
            return insert_fresh(con, spec, *args)
        direct.insert_fresh = announced
        import_path(Store(Path({str(db)!r}), Settings(db_path=Path({str(db)!r}))), Path({str(big)!r}))
        print("done", flush=True)
    """)
    assert proc.stdout.readline().strip() == "insert messages"
    time.sleep(0.05)
    assert proc.poll() is None, "the import finished before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert fingerprint(store) == before
    result = import_path(store, big)
    assert result.counts["messages"]["inserted"] == 200_000


def test_writer_and_reader_processes_share_the_store(tmp_path: Path) -> None:
    db = tmp_path / "store.duckdb"
    store = Store(db, Settings(db_path=db))
    import_path(store, write(tmp_path / "small", FULL))  # 4 messages
    big = big_messages(tmp_path / "big", 30_000)
    done = tmp_path / "writer.done"
    settings = f"Settings(db_path=Path({str(db)!r}))"
    writer = child(f"""
        from pathlib import Path
        from pipeone_analytics.config import Settings
        from pipeone_analytics.store import Store
        from pipeone_analytics.ingest import import_path
        store = Store(Path({str(db)!r}), {settings})
        for _ in range(2):
            print(import_path(store, Path({str(big)!r})).counts["messages"]["inserted"], flush=True)
        Path({str(done)!r}).touch()
    """)
    reader = child(f"""
        import json
        from pathlib import Path
        from pipeone_analytics.config import Settings
        from pipeone_analytics.store import Store
        store = Store(Path({str(db)!r}), {settings})
        seen = set()
        reads = 0
        while True:
            finished = Path({str(done)!r}).exists()
            seen.add(int(store.df("SELECT count(*) AS n FROM messages")["n"][0]))
            reads += 1
            if finished:
                break
        print(json.dumps({{"seen": sorted(seen), "reads": reads}}), flush=True)
    """)
    w_out, w_err = writer.communicate(timeout=120)
    r_out, r_err = reader.communicate(timeout=120)
    assert writer.returncode == 0, w_err
    assert reader.returncode == 0, r_err
    assert w_out.split() == ["30000", "0"]  # the second import changes nothing
    # The reader only ever sees the store before or after the import, never half of it: 4 or 4 + 30,000.
    report = json.loads(r_out)
    assert set(report["seen"]) <= {4, 30_004} and report["reads"] >= 2


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "pipeone_analytics.cli", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)


def test_cli_import_bad_path_is_one_line(tmp_path: Path) -> None:
    done = run_cli("import", str(tmp_path / "nowhere"), "--db", str(tmp_path / "x.duckdb"), "--format", "canonical")
    assert done.returncode == 2
    assert done.stderr == f"pipeone: error: no such file or folder: {tmp_path / 'nowhere'}\n"
    assert done.stdout == ""


def test_cli_import_missing_column_is_one_line(tmp_path: Path) -> None:
    export = write(tmp_path / "e", {"messages.csv": "message_id,channel\nm1,sms\n"})
    done = run_cli("import", str(export), "--db", str(tmp_path / "x.duckdb"), "--format", "canonical")
    assert done.returncode == 2
    assert done.stderr == "pipeone: error: messages.csv: missing required column conversation_id " \
                          "(or conversation, thread_id, chat_id)\n"


def test_cli_import_prints_summary(tmp_path: Path) -> None:
    done = run_cli("import", str(write(tmp_path / "e", FULL)), "--db", str(tmp_path / "x.duckdb"),
                   "--timezone", "UTC")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == f"import run 1: {tmp_path / 'e'} (canonical, naive times in UTC)"
    messages = next(line.split() for line in lines if line.startswith("messages"))
    assert messages[:6] == ["messages", "4", "4", "0", "0", "0"]
