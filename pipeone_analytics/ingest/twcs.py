"""Customer Support on Twitter (TWCS) CSV: tweet_id,author_id,inbound,created_at,text,response_tweet_id,
in_response_to_tweet_id.

A conversation is a connected reply tree (edges from in_response_to_tweet_id and response_tweet_id,
which may list several ids); its id is the tweet id of its first tweet. `inbound` gives the direction;
the author of a non-inbound tweet is the company, stored as the agent. The contact of a conversation
is the author of its first inbound tweet; a tree with no inbound tweet is rejected. Ids written as
floats (`3.0`) are read as integers. The channel is `other`: DESIGN's channel list has no twitter.
"""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import Settings
from ..errors import ImportFailed
from .adapters import with_skipped

COLUMNS = ("tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
           "in_response_to_tweet_id")
DATE_FORMAT = "%a %b %d %H:%M:%S %z %Y"
TWEET_ID = re.compile(r"(\d+)(?:\.0*)?")


def tweet_id(raw: str) -> str | None:
    """A tweet id as digits ('3.0' -> '3'), or None when the text is not an id."""
    m = TWEET_ID.fullmatch(raw.strip())
    return m[1] if m else None


def _created(raw: str) -> dt.datetime | None:
    for parse in (lambda s: dt.datetime.strptime(s, DATE_FORMAT), dt.datetime.fromisoformat):
        try:
            when = parse(raw.strip())
        except ValueError:
            continue
        if when.tzinfo is not None:
            return when.astimezone(dt.timezone.utc)
    return None


def _components(ids: list[str], links: list[list[str]]) -> list[str]:
    """For each tweet, a representative of its connected reply tree (union-find with path halving)."""
    parent = {i: i for i in ids}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for i, linked in zip(ids, links):
        for j in linked:
            if j in parent:
                a, b = find(i), find(j)
                if a != b:
                    parent[max(a, b)] = min(a, b)
    return [find(i) for i in ids]


def read(path: Path, options: dict[str, Any], settings: Settings) -> dict[str, pd.DataFrame]:
    """Read a TWCS CSV into contacts, agents, conversations, messages (plus the skipped lines)."""
    path = Path(path)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise ImportFailed(f"{path.name} is not a readable CSV: {str(exc).splitlines()[0]}") from None
    missing = [c for c in COLUMNS[:5] if c not in raw.columns]
    if missing:
        raise ImportFailed(f"{path.name} is not a TWCS file: no column {', '.join(missing)}")
    for col in COLUMNS[5:]:
        if col not in raw.columns:
            raw[col] = ""

    rows, skipped = [], []
    for n, rec in enumerate(raw.to_dict("records"), start=2):  # line 1 is the header
        tid, when = tweet_id(rec["tweet_id"]), _created(rec["created_at"])
        inbound = rec["inbound"].strip().lower()
        links = [tweet_id(x) for x in rec["response_tweet_id"].split(",") if x.strip()]
        if rec["in_response_to_tweet_id"].strip():
            links.append(tweet_id(rec["in_response_to_tweet_id"]))
        problem = ("tweet_id is not a number" if tid is None else
                   "created_at is not a date with an offset" if when is None else
                   "inbound is neither True nor False" if inbound not in ("true", "false") else
                   "author_id is empty" if not rec["author_id"].strip() else
                   "a reply id is not a number" if None in links else None)
        if problem:
            skipped.append({"reason": problem, "_file": path.name, "_line": n,
                            "raw": ",".join(str(rec[c]) for c in ("tweet_id", "author_id", "inbound", "created_at"))})
            continue
        rows.append({"message_id": tid, "author": rec["author_id"].strip(), "inbound": inbound == "true",
                     "sent_at": when, "body": rec["text"], "links": links, "_file": path.name, "_line": n})
    if not rows:
        raise ImportFailed(f"{path.name}: no usable tweet ({len(skipped)} rejected)")
    frame = pd.DataFrame(rows)
    frame["tree"] = _components(frame["message_id"].tolist(), frame["links"].tolist())
    frame["sent_at"] = pd.to_datetime(frame["sent_at"], utc=True)
    frame = frame.sort_values(["sent_at", "message_id"], kind="stable")
    frame["conversation_id"] = frame.groupby("tree")["message_id"].transform("first")
    contact = frame[frame["inbound"]].groupby("tree")["author"].first()
    frame["conv_contact"] = frame["tree"].map(contact)

    orphan = frame["conv_contact"].isna()
    skipped += [{"reason": "reply tree has no inbound (customer) tweet",
                 "raw": r["message_id"], "_file": r["_file"], "_line": r["_line"]} for r in frame[orphan].to_dict("records")]
    frame = frame[~orphan]
    inbound = frame["inbound"]
    messages = pd.DataFrame({
        "message_id": frame["message_id"], "conversation_id": frame["conversation_id"],
        "contact_id": frame["author"].where(inbound, frame["conv_contact"]), "channel": "other",
        "direction": inbound.map({True: "inbound", False: "outbound"}), "sent_at": frame["sent_at"],
        "sender_type": inbound.map({True: "contact", False: "agent"}),
        "agent_id": frame["author"].where(~inbound), "body": frame["body"],
        "_file": frame["_file"], "_line": frame["_line"]})
    conversations = (frame.groupby("conversation_id", sort=False)
                     .agg(contact_id=("conv_contact", "first"), created_at=("sent_at", "first")).reset_index())
    people = frame.drop_duplicates("author")
    contacts = people[people["inbound"]].rename(columns={"author": "contact_id"})[["contact_id", "_file", "_line"]]
    contacts["name"] = contacts["contact_id"]
    agents = people[~people["inbound"]].rename(columns={"author": "agent_id"})[["agent_id", "_file", "_line"]]
    agents["name"] = agents["agent_id"]
    return {"contacts": contacts, "agents": agents, "conversations": conversations,
            "messages": with_skipped(messages, skipped)}
