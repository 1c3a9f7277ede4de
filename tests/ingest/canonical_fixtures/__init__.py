"""Small hand-written canonical exports for the import tests, and a snapshot of a store's tables."""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from pipeone_analytics.store import CANONICAL_TABLES, Store

MESSAGES = """\
message_id,conversation_id,contact_id,channel,direction,sent_at,sender_type,agent_id,body,template_id,attachments
m1,cv1,k1,whatsapp,inbound,2024-03-10 23:30,,,"Oi, tudo bem?",,
m2,cv1,k1,whatsapp,outbound,2024-03-10 23:40,,a1,Tudo!,,
m3,cv1,k1,whatsapp,outbound,2024-03-10 23:45,note,a1,internal,,
m4,cv2,k2,email,inbound,2024-03-11T09:00:00Z,,,"line one
line two",,"[{""name"": ""a.pdf""}]"
"""

CONTACTS = """\
contact_id,name,phone,email,created_at,plan
k1,Ana,(11) 98765-4321,,2024-01-01 10:00,gold
k2,Bruno,12345,bruno@example.com,,
k3,Cris,,,,silver
"""

AGENTS = """\
agent_id,name,email,role,team
a1,Alice,alice@example.com,,Suporte
a2,Beto,,manager,
"""

CONVERSATIONS = """\
conversation_id,contact_id,created_at,assignee_id,status
cv1,k1,2024-03-10 23:30,a1,in_progress
cv2,k2,2024-03-11 06:00,,
"""

EVENTS = """\
event_id,conversation_id,at,actor_id,kind,value
e1,cv1,2024-03-10 23:31,a2,assigned,a1
"""

TICKETS = """\
ticket_id,conversation_id,resolved_at,resolved_by,type,category,note
t1,cv1,2024-03-11 00:00,a1,question,cat1,
"""

CATEGORIES = """\
category_id,name,active
cat1,Billing,
"""

TEMPLATES = """\
template_id,name,body,channel,attachments
tpl1,Welcome,Hello!,WhatsApp,
"""

FULL = {"messages.csv": MESSAGES, "contacts.csv": CONTACTS, "agents.csv": AGENTS,
        "conversations.csv": CONVERSATIONS, "events.csv": EVENTS, "tickets.csv": TICKETS,
        "categories.csv": CATEGORIES, "templates.csv": TEMPLATES}


def write(folder: Path, files: dict[str, str | bytes]) -> Path:
    """Write {name: text or bytes} into folder (created) and return it."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def snapshot(store: Store) -> dict[str, pd.DataFrame]:
    """Every canonical table plus import_runs and import_rejects, rows sorted, as DataFrames."""
    out = {}
    for table in (*CANONICAL_TABLES, "import_runs", "import_rejects"):
        frame = store.df(f"SELECT * FROM {table}")
        out[table] = frame.sort_values(list(frame.columns)).reset_index(drop=True).astype(str)
    return out


def fingerprint(store: Store) -> dict[str, tuple[int, str]]:
    """(row count, order-independent hash sum) of every canonical and import table, in one query."""
    tables = (*CANONICAL_TABLES, "import_runs", "import_rejects")
    sql = " UNION ALL ".join(f"SELECT '{t}' AS name, count(*) AS n, "
                             f"coalesce(sum(hash(t)), 0)::HUGEINT::VARCHAR AS h FROM {t} t" for t in tables)
    return {name: (int(n), h) for name, n, h in store.df(sql).itertuples(index=False)}


def rejects(store: Store) -> list[tuple]:
    """(table_name, file, line, column_name, reason) of every reject, in file and line order."""
    frame = store.df("SELECT table_name, file, line, column_name, reason FROM import_rejects "
                     "ORDER BY run_id, table_name, file, line")
    return [tuple(None if pd.isna(v) else v for v in row) for row in frame.itertuples(index=False)]
