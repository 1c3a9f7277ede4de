"""Customer Support on Twitter (TWCS) CSV: tweet_id,author_id,inbound,created_at,text,response_tweet_id,
in_response_to_tweet_id.

A conversation is a connected reply tree (edges from in_response_to_tweet_id and response_tweet_id,
which may list several ids); its id is the tweet id of its first tweet. `inbound` gives the direction;
the author of a non-inbound tweet is the company, stored as the agent. The contact of a conversation
is the author of its first inbound tweet; a tree with no inbound tweet is rejected. Ids written as
floats (`3.0`) are read as integers. Message, conversation and contact ids are `twcs-<id>` (the data
set numbers customers and tweets itself); an agent is `@<screen name>`, as in twitter-care. The
channel is `other`: DESIGN's channel list has no twitter.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..config import Settings
from ..errors import ImportFailed
from .adapters import read_csv, with_skipped

COLUMNS = ("tweet_id", "author_id", "inbound", "created_at", "text", "response_tweet_id",
           "in_response_to_tweet_id")
DATE_FORMAT = "%a %b %d %H:%M:%S %z %Y"
PREFIX = "twcs-"  # TWCS ids are the data set's own numbers: namespaced so they meet no other source's
MONTHS = {m: f"{i:02d}" for i, m in enumerate(("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct",
                                                "Nov", "Dec"), start=1)}
def _created(raw: pd.Series) -> pd.Series:
    """created_at in UTC: the TWCS format, else ISO-8601 with an offset; NaT otherwise."""
    text = raw.str.strip()
    # The usual fixed-width shape, rewritten as ISO-8601 so that pandas parses it in C.
    usual = text.str.fullmatch(r"[A-Z][a-z]{2} [A-Z][a-z]{2} \d{2} \d{2}:\d{2}:\d{2} [+-]\d{4} \d{4}")
    iso = (text.str.slice(26, 30) + "-" + text.str.slice(4, 7).map(MONTHS) + "-" + text.str.slice(8, 10) + "T"
           + text.str.slice(11, 19) + text.str.slice(20, 25))
    when = pd.to_datetime(iso.where(usual), format="ISO8601", utc=True, errors="coerce")
    strict = when.isna() & text.ne("")
    if strict.any():
        when[strict] = pd.to_datetime(text[strict], format=DATE_FORMAT, utc=True, errors="coerce")
    other = when.isna() & text.str.contains(r"(?:Z|[+-]\d{2}:?\d{2})$", regex=True)
    if other.any():
        when[other] = pd.to_datetime(text[other], format="ISO8601", utc=True, errors="coerce")
    return when


def tweet_ids(raw: pd.Series) -> pd.Series:
    """Tweet ids as digits ('3.0' -> '3'); NaN where the text is not an id."""
    ids = raw.str.strip().str.replace(r"\.0*$", "", regex=True)
    return ids.where(ids.str.fullmatch(r"\d+"))


def _trees(ids: pd.Series, edges: pd.DataFrame) -> np.ndarray:
    """For each tweet (by position), the smallest position of its connected reply tree.

    edges: columns a, b (tweet ids); ids missing from `ids` are ignored. Min-label propagation
    with pointer jumping, a few numpy passes for reply trees of any shape."""
    position = pd.Series(np.arange(len(ids)), index=ids.to_numpy())
    first = position.groupby(level=0).transform("min").to_numpy()  # a repeated id joins its first row
    position = position[~position.index.duplicated()]
    a = position.reindex(edges["a"].to_numpy()).to_numpy()
    b = position.reindex(edges["b"].to_numpy()).to_numpy()
    keep = ~(np.isnan(a) | np.isnan(b))
    a = np.concatenate([a[keep].astype(np.int64), np.arange(len(ids))])
    b = np.concatenate([b[keep].astype(np.int64), first])
    labels = np.arange(len(ids))
    while True:
        low = np.minimum(labels[a], labels[b])
        new = labels.copy()
        np.minimum.at(new, a, low)
        np.minimum.at(new, b, low)
        new = new[new]
        if np.array_equal(new, labels):
            return labels
        labels = new


def read(path: Path, options: dict[str, Any], settings: Settings) -> dict[str, pd.DataFrame]:
    """Read a TWCS CSV into contacts, agents, conversations, messages (plus the skipped lines)."""
    path = Path(path)
    raw = read_csv(path, COLUMNS[:5], "a TWCS file")
    for col in COLUMNS[5:]:
        if col not in raw.columns:
            raw[col] = ""
    tid, when, author = tweet_ids(raw["tweet_id"]), _created(raw["created_at"]), raw["author_id"].str.strip()
    inbound = raw["inbound"].str.strip().str.lower().map({"true": True, "false": False})
    parent_text = raw["in_response_to_tweet_id"].str.strip()
    parent = tweet_ids(parent_text)
    replies = raw["response_tweet_id"].str.split(",").explode().str.strip()
    replies = replies[replies.fillna("") != ""]
    reply_ids = tweet_ids(replies)
    bad_link = (parent.isna() & (parent_text != "")) | pd.Series(reply_ids.isna().groupby(level=0).any()).reindex(
        raw.index, fill_value=False)
    problem = pd.Series(np.select(
        [tid.isna(), when.isna(), inbound.isna(), author == "", bad_link],
        ["tweet_id is not a number", "created_at is not a date with an offset", "inbound is neither True nor False",
         "author_id is empty", "a reply id is not a number"], default=""), index=raw.index)
    skipped = [{"reason": r, "_file": path.name, "_line": n, "raw": ",".join(x)} for r, n, *x in zip(
        problem[problem != ""], raw["_line"][problem != ""], raw["tweet_id"][problem != ""],
        raw["author_id"][problem != ""], raw["inbound"][problem != ""], raw["created_at"][problem != ""])]
    ok = problem == ""
    if not ok.any():
        raise ImportFailed(f"{path.name}: no usable tweet ({len(skipped)} rejected)")

    frame = pd.DataFrame({"message_id": tid[ok], "author": author[ok], "inbound": inbound[ok].astype(bool),
                          "sent_at": when[ok], "body": raw["text"][ok], "_file": path.name,
                          "_line": raw["_line"][ok]}).reset_index(drop=True)
    edges = pd.concat([pd.DataFrame({"a": tid[ok & parent.notna()], "b": parent[ok & parent.notna()]}),
                       pd.DataFrame({"a": tid.reindex(reply_ids.index), "b": reply_ids})[
                           lambda e: e.index.isin(raw.index[ok]) & e["b"].notna()]])
    frame["tree"] = _trees(frame["message_id"], edges)
    frame = frame.sort_values(["sent_at", "message_id"], kind="stable")
    frame["conversation_id"] = frame.groupby("tree")["message_id"].transform("first")
    contact = frame[frame["inbound"]].groupby("tree")["author"].first()
    frame["conv_contact"] = frame["tree"].map(contact)

    orphan = frame["conv_contact"].isna()
    skipped += [{"reason": "reply tree has no inbound (customer) tweet", "raw": m, "_file": f, "_line": n}
                for m, f, n in zip(frame["message_id"][orphan], frame["_file"][orphan], frame["_line"][orphan])]
    frame = frame[~orphan]
    inbound = frame["inbound"]
    messages = pd.DataFrame({
        "message_id": PREFIX + frame["message_id"], "conversation_id": PREFIX + frame["conversation_id"],
        "contact_id": PREFIX + frame["author"].where(inbound, frame["conv_contact"]), "channel": "other",
        "direction": inbound.map({True: "inbound", False: "outbound"}), "sent_at": frame["sent_at"],
        "sender_type": inbound.map({True: "contact", False: "agent"}),
        "agent_id": "@" + frame["author"].where(~inbound), "body": frame["body"],
        "_file": frame["_file"], "_line": frame["_line"]})
    firsts = (frame.groupby("conversation_id", sort=False)
              .agg(contact_id=("conv_contact", "first"), created_at=("sent_at", "first")).reset_index())
    conversations = firsts.assign(conversation_id=PREFIX + firsts["conversation_id"],
                                  contact_id=PREFIX + firsts["contact_id"])
    people = frame.drop_duplicates("author")
    customers, companies = people[people["inbound"]], people[~people["inbound"]]
    contacts = pd.DataFrame({"contact_id": PREFIX + customers["author"], "name": customers["author"],
                             "_file": customers["_file"], "_line": customers["_line"]})
    agents = pd.DataFrame({"agent_id": "@" + companies["author"], "name": companies["author"],
                           "_file": companies["_file"], "_line": companies["_line"]})
    return {"contacts": contacts, "agents": agents, "conversations": conversations,
            "messages": with_skipped(messages, skipped)}
