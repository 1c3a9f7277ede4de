"""The outbox hand-off: queued messages written as JSONL for a gateway, then marked exported.

PipeOne Analytics never sends to a real network. `export_outbox` writes every `queued` row to a
new .jsonl file (never overwriting one a gateway has not picked up yet) and marks those rows
`exported` in the same transaction, so the next export does not repeat them. The file is written
before the commit; if the commit itself failed the rows would stay queued and be exported again,
so a gateway must treat `outbox_id` as an idempotency key. `pipeone export outbox` is the read-only
view of the whole table and marks nothing.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd

from .. import i18n
from ..errors import ValidationError
from ..exports import write_frame
from ..store import Store
from . import permissions
from .audit import audited, new_id
from .permissions import Actor

QUEUED_SQL = """
SELECT o.outbox_id, o.created_at, o.channel, o.conversation_id, o.contact_id,
       coalesce(c.phone_e164, c.phone) AS phone, c.email, o.agent_id, o.template_id, o.body,
       o.attachments, o.encoding, o.segments
FROM outbox o LEFT JOIN (SELECT * FROM contacts QUALIFY row_number() OVER (PARTITION BY contact_id) = 1) c
  USING (contact_id)
WHERE o.status = 'queued'
ORDER BY o.created_at, o.outbox_id
"""


def queued(store: Store) -> pd.DataFrame:
    """Outbox rows waiting for a gateway, oldest first, with the contact's address.

    Columns: outbox_id, created_at, channel, conversation_id, contact_id, phone, email, agent_id,
    template_id, body, attachments (list of {path, name, size, mime_type}), encoding, segments.
    """
    frame = store.df(QUEUED_SQL)
    frame["attachments"] = frame["attachments"].map(lambda a: json.loads(a) if isinstance(a, str) else []
                                                    ).astype(object)
    return frame


def export_outbox(store: Store, actor: Actor | None, path: str | Path) -> int:
    """Write queued outbox rows to a new JSONL file and mark them exported (manager); returns the count."""
    path = Path(path)
    locale = store.settings.locale
    permissions.check(actor, "export_outbox", None, locale)
    if path.suffix.lower() not in (".jsonl", ".ndjson"):
        raise ValidationError(i18n.t("ops_outbox_suffix", locale, path=path))
    if path.exists():
        raise ValidationError(i18n.t("ops_outbox_exists", locale, path=path))
    if queued(store).empty:
        return 0
    with audited(store, actor, "export_outbox", "outbox", new_id()) as op:
        frame = queued(op.store)
        ids = frame["outbox_id"].tolist()
        op.con.execute("UPDATE outbox SET status = 'exported' WHERE list_contains(?, outbox_id)", [ids])
        partial = path.with_name(f".{path.stem}.partial{path.suffix}")
        try:
            write_frame(frame, partial)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        op.after = {"path": str(path.resolve()), "count": len(ids), "outbox_ids": ids}
    return len(ids)
