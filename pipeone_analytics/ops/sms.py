"""SMS encoding and segment count: GSM-7 (160 alone, 153 per part) or UCS-2 (70 alone, 67 per part).

GSM-7 is the GSM 03.38 default alphabet; characters of its extension table (form feed, ^ { } \\ [ ~ ]
| €) take two septets, and an escape pair is never split across two parts. Any other character
(for example the lowercase "ç" or "á" of Portuguese, which GSM-7 lacks) makes the whole message
UCS-2, counted in UTF-16 code units: an emoji outside the BMP takes two, never split across parts.
"""
from __future__ import annotations

GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà")
GSM7_EXTENSION = frozenset("\f^{}\\[~]|€")
LIMITS = {"GSM-7": (160, 153), "UCS-2": (70, 67)}


def _costs(text: str) -> tuple[str, list[int]]:
    if all(c in GSM7_BASIC or c in GSM7_EXTENSION for c in text):
        return "GSM-7", [2 if c in GSM7_EXTENSION else 1 for c in text]
    return "UCS-2", [2 if ord(c) > 0xFFFF else 1 for c in text]


def sms_segments(text: str) -> tuple[str, int]:
    """(encoding, number of SMS parts) of a message; an empty text is ("GSM-7", 0)."""
    encoding, costs = _costs(text)
    single, part = LIMITS[encoding]
    if sum(costs) <= single:
        return encoding, 1 if costs else 0
    segments, used = 1, 0
    for cost in costs:
        if used + cost > part:
            segments, used = segments + 1, 0
        used += cost
    return encoding, segments
