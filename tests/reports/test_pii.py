"""Masking keeps a phone's country code, area code, first digit and last two digits, and an e-mail's initials."""
from __future__ import annotations

import pandas as pd
import pytest

from pipeone_analytics.reports.pii import mask_email, mask_frame, mask_phone


@pytest.mark.parametrize("phone, masked", [
    ("+55 11 91234-5621", "+55 11 9****-**21"),   # the example of the issue
    ("(11) 91234-5621", "+55 11 9****-**21"),     # national format, region BR
    ("5511912345621", "+55 11 9****-**21"),
    ("whatsapp:+5511912345621", "+55 11 9****-**21"),
    ("(21) 3456-7890", "+55 21 3***-**90"),       # landline: 8-digit subscriber
    ("+1 415 555 0123", "+1 415-5**-**23"),       # area code 415, then one digit
    ("12345", "***45"),                           # unparseable: only the last two digits stay
    ("9999-999", "****-*99"),
])
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone, "BR") == masked


def test_mask_email() -> None:
    assert mask_email("joao.silva@example.com") == "j***@e***.com"
    assert mask_email("ana@empresa.com.br") == "a***@e***.br"
    assert mask_email("x@localhost") == "x***@l***"


def test_mask_frame_masks_columns_quotes_and_phone_like_cells() -> None:
    frame = pd.DataFrame({
        "contact_id": ["c1", "c2", "c3"],
        "name": ["Ana", "+55 11 91234-5621", "Bia"],          # a contact named by its number
        "phone": ["12345", "(11) 91234-5621", None],
        "email": ["ana@example.com", None, "bia@site.org"],
        "reason": ["The phone 12345 is invalid", "1.234 messages sent", "write to bia@site.org"],
        "stars": [0, 5, 2]})
    masked = mask_frame(frame)
    assert masked.fillna("-").to_dict("list") == {
        "contact_id": ["c1", "c2", "c3"],
        "name": ["Ana", "+55 11 9****-**21", "Bia"],
        "phone": ["***45", "+55 11 9****-**21", "-"],
        "email": ["a***@e***.com", "-", "b***@s***.org"],
        "reason": ["The phone ***45 is invalid", "1.234 messages sent", "write to b***@s***.org"],
        "stars": [0, 5, 2]}
    assert frame.loc[0, "phone"] == "12345"  # the input is left alone
