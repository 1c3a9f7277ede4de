"""Masking of phones and e-mails in report tables: +55 11 9****-**21, j***@e***.com."""
from __future__ import annotations

import re

import pandas as pd
import phonenumbers

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# A whole cell that is only a phone number (WhatsApp and SMS imports name contacts by their number).
PHONE_CELL = re.compile(r"\s*(?:whatsapp:)?\+?[\d\s().-]{4,}\s*")
PII_COLUMNS = ("phone", "email", "phone_e164")


def mask_email(email: str) -> str:
    """joao.silva@example.com.br -> j***@e***.br: first letter of the name and of the domain, and the TLD."""
    local, _, domain = email.partition("@")
    tld = domain.rsplit(".", 1)[-1] if "." in domain else ""
    return f"{local[:1]}***@{domain[:1]}***" + (f".{tld}" if tld else "")


def mask_phone(phone: str, region: str = "BR") -> str:
    """+55 11 91234-5678 -> +55 11 9****-**78: country and area code, one digit and the last two kept.

    A number phonenumbers cannot parse keeps only its last two digits.
    """
    text = str(phone).strip()
    keep = 0
    try:
        parsed = phonenumbers.parse(text.removeprefix("whatsapp:"), region)
        if phonenumbers.is_possible_number(parsed):
            national = phonenumbers.national_significant_number(parsed)
            area = phonenumbers.length_of_geographical_area_code(parsed) or \
                phonenumbers.length_of_national_destination_code(parsed)
            text = phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
            keep = len(str(parsed.country_code)) + min(area + 1, len(national) - 2)
    except phonenumbers.NumberParseException:
        pass
    digits = sum(ch.isdigit() for ch in text)
    out, seen = [], 0
    for ch in text:
        if ch.isdigit():
            seen += 1
            ch = ch if seen <= keep or seen > digits - 2 else "*"
        out.append(ch)
    return "".join(out)


def _mask_text(text: object, secrets: dict[str, str]) -> object:
    if not isinstance(text, str):
        return text
    for secret, masked in secrets.items():
        text = text.replace(secret, masked)
    text = EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    if PHONE_CELL.fullmatch(text) and sum(ch.isdigit() for ch in text) >= 4:
        return mask_phone(text)
    return text


def mask_frame(frame: pd.DataFrame, region: str = "BR") -> pd.DataFrame:
    """A copy of a display table with every phone and e-mail masked.

    Phone and e-mail columns are masked; a row's phone or e-mail quoted inside its other text cells
    (a rating's reason quotes an invalid phone) is replaced there; any other e-mail address, and any cell
    that is just a phone number, are masked too.
    """
    out = frame.copy()
    pii = [c for c in out.columns if c in PII_COLUMNS]
    text = [c for c in out.columns if c not in pii and (out[c].dtype == object or pd.api.types.is_string_dtype(out[c]))]
    masked = {c: out[c].map(lambda v: v if not isinstance(v, str) or not v.strip() else
                            (mask_email(v) if "email" in c else mask_phone(v, region))) for c in pii}
    for column in text:
        rows = zip(out[column], *(zip(out[c], masked[c]) for c in pii))
        out[column] = [_mask_text(value, {s: m for s, m in pairs if isinstance(s, str) and s.strip()})
                       for value, *pairs in rows]
    for column in pii:
        out[column] = masked[column]
    return out
