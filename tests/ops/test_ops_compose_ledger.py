"""Compose keeps the persisted interaction ledger fresh in its own transaction."""
from __future__ import annotations

import pandas as pd

from ops_team import as_user
from pipeone_analytics import derived
from pipeone_analytics.ops import compose
from pipeone_analytics.store import Store


def _rows(store: Store, sql: str) -> pd.DataFrame:
    return store.df(f"SELECT * FROM ({sql}) ORDER BY conversation_id, to_at, to_message_id")


def test_a_composed_reply_enters_the_ledger(inbox: Store) -> None:
    ana = as_user(inbox, "ana")
    first_in = inbox.df("SELECT message_id, sent_at FROM messages WHERE conversation_id = 'c_ana'").iloc[0]
    before = _rows(inbox, "SELECT * FROM interaction_ledger")
    # c_ana held one inbound message (one turn, no response): the reply answers it
    sent = compose.compose(inbox, ana, "c_ana", body="Oi")
    # c_sms ends with ana's reply at 10:10: a second agent message joins that turn and adds no row
    compose.compose(inbox, ana, "c_sms", body="Mais uma coisa", channel="sms")
    stored = _rows(inbox, "SELECT * FROM interaction_ledger")
    pd.testing.assert_frame_equal(stored, _rows(inbox, derived.ledger_sql()))
    added = stored[~stored["to_message_id"].isin(before["to_message_id"])]
    assert added[["conversation_id", "direction", "from_message_id", "to_message_id", "agent_id", "channel"]
                 ].values.tolist() == [["c_ana", "agent_reply", first_in["message_id"], sent.message_id, "ana",
                                        "whatsapp"]]
    assert added["from_at"].iloc[0] == first_in["sent_at"]
