"""Format detection by content: canonical exports, WhatsApp .txt/.zip, Twilio, TWCS, IBM customer-care JSON."""
from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest

from realdata import realdata
from pipeone_analytics.errors import ImportFailed
from pipeone_analytics.ingest.adapters import ADAPTERS, detect_format

FIXTURES = Path(__file__).parent / "adapter_fixtures"


@pytest.mark.parametrize("name, fmt", [
    ("android_ptbr_24h.txt", "whatsapp"), ("android_en_12h.txt", "whatsapp"), ("ios_12h.txt", "whatsapp"),
    ("twilio_log.csv", "twilio"), ("twcs.csv", "twcs"), ("twitter_care.json", "twitter-care"),
])
def test_fixtures_are_recognised(name: str, fmt: str) -> None:
    assert detect_format(FIXTURES / name) == fmt
    assert fmt in ADAPTERS


def test_content_not_extension_decides(tmp_path: Path) -> None:
    for src, fmt in (("android_ptbr_24h.txt", "whatsapp"), ("twilio_log.csv", "twilio"),
                     ("twcs.csv", "twcs"), ("twitter_care.json", "twitter-care")):
        renamed = tmp_path / f"{fmt}.dat"
        shutil.copy(FIXTURES / src, renamed)
        assert detect_format(renamed) == fmt


def test_real_files() -> None:
    assert detect_format(realdata("whatsapp_ptbr_android.txt")) == "whatsapp"
    assert detect_format(realdata("twitter_customer_care_test.json")) == "twitter-care"
    assert detect_format(realdata("whatsapp_chat_miner") / "test_[mmddyy]_24hrs.txt") == "whatsapp"


def test_zips_and_folders(tmp_path: Path) -> None:
    chat = tmp_path / "chat.zip"
    with zipfile.ZipFile(chat, "w") as zf:
        zf.writestr("IMG-1.jpg", b"\xff\xd8")
        zf.write(FIXTURES / "ios_12h.txt", "_chat.txt")
    assert detect_format(chat) == "whatsapp"
    canonical = tmp_path / "export.zip"
    with zipfile.ZipFile(canonical, "w") as zf:
        zf.writestr("export/messages.csv", "message_id,conversation_id\n")
        zf.writestr("export/notes.txt", "read me\n")
    assert detect_format(canonical) == "canonical"
    assert detect_format(tmp_path) == "canonical"
    (tmp_path / "messages.csv").write_text("message_id,conversation_id,channel\n", encoding="utf-8")
    assert detect_format(tmp_path / "messages.csv") == "canonical"


def test_unknown_content_is_a_one_line_error(tmp_path: Path) -> None:
    odd = tmp_path / "notes.txt"
    odd.write_text("just some notes\nnothing else\n", encoding="utf-8")
    with pytest.raises(ImportFailed, match=r"cannot tell the format of notes.txt; pass --format"):
        detect_format(odd)
    empty_zip = tmp_path / "other.zip"
    with zipfile.ZipFile(empty_zip, "w") as zf:
        zf.writestr("a.txt", "hello\n")
    with pytest.raises(ImportFailed, match="neither a messages table nor a WhatsApp chat"):
        detect_format(empty_zip)
