"""WhatsApp chat exports (Android and iOS, any locale's date order; .txt or WhatsApp's .zip).

Each line that starts with a date header opens a message; the lines after it continue the
message. A header whose rest has no `Name: ` (e.g. "X joined", or chat-miner's "Name:." with no
space) is a system line, and so is iOS's "Chat name: \u200e<notice>": skipped, and handed to the
importer as a rejected row with reason "system line". Participants named by --agent-name are the company
(outbound, agents table); everyone else is a contact (inbound). One chat is split into conversations after an
inactivity gap (--gap-days, default 5), as for Twilio. Times are naive local wall-clock strings:
the importer reads them in --timezone or the account timezone. Ids are deterministic: a message's
is the chat (file name and participants), its time and its rank among that time's messages, so a
later export of the same chat updates rather than duplicates.
"""
from __future__ import annotations

import datetime as dt
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import pandas as pd

from ..config import Settings
from ..errors import ImportFailed
from ..phones import check_phone
from .adapters import attachments_json, gap_days, names, split_by_gap, stable_id, with_skipped

# Direction and isolation marks WhatsApp puts around names, mentions and system text.
MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e\ufeff"))
HEADER = re.compile(r"""
    ^[\u200e\u200f]?(?P<open>\[)?
    (?P<a>\d{1,4})(?P<sep>[./-])(?P<b>\d{1,2})(?P=sep)(?P<c>\d{1,4})\.?,?\s
    (?P<hour>\d{1,2})[:.](?P<minute>\d{2})(?:[:.](?P<second>\d{2}))?
    (?:\s?(?P<ampm>[AaPp])\.?\s?[Mm]\.?)?
    (?(open)\]\s|\s[-\u2013]\s)
    (?P<rest>.*)$""", re.X)
ATTACHED = [
    re.compile(r"(?P<name>[^\s<>][^<>\n]*?) \((?:arquivo anexado|file attached|archivo adjunto)\)"),
    re.compile(r"<(?:attached|anexado|adjunto): (?P<name>[^<>\n]+)>"),
]
OMITTED = re.compile(r"<Media omitted>|‹Mídia oculta›|<Mídia oculta>|<Mídia omitida>|<Multimedia omitido>"
                     r"|^(?:image|video|audio|sticker|GIF|document) omitted$", re.M)
ORDERS = ("dmy", "mdy", "ymd")


@dataclass
class _Entry:
    """One header line and its continuation lines."""

    line: int
    fields: tuple[str, str, str]
    clock: tuple[int, int, int]
    author: str | None
    body_lines: list[str] = field(default_factory=list)
    raw: str = ""


def looks_like_chat(text: str) -> bool:
    """Whether the first non-empty line of a text starts with a WhatsApp date header."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    return HEADER.match(first) is not None


def chat_member(zf: zipfile.ZipFile) -> str | None:
    """The name of the chat .txt inside a WhatsApp export zip, or None."""
    for name in zf.namelist():
        if name.lower().endswith(".txt"):
            with zf.open(name) as fh:
                if looks_like_chat(fh.read(4096).decode("utf-8-sig", errors="replace")):
                    return name
    return None


def chat_text(path: Path) -> tuple[str, str]:
    """(chat name, text) of a WhatsApp .txt, or of the chat .txt inside WhatsApp's .zip."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as zf:
            name = chat_member(zf)
            if name is None:
                raise ImportFailed(f"{path.name}: no WhatsApp chat .txt inside the zip")
            return PurePosixPath(name).stem, zf.read(name).decode("utf-8-sig", errors="replace")
    try:
        return path.stem, path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed(f"{path.name} is not UTF-8 text; WhatsApp exports are UTF-8") from None


def _split_author(rest: str, bracketed: bool) -> tuple[str | None, str]:
    """(author or None for a system line, first body line)."""
    author, sep, body = rest.partition(": ")
    if not sep and rest.endswith(":"):
        author, sep, body = rest[:-1], ":", ""
    if not sep or '"' in author or not author.translate(MARKS).strip():
        return None, rest
    if bracketed and body.startswith("\u200e") and not _attachments(body.translate(MARKS)):
        return None, rest  # iOS writes system text as "Chat name: \u200e..."
    return author.translate(MARKS).strip(), body


def _entries(text: str) -> tuple[list[_Entry], list[tuple[int, str]]]:
    """Header entries with their continuation lines, and the orphan lines before any header."""
    entries: list[_Entry] = []
    orphans: list[tuple[int, str]] = []
    for number, line in enumerate(text.splitlines(), start=1):
        m = HEADER.match(line)
        if m is None:
            if entries:
                entries[-1].body_lines.append(line.translate(MARKS))
            elif line.strip():
                orphans.append((number, line.translate(MARKS)))
            continue
        hour = int(m["hour"])
        if m["ampm"]:
            hour = hour % 12 + (12 if m["ampm"].lower() == "p" else 0)
        author, body = _split_author(m["rest"], bool(m["open"]))
        entries.append(_Entry(number, (m["a"], m["b"], m["c"]), (hour, int(m["minute"]), int(m["second"] or 0)),
                              author, [body.translate(MARKS)], line.translate(MARKS)))
    return entries, orphans


def _date(fields: tuple[str, str, str], order: str) -> dt.date:
    a, b, c = (int(x) for x in fields)
    year, month, day = {"dmy": (c, b, a), "mdy": (c, a, b), "ymd": (a, b, c)}[order]
    return dt.date(year + 2000 if year < 100 else year, month, day)


def _stamps(entries: list[_Entry], order: str) -> list[dt.datetime] | None:
    """Each entry's local time read in a date order, or None when a date does not exist in it."""
    try:
        return [dt.datetime.combine(_date(e.fields, order), dt.time(*e.clock)) for e in entries]
    except ValueError:
        return None


def date_order(entries: list[_Entry], given: str | None, name: str) -> str:
    """The date order of a chat: --date-order, else ymd for 4-digit first fields, else decided from
    the whole file (a first field > 12 means dmy, a second field > 12 means mdy), else the only
    order in which the messages are in time order; otherwise ImportFailed asking for --date-order."""
    if given:
        if given not in ORDERS:
            raise ImportFailed(f"--date-order must be one of {', '.join(ORDERS)}, not {given!r}")
        return given
    if any(len(e.fields[0]) == 4 for e in entries):
        return "ymd"
    first = any(int(e.fields[0]) > 12 for e in entries)
    second = any(int(e.fields[1]) > 12 for e in entries)
    if first != second:
        return "dmy" if first else "mdy"
    if first:
        raise ImportFailed(f"cannot tell the date order of {name}: some dates have a first field over 12 and "
                           "others a second field over 12; pass --date-order dmy or mdy")
    ordered = [o for o in ("dmy", "mdy")
               if (s := _stamps(entries, o)) is not None and all(x <= y for x, y in zip(s, s[1:]))]
    if len(ordered) == 1:
        return ordered[0]
    raise ImportFailed(f"cannot tell the date order of {name}: its dates read both as day/month and "
                       "as month/day; pass --date-order dmy or mdy")


def _attachments(body: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [{"name": m["name"].strip()} for rx in ATTACHED for m in rx.finditer(body)]
    found += [{"name": None, "omitted": True} for _ in OMITTED.finditer(body)]
    return found


def _person_id(name: str, region: str) -> tuple[str, str | None]:
    """(contact id, phone): a participant shown as a phone number is keyed by its E.164 form."""
    if re.fullmatch(r"\+[\d\s().-]{6,}", name):
        e164, _valid = check_phone(name, region)
        return (e164 or name), name
    return stable_id("wa", name.casefold()), None


def read(path: Path, options: dict[str, Any], settings: Settings) -> dict[str, pd.DataFrame]:
    """Read a WhatsApp chat export into contacts, agents, conversations, messages (plus the skipped lines)."""
    path = Path(path)
    chat, text = chat_text(path)
    entries, orphans = _entries(text)
    if not entries:
        raise ImportFailed(f"{path.name}: no WhatsApp message lines (expected e.g. '31/12/2024 09:15 - Name: text')")
    order = date_order(entries, options.get("date_order"), path.name)
    stamps = _stamps(entries, order)
    if stamps is None:
        bad = next(e for e in entries if _stamps([e], order) is None)
        raise ImportFailed(f"{path.name} line {bad.line}: '{'/'.join(bad.fields)}' is not a {order} date; "
                           "check --date-order")
    skipped = [{"reason": "system line", "raw": e.raw, "_file": path.name,
                "_line": e.line} for e in entries if e.author is None]
    skipped += [{"reason": "line before the first message", "raw": raw,
                 "_file": path.name, "_line": n} for n, raw in orphans]
    agent_names = {n.translate(MARKS).strip().casefold() for n in names(options, "agent_name")}
    authors = {e.author for e in entries if e.author is not None}
    if agent_names and not agent_names & {a.casefold() for a in authors}:
        raise ImportFailed(f"{path.name}: no participant is named {' or '.join(sorted(names(options, 'agent_name')))} "
                           "(--agent-name must match a name as written in the chat)")

    # message_id = chat, time and rank among the messages of that same time: stable when the chat is
    # exported again, and sorting in file order among same-minute messages (time ties break by id).
    # The chat is its file name plus its participants: iOS names every chat "_chat.txt".
    rows, rank, chat_id = [], Counter(), stable_id("wa", chat, *sorted(authors))
    for e, when in zip(entries, stamps):
        if e.author is None:
            continue
        body = "\n".join(e.body_lines)
        rank[when] += 1
        rows.append({"message_id": f"{chat_id}-{when:%Y%m%d%H%M%S}-{rank[when]:03d}", "author": e.author,
                     "is_agent": e.author.casefold() in agent_names, "when": when, "body": body,
                     "attachments": attachments_json(_attachments(body)), "_file": path.name, "_line": e.line})
    frame = pd.DataFrame(rows, columns=["message_id", "author", "is_agent", "when", "body", "attachments",
                                        "_file", "_line"])
    contacts_of = {a: _person_id(a, settings.phone_region) for a in authors if a.casefold() not in agent_names}
    if frame.empty:
        raise ImportFailed(f"{path.name}: only system lines ({len(skipped)}), no message has an author")
    if not contacts_of:
        raise ImportFailed(f"{path.name}: every participant is an agent; a chat needs at least one contact")

    first = split_by_gap(pd.Series(chat, index=frame.index), frame["when"], frame["message_id"], gap_days(options))
    frame["conversation_id"] = first.map({f: stable_id("wa", f) for f in first.unique()})
    inbound = ~frame["is_agent"]
    frame["sender_contact"] = frame["author"].map({a: cid for a, (cid, _) in contacts_of.items()})
    conv_contact = frame[inbound].groupby("conversation_id")["sender_contact"].first()
    chat_contact = frame.loc[inbound, "sender_contact"].iloc[0]
    frame["conv_contact"] = frame["conversation_id"].map(conv_contact).fillna(chat_contact)
    agent_authors = frame.loc[frame["is_agent"], "author"].unique()
    frame["agent_id"] = frame["author"].where(frame["is_agent"]).map(
        {a: stable_id("wa-agent", a.casefold()) for a in agent_authors})

    messages = pd.DataFrame({
        "message_id": frame["message_id"],
        "conversation_id": frame["conversation_id"],
        "contact_id": frame["sender_contact"].where(inbound, frame["conv_contact"]),
        "channel": "whatsapp",
        "direction": inbound.map({True: "inbound", False: "outbound"}),
        "sent_at": frame["when"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        "sender_type": inbound.map({True: "contact", False: "agent"}),
        "agent_id": frame["agent_id"],
        "body": frame["body"],
        "attachments": frame["attachments"],
        "_file": frame["_file"],
        "_line": frame["_line"],
    })
    firsts = frame.groupby("conversation_id", sort=False).agg(contact_id=("conv_contact", "first"),
                                                              created_at=("when", "min")).reset_index()
    conversations = firsts.assign(created_at=firsts["created_at"].dt.strftime("%Y-%m-%d %H:%M:%S"))
    contacts = pd.DataFrame([{"contact_id": cid, "name": name, "phone": phone}
                             for name, (cid, phone) in sorted(contacts_of.items())]).drop_duplicates("contact_id")
    agent_rows = frame[frame["is_agent"]].drop_duplicates("agent_id")
    agents = pd.DataFrame({"agent_id": agent_rows["agent_id"], "name": agent_rows["author"]})
    return {"contacts": contacts, "agents": agents, "conversations": conversations,
            "messages": with_skipped(messages, skipped)}
