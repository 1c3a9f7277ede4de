"""IBM twitter-customer-care JSON: a list of dialogs with dialogHeader, dialogContent and agentURL.

Each dialog is a conversation (id: its sessionID). A turn's role key is `client` or `client1` (a
contact, inbound) or `agent` (the company, outbound); its time is the ISO-8601 UTC `datetime`. The
agent answer in `agentURL` is one more outbound message whose time is recovered from its tweet id
(a Twitter snowflake). message_id is the tweet id; contacts and agents are `@<screen name>`;
`_line` is the line of that id in the file.
Channel `other`: DESIGN's channel list has no twitter. Bodies may hold e-mail addresses (PII).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import Settings
from ..errors import ImportFailed
from .adapters import with_skipped

ROLES = {"client": "inbound", "client1": "inbound", "agent": "outbound", "agentURL": "outbound"}
TWITTER_EPOCH_MS = 1288834974657


def snowflake_time(tweet_id: str | int) -> dt.datetime:
    """The UTC time a tweet was posted, from its id: ms since the Unix epoch = (id >> 22) + 1288834974657."""
    ms = (int(tweet_id) >> 22) + TWITTER_EPOCH_MS
    return dt.datetime.fromtimestamp(ms / 1000, dt.timezone.utc)


def _iso(raw: Any) -> dt.datetime | None:
    try:
        when = dt.datetime.fromisoformat(str(raw))
    except ValueError:
        return None
    return when.astimezone(dt.timezone.utc) if when.tzinfo else None


def read(path: Path, options: dict[str, Any], settings: Settings) -> dict[str, pd.DataFrame]:
    """Read an IBM customer-care JSON file into contacts, agents, conversations, messages (plus the skipped lines)."""
    path = Path(path)
    text = path.read_text(encoding="utf-8-sig")
    try:
        dialogs = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{path.name} is not valid JSON (line {exc.lineno})") from None
    if not isinstance(dialogs, list) or not all(isinstance(d, dict) and "dialogContent" in d for d in dialogs):
        raise ImportFailed(f"{path.name} is not a customer-care file: expected a list of dialogs with dialogContent")
    occurrences: dict[str, list[int]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        for m in re.finditer(r'"tweet_ID"\s*:\s*"?([^",}\s]*)', line):
            occurrences.setdefault(m[1], []).append(number)
    lines = {tid: iter(numbers) for tid, numbers in occurrences.items()}  # dialogs are read in file order

    rows, skipped = [], []
    for dialog in dialogs:
        header = dialog.get("dialogHeader") or {}
        session = str(header.get("sessionID") or "").strip()
        # (role, tweet id, author, time, text) of each turn, then of the agentURL answer
        items = [(role, str(t.get("tweet_ID") or "").strip(), str(t.get(role) or "").strip(),
                  _iso(t.get("datetime")), t.get("message"))
                 for t in dialog["dialogContent"] for role in [next((r for r in ROLES if r in t), None)]]
        answer = dialog.get("agentURL") or {}
        if answer:
            aid = str(answer.get("tweet_ID") or "").strip()
            items.append(("agentURL", aid, str(header.get("company") or "").strip(),
                          snowflake_time(aid) if aid.isdigit() else None, answer.get("url_utterance")))
        turns = []
        for role, tid, who, when, body in items:
            line = next(lines.get(tid, iter(())), None)
            problem = ("dialog has no sessionID" if not session else
                       "turn has no client, client1 or agent key" if role is None else
                       "tweet_ID is not a number" if not tid.isdigit() else
                       "datetime is not an ISO-8601 time with a zone" if when is None else None)
            if problem:
                skipped.append({"reason": problem, "raw": tid, "_file": path.name, "_line": line})
                continue
            turns.append({"message_id": tid, "conversation_id": session, "who": who, "direction": ROLES[role],
                          "sent_at": when, "body": body, "_line": line})
        contact = next((t["who"] for t in turns if t["direction"] == "inbound"), None)
        if contact is None:
            skipped += [{"reason": "dialog has no client turn", "raw": t["message_id"],
                         "_file": path.name, "_line": t["_line"]} for t in turns]
            continue
        rows += [t | {"contact": contact, "_file": path.name} for t in turns]
    if not rows:
        raise ImportFailed(f"{path.name}: no usable dialog ({len(skipped)} turns rejected)")

    frame = pd.DataFrame(rows)
    again = frame["message_id"].duplicated()  # some dialogs are repeated under another sessionID
    first_dialog = frame.drop_duplicates("message_id").set_index("message_id")["conversation_id"]
    skipped += [{"reason": f"tweet already in dialog {first_dialog[r['message_id']]}",
                 "raw": r["message_id"], "_file": r["_file"], "_line": r["_line"]}
                for r in frame[again].to_dict("records")]
    frame = frame[~again]
    frame["sent_at"] = pd.to_datetime(frame["sent_at"], utc=True)
    inbound = frame["direction"] == "inbound"
    messages = pd.DataFrame({
        "message_id": frame["message_id"], "conversation_id": frame["conversation_id"],
        "contact_id": "@" + frame["who"].where(inbound, frame["contact"]), "channel": "other",
        "direction": frame["direction"], "sent_at": frame["sent_at"],
        "sender_type": inbound.map({True: "contact", False: "agent"}),
        "agent_id": "@" + frame["who"].where(~inbound), "body": frame["body"],
        "_file": frame["_file"], "_line": frame["_line"].astype("Int64")})
    firsts = (frame.sort_values("sent_at").groupby("conversation_id", sort=False)
              .agg(contact_id=("contact", "first"), created_at=("sent_at", "first")).reset_index())
    conversations = firsts.assign(contact_id="@" + firsts["contact_id"])
    people = frame.drop_duplicates(["who", "direction"])
    customers = people.loc[people["direction"] == "inbound", "who"]
    companies = people.loc[people["direction"] == "outbound", "who"]
    contacts = pd.DataFrame({"contact_id": "@" + customers, "name": customers})
    agents = pd.DataFrame({"agent_id": "@" + companies, "name": companies})
    return {"contacts": contacts, "agents": agents,
            "conversations": conversations, "messages": with_skipped(messages, skipped)}
