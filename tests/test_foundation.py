"""Settings, store and labels: the foundation every other module stands on."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipeone_analytics import i18n
from pipeone_analytics.config import Settings, load_settings
from pipeone_analytics.errors import ConfigError, StoreError
from pipeone_analytics.store import Store, migrations


def test_defaults_match_the_design() -> None:
    s = load_settings(env={})
    assert s.db_path == Path("data/pipeone.duckdb")
    assert s.timezone == "America/Sao_Paulo" and s.locale == "pt_BR" and s.phone_region == "BR"
    assert s.business_hours["mon"] == (("09:00", "18:00"),) and s.business_hours["sat"] == ()
    assert s.holidays_country == "BR" and s.holidays_subdivision is None


def test_toml_then_environment_override(tmp_path: Path) -> None:
    cfg = tmp_path / "pipeone.toml"
    cfg.write_text('timezone = "America/Manaus"\nlocale = "en"\nholidays_subdivision = "SP"\n'
                   'sla_reply_seconds = [60, 600]\n[business_hours]\nsat = ["09:00-13:00"]\n')
    s = load_settings(cfg, env={"PIPEONE_LOCALE": "pt_BR"})
    assert s.timezone == "America/Manaus"
    assert s.locale == "pt_BR"
    assert s.holidays_subdivision == "SP"
    assert s.sla_reply_seconds == (60, 600)
    assert s.business_hours["sat"] == (("09:00", "13:00"),)
    assert s.business_hours["mon"] == ()  # a table replaces the whole week


@pytest.mark.parametrize("env, key", [
    ({"PIPEONE_TIMEZONE": "Mars/Olympus"}, "timezone"),
    ({"PIPEONE_LOCALE": "fr"}, "locale"),
    ({"PIPEONE_PHONE_REGION": "XX"}, "phone_region"),
    ({"PIPEONE_HOLIDAYS_SUBDIVISION": "ZZ"}, "holidays_subdivision"),
    ({"PIPEONE_SLA_REPLY_SECONDS": "60,abc"}, "sla_reply_seconds"),
    ({"PIPEONE_BUSINESS_HOURS": '{"mon": ["18:00-09:00"]}'}, "business_hours.mon"),
])
def test_invalid_setting_names_its_key(env: dict[str, str], key: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(env=env)
    assert err.value.key == key
    assert f"'{key}'" in str(err.value) and "\n" not in str(err.value)


def test_migrations_are_numbered_and_recorded(store: Store) -> None:
    versions = [v for v, _, _ in migrations()]
    assert versions == sorted(versions) and versions[0] == 1
    recorded = store.df("SELECT version FROM schema_migrations ORDER BY 1")["version"].tolist()
    assert recorded == versions
    assert store.migrate() == []  # nothing pending the second time


def test_write_is_one_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError):
        with store.write() as con:
            con.execute("INSERT INTO categories VALUES (?, ?, ?)", ["c1", "Billing", True])
            raise RuntimeError("boom")
    assert store.df("SELECT count(*) AS n FROM categories")["n"].iloc[0] == 0


def test_session_timezone_is_the_account_timezone(store: Store) -> None:
    with store.read() as con:
        assert con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == "America/Sao_Paulo"


def test_reading_a_missing_store_is_one_clear_line(tmp_path: Path) -> None:
    s = Store(tmp_path / "nope" / "x.duckdb", Settings())
    with pytest.raises(StoreError, match="no store at .*pipeone import"):
        with s.read():
            pass
    assert not (tmp_path / "nope").exists()  # a reader never creates a store


def test_lock_conflict_retries_then_names_the_holder(tmp_path: Path) -> None:
    import subprocess
    import sys
    import time

    path = tmp_path / "locked.duckdb"
    Store(path, Settings()).migrate()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
        "time.sleep(float(sys.argv[2]))"), str(path), "1.5"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        patient = Store(path, Settings(lock_deadline_seconds=20))
        t0 = time.monotonic()
        assert patient.df("SELECT count(*) AS n FROM messages")["n"].iloc[0] == 0
        assert time.monotonic() - t0 > 0.3  # it had to wait for the holder to exit
    finally:
        holder.wait(10)
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ready', flush=True); "
        "time.sleep(float(sys.argv[2]))"), str(path), "5"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        impatient = Store(path, Settings(lock_deadline_seconds=0.5))
        impatient._migrated = True
        with pytest.raises(StoreError, match=r"stayed locked by .*PID \d+"):
            impatient.df("SELECT 1")
    finally:
        holder.kill()
        holder.wait(10)


def test_from_frames_defaults_sender_type_and_checks_phones() -> None:
    store = Store.from_frames({
        "messages": pd.DataFrame({"message_id": ["m1", "m2"], "conversation_id": ["c1", "c1"],
                                  "channel": ["sms", "sms"], "direction": ["inbound", "outbound"],
                                  "sent_at": [pd.Timestamp("2024-01-01 10:00")] * 2}),
        "contacts": pd.DataFrame({"contact_id": ["k1", "k2", "k3"],
                                  "phone": ["(11) 98765-4321", "123", None]}),
    }, Settings())
    assert store.df("SELECT sender_type FROM messages ORDER BY message_id")["sender_type"].tolist() == \
        ["contact", "agent"]
    phones = store.df("SELECT phone_e164, phone_valid FROM contacts ORDER BY contact_id")
    assert phones["phone_e164"].tolist()[0] == "+5511987654321"
    assert phones["phone_valid"].tolist()[:2] == [True, False]
    assert pd.isna(phones["phone_valid"].iloc[2])
    # a naive time is read in the account timezone: 10:00 in São Paulo is 13:00 UTC
    utc = store.df("SELECT sent_at AT TIME ZONE 'UTC' AS u FROM messages LIMIT 1")["u"].iloc[0]
    assert utc == pd.Timestamp("2024-01-01 13:00")


def test_labels_in_both_locales() -> None:
    for table in (i18n.STATUSES, i18n.CHANNELS, i18n.TICKET_TYPES, i18n.ROLES):
        for words in table.values():
            assert set(words) == {"pt_BR", "en"} and all(words.values())
    for key, words in i18n.MESSAGES.items():
        assert set(words) == {"pt_BR", "en"}, key
    assert i18n.label("stars", 5, "pt_BR") == "Alto envolvimento"
    assert i18n.label("status", "on_hold", "en") == "On hold"
    assert list(i18n.star_meanings()["stars"]) == [0, 1, 2, 3, 4, 5]


def test_pt_br_formats() -> None:
    assert i18n.fmt_number(1234567.891, "pt_BR", 2) == "1.234.567,89"
    assert i18n.fmt_number(1234567.891, "en", 2) == "1,234,567.89"
    assert i18n.fmt_date(dt.date(2026, 11, 25), "pt_BR") == "25/11/2026"
    assert i18n.fmt_duration(5400, "pt_BR") == "1,5 h"
    assert i18n.fmt_duration(5400, "en") == "1.5 h"
    assert i18n.fmt_duration(None, "en") == "—"


def test_readers_share_the_file_with_another_reader(tmp_path: Path) -> None:
    """A new Store only takes the write lock to migrate; an up-to-date file is opened read-only."""
    import subprocess
    import sys

    path = tmp_path / "shared.duckdb"
    Store(path, Settings()).migrate()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import duckdb, sys, time; c = duckdb.connect(sys.argv[1], read_only=True); print('ready', flush=True); "
        "time.sleep(20)"), str(path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        reader = Store(path, Settings(lock_deadline_seconds=2))
        assert reader.df("SELECT count(*) AS n FROM messages")["n"].iloc[0] == 0
    finally:
        holder.kill()
        holder.wait(10)
