"""Attachment checks: the file exists, its type (by extension) is allowed, and it fits the channel.

Limits per file, conservative versions of what each network accepts (WhatsApp's media limit is
16 MB; its documents may be larger, but one limit per channel keeps the rule simple):

| channel   | max per file | types                                   |
|-----------|-------------:|-----------------------------------------|
| whatsapp  | 16 MB        | images (jpeg, png, webp), audio, video (mp4, 3gp), documents |
| sms       | none allowed | (MMS is not modelled)                   |
| email     | 25 MB        | every type below                        |
| webchat   | 10 MB        | images, pdf, text, office documents     |
| instagram | 8 MB         | jpeg, png, mp4                          |
| messenger | 25 MB        | images, audio, video, pdf               |
| telegram  | 50 MB        | every type below                        |
| other     | 10 MB        | every type below                        |

With no channel (a template not tied to one) only existence and a known type are checked;
compose checks the channel's limits again when it sends.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Mapping

from .. import i18n
from ..errors import ValidationError

MB = 1024 * 1024
MIME_TYPES = {
    ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".png": "image/png", ".gif": "image/gif",
    ".webp": "image/webp", ".mp4": "video/mp4", ".3gp": "video/3gpp", ".mp3": "audio/mpeg",
    ".ogg": "audio/ogg", ".aac": "audio/aac", ".amr": "audio/amr", ".pdf": "application/pdf",
    ".txt": "text/plain", ".csv": "text/csv", ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}
_ALL = frozenset(MIME_TYPES.values())
_IMAGES = frozenset({"image/jpeg", "image/png", "image/gif", "image/webp"})
_OFFICE = frozenset(v for v in _ALL if v.startswith("application/"))
_AUDIO = frozenset({"audio/mpeg", "audio/ogg", "audio/aac", "audio/amr"})
# channel -> (max bytes per file, allowed MIME types)
CHANNEL_LIMITS: dict[str, tuple[int, frozenset[str]]] = {
    "whatsapp": (16 * MB, frozenset({"image/jpeg", "image/png", "image/webp", "video/mp4", "video/3gpp",
                                     "text/plain"}) | _AUDIO | _OFFICE),
    "sms": (0, frozenset()),
    "email": (25 * MB, _ALL),
    "webchat": (10 * MB, _IMAGES | _OFFICE | {"text/plain", "text/csv"}),
    "instagram": (8 * MB, frozenset({"image/jpeg", "image/png", "video/mp4"})),
    "messenger": (25 * MB, _IMAGES | _AUDIO | {"video/mp4", "application/pdf"}),
    "telegram": (50 * MB, _ALL),
    "other": (10 * MB, _ALL),
}


def _size_text(size: int) -> str:
    return f"{size / MB:.1f} MB"


def check_attachments(items: Iterable[str | Path | Mapping[str, Any]], channel: str | None = None,
                      locale: str = "en") -> list[dict[str, Any]]:
    """Checked records {path, name, size, mime_type} for file paths (or earlier records); else ValidationError."""
    records = []
    for item in items:
        path = Path(item["path"] if isinstance(item, Mapping) else item).expanduser()
        if not path.is_file():
            raise ValidationError(i18n.t("ops_attachment_missing", locale, path=path))
        mime = MIME_TYPES.get(path.suffix.lower())
        if mime is None:
            raise ValidationError(i18n.t("ops_attachment_type", locale, name=path.name,
                                         known=", ".join(sorted(MIME_TYPES))))
        size = path.stat().st_size
        if channel is not None:
            limit, types = CHANNEL_LIMITS[channel]
            if not types:
                raise ValidationError(i18n.t("ops_attachment_channel", locale, channel=channel))
            if mime not in types:
                raise ValidationError(i18n.t("ops_attachment_type_channel", locale, name=path.name, mime=mime,
                                             channel=channel))
            if size > limit:
                raise ValidationError(i18n.t("ops_attachment_size", locale, name=path.name, size=_size_text(size),
                                             channel=channel, limit=_size_text(limit)))
        records.append({"path": str(path.resolve()), "name": path.name, "size": size, "mime_type": mime})
    return records
