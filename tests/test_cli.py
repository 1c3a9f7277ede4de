"""The `pipeone` command: user errors are one line with exit 2; the outbox hand-off works end to end."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from pipeone_analytics import cli
from pipeone_analytics.ops import compose
from pipeone_analytics.ops.permissions import acting_user
from pipeone_analytics.store import Store


def test_outbox_export_hands_queued_messages_to_a_gateway(demo_store: Store, tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PIPEONE_USER", "a01")  # an admin in the demo data
    conversation = demo_store.df("SELECT conversation_id FROM conversations ORDER BY 1 LIMIT 1").iloc[0, 0]
    sent = compose.compose(demo_store, acting_user(demo_store), conversation, body="Olá, tudo certo?",
                           channel="whatsapp")
    out = tmp_path / "outbox.jsonl"
    assert cli.main(["outbox", "export", "--db", str(demo_store.path), "--out", str(out)]) == 0
    assert "exported 1 queued messages" in capsys.readouterr().out
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [r["outbox_id"] for r in rows] == [sent.outbox_id]
    assert rows[0]["body"] == "Olá, tudo certo?" and rows[0]["channel"] == "whatsapp"
    # exported rows are marked, so a second run hands nothing over twice
    assert cli.main(["outbox", "export", "--db", str(demo_store.path), "--out", str(tmp_path / "b.jsonl")]) == 0
    assert "no queued messages" in capsys.readouterr().out


def test_outbox_export_without_a_user_is_one_line_and_exit_2(demo_store: Store, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    code = cli.main(["outbox", "export", "--db", str(demo_store.path), "--out", str(tmp_path / "o.jsonl")])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("pipeone: error: ") and err.count("\n") == 1
    assert not (tmp_path / "o.jsonl").exists()


def test_unknown_export_kind_and_benchmark_are_one_line(demo_store: Store, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["export", "nope", "--db", str(demo_store.path), "--out", str(tmp_path / "x.csv")]) == 2
    err = capsys.readouterr().err
    assert "unknown export 'nope'" in err and "ratings" in err and err.count("\n") == 1
    assert cli.main(["bench", "nope"]) == 2
    assert "no benchmark 'nope'" in capsys.readouterr().err


@pytest.mark.parametrize("kind", ["contacts", "messages", "conversations", "tickets", "ratings",
                                  "interactions", "response-times", "outbox"])
def test_every_export_kind_writes_one_row_per_entity(kind: str, demo_store: Store, tmp_path: Path) -> None:
    import pandas as pd

    out = tmp_path / f"{kind}.parquet"
    assert cli.main(["export", kind, "--db", str(demo_store.path), "--out", str(out)]) == 0
    frame = pd.read_parquet(out)
    key = {"contacts": "contact_id", "messages": "message_id", "conversations": "conversation_id",
           "tickets": "ticket_id", "ratings": "contact_id", "outbox": "outbox_id"}.get(kind)
    if key:
        assert frame[key].is_unique
        table = "contacts" if kind == "ratings" else kind
        assert len(frame) == demo_store.df(f"SELECT count(DISTINCT {key}) AS n FROM {table}")["n"].iloc[0]
    else:
        assert len(frame) > 0
