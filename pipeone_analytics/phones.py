"""Phone validation with phonenumbers: each distinct phone is parsed once."""
from __future__ import annotations

import phonenumbers
import pandas as pd


def check_phone(phone: str | None, region: str) -> tuple[str | None, bool | None]:
    """(E.164 form or None, validity); validity is None when there is no phone."""
    if phone is None or (isinstance(phone, float) and pd.isna(phone)) or not str(phone).strip():
        return None, None
    text = str(phone).strip()
    if text.lower().startswith("whatsapp:"):
        text = text[len("whatsapp:"):]
    try:
        parsed = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException:
        return None, False
    if not phonenumbers.is_valid_number(parsed):
        return None, False
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164), True


def normalize_phones(phones: pd.Series, region: str) -> pd.DataFrame:
    """Columns: phone, phone_e164, phone_valid (nullable bool); one row per input, same order."""
    distinct = pd.unique(phones.dropna())
    lookup = {p: check_phone(p, region) for p in distinct}
    e164 = phones.map(lambda p: lookup.get(p, (None, None))[0] if pd.notna(p) else None)
    valid = phones.map(lambda p: lookup.get(p, (None, None))[1] if pd.notna(p) else None)
    return pd.DataFrame({"phone": phones.to_numpy(), "phone_e164": e164.to_numpy(),
                         "phone_valid": valid.astype("boolean").to_numpy()})
