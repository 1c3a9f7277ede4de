"""Twilio console message-log CSV (From,To,Body,Status,SentDate,...,Sid,Direction,...).

Direction `inbound` is inbound and `outbound-*` outbound (`outbound-reply`, a TwiML auto-reply, is
sender_type automation). A `whatsapp:+E164` number means channel whatsapp, else sms. The company
side is --company-number when given (a row whose Direction contradicts it is rejected), else the
side Direction names (To of inbound, From of outbound; any other Direction is rejected). Each
contact number's messages are split into conversations after an inactivity gap (--gap-days,
default 5), as Front's segments are; a conversation's id is the Sid of its first message, and
message_id is the Sid. The contact id is the number in E.164 (the same person on sms and
whatsapp is one contact). Every Status is kept: a failed send is still a message the company sent.
"""
from __future__ import annotations

import datetime as dt
import email.utils
import functools
from pathlib import Path
from typing import Any

import pandas as pd

from ..config import Settings
from ..errors import ImportFailed
from ..phones import check_phone
from .adapters import gap_days, names, read_csv, split_by_gap, with_skipped

COLUMNS = ("From", "To", "Body", "SentDate", "Sid", "Direction")


def _number(raw: str) -> str:
    """A number without its `whatsapp:` prefix."""
    return raw[len("whatsapp:"):] if raw.lower().startswith("whatsapp:") else raw


@functools.lru_cache(maxsize=65536)
def _key(raw: str, region: str) -> str:
    """The contact id of a number: its E.164 form when valid, else the number as written."""
    number = _number(raw.strip())
    return check_phone(number, region)[0] or number


def _sent_at(raw: str) -> dt.datetime | None:
    """A SentDate as ISO-8601 or RFC 2822 (aware or naive), or None when it is neither."""
    text = raw.strip()
    try:
        return dt.datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def read(path: Path, options: dict[str, Any], settings: Settings) -> dict[str, pd.DataFrame]:
    """Read a Twilio message log into contacts, conversations, messages (plus the skipped lines)."""
    path = Path(path)
    raw = read_csv(path, COLUMNS, "a Twilio message log")
    region = settings.phone_region
    company = {_key(n, region) for n in names(options, "company_number")}

    rows, skipped = [], []
    for rec in raw.to_dict("records"):
        direction = rec["Direction"].strip().lower()
        stated = "inbound" if direction == "inbound" else "outbound" if direction.startswith("outbound") else None
        src, dst = _key(rec["From"], region), _key(rec["To"], region)
        if company:
            side = ("outbound" if src in company and dst not in company else
                    "inbound" if dst in company and src not in company else None)
            problem = ("neither or both of From and To is a --company-number" if side is None else
                       f"Direction {rec['Direction']!r} disagrees with the company number"
                       if stated and stated != side else None)
        else:
            side = stated
            problem = None if side else f"Direction {rec['Direction']!r} is neither inbound nor outbound-*"
        when = _sent_at(rec["SentDate"])
        problem = problem or (None if when else f"SentDate {rec['SentDate']!r} is not a date") or (
            None if rec["Sid"].strip() else "no Sid")
        if problem:
            skipped.append({"reason": problem,
                            "raw": ",".join(str(rec[c]) for c in COLUMNS), "_file": path.name, "_line": rec["_line"]})
            continue
        contact_raw = rec["From"] if side == "inbound" else rec["To"]
        whatsapp = any(rec[c].strip().lower().startswith("whatsapp:") for c in ("From", "To"))
        rows.append({"message_id": rec["Sid"].strip(), "contact_id": _key(contact_raw, region),
                     "phone": _number(contact_raw.strip()), "channel": "whatsapp" if whatsapp else "sms",
                     "direction": side, "when": when,
                     "sender_type": "contact" if side == "inbound" else
                     "automation" if direction == "outbound-reply" else "agent",
                     "body": rec["Body"], "_file": path.name, "_line": rec["_line"]})
    frame = pd.DataFrame(rows, columns=["message_id", "contact_id", "phone", "channel", "direction", "when",
                                        "sender_type", "body", "_file", "_line"])
    if frame.empty:
        example = f", e.g. line {skipped[0]['_line']}: {skipped[0]['reason']}" if skipped else ""
        raise ImportFailed(f"{path.name}: no usable message row ({len(skipped)} rejected{example})")
    # Gaps are measured in UTC; a naive SentDate is placed in the account timezone for that only.
    aware = frame["when"].map(lambda t: t.tzinfo is not None)
    local = frame["when"].map(lambda t: pd.Timestamp(t).tz_localize(settings.timezone) if t.tzinfo is None else t)
    frame["_utc"] = pd.to_datetime(local, utc=True)
    frame["conversation_id"] = split_by_gap(frame["contact_id"], frame["_utc"], frame["message_id"],
                                            gap_days(options))
    frame["sent_at"] = frame["_utc"] if aware.all() else frame["when"].map(lambda t: t.isoformat(sep=" "))
    messages = frame[["message_id", "conversation_id", "contact_id", "channel", "direction", "sent_at",
                      "sender_type", "body", "_file", "_line"]]
    conversations = (frame.sort_values("_utc", kind="stable").groupby("conversation_id", sort=False)
                     .agg(contact_id=("contact_id", "first"), created_at=("sent_at", "first")).reset_index())
    contacts = frame.drop_duplicates("contact_id")[["contact_id", "phone", "_file", "_line"]]
    return {"contacts": contacts, "conversations": conversations, "messages": with_skipped(messages, skipped)}
