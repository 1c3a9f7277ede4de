"""The stored engagement counts (derived.engagement) give ratings() exactly what counting from the ledger gives.

ratings() reads contact_engagement_totals for every contact whose total holds as of as_of, and counts the others
from the messages and the interaction ledger. Here every hand-built scenario of test_ratings.py is run again
with each ratings() call checked against the same call on a copy of the store whose engagement tables are empty
(so every contact is counted from the ledger; test_ratings_table_property.py does the same on random writes in
the timezones of test_ratings_property.py), and the tables are checked against a fresh computation after each
kind of writer: import, re-import, an import that moves a message to another contact, compose, and migrate.
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path
from typing import Callable

import pandas as pd
import pytest

import tests.core.test_ratings as hand_built
from pipeone_analytics import derived
from pipeone_analytics.config import Settings
from pipeone_analytics.core import ratings as R
from pipeone_analytics.derived.engagement import ENGAGEMENT_COLUMNS, TOTALS_COLUMNS, engagement_sql, totals_sql
from pipeone_analytics.derived.status import FEW_IDS
from pipeone_analytics.ingest import import_path
from pipeone_analytics.ops import compose
from pipeone_analytics.ops.permissions import acting_user
from pipeone_analytics.store import CANONICAL_TABLES, Store, as_store, migrations
from tests.scenario import Scenario

PHONE = "+55 11 91234-5678"
# scenarios whose ratings() calls have no stored total to read: rows inserted without refreshing the engagement
# tables (the CLI tests' file store), or no message at all
COUNTED_ONLY = {"test_export_ratings_cli", "test_level_0_no_message_at_all",
                "test_contact_created_after_as_of_is_not_rated_yet"}
ROWS_ORDER = "contact_id, conversation_id, channel"


def counted(store: Store) -> Store:
    """An in-memory copy of the store's canonical rows with empty engagement tables: ratings() counts every contact
    from the messages and the ledger, as before the tables existed."""
    with store.read() as con:
        frames = {t: con.execute(f"SELECT * FROM {t}").df() for t in CANONICAL_TABLES}
    copy = Store.from_frames({t: f for t, f in frames.items() if len(f)}, store.settings)
    with copy.write() as con:
        con.execute("DELETE FROM contact_engagement")
        con.execute("DELETE FROM contact_engagement_totals")
    return copy


def expects_table(store: Store, as_of: pd.Timestamp) -> bool:
    """Whether ratings(as_of) should read some contact's stored total: the rows cover every message and a total
    holds then, in the store's timezone."""
    with store.read() as con:
        return con.execute(
            "SELECT (SELECT count(*) FROM messages) = (SELECT coalesce(sum(messages), 0) FROM contact_engagement) "
            "AND EXISTS (SELECT 1 FROM contact_engagement_totals WHERE last_at <= ?::TIMESTAMPTZ AND timezone = ?)",
            [as_of, store.settings.timezone]).fetchall()[0][0]


def assert_tables_fresh(store: Store) -> None:
    """Both engagement tables equal a fresh computation over the rows as they are now."""
    rows = ", ".join(ENGAGEMENT_COLUMNS)
    stored = store.df(f"SELECT {rows} FROM contact_engagement ORDER BY {ROWS_ORDER}")
    pd.testing.assert_frame_equal(stored, store.df(f"SELECT {rows} FROM ({engagement_sql()}) ORDER BY {ROWS_ORDER}"))
    totals = ", ".join(TOTALS_COLUMNS)
    stored = store.df(f"SELECT {totals} FROM contact_engagement_totals ORDER BY contact_id")
    pd.testing.assert_frame_equal(stored, store.df(f"SELECT {totals} FROM ({totals_sql()}) ORDER BY contact_id"))


@pytest.fixture
def checked(monkeypatch: pytest.MonkeyPatch) -> list[bool]:
    """R.ratings replaced by one that also rates a counted() copy and asserts both frames are equal, and that the
    stored totals were read whenever one holds; returns, per call, whether one held."""
    original, stored_sql = R.ratings, R._stored_sql
    calls: list[bool] = []
    reads: list[str] = []
    monkeypatch.setattr(R, "_stored_sql", lambda where: reads.append(where) or stored_sql(where))

    def both(source, as_of=None, contacts=None, locale=None):
        store = as_store(source)
        reads.clear()
        rated = original(store, as_of, contacts, locale)
        expected = expects_table(store, R.end_of_day(as_of, store.settings))
        assert bool(reads) or not expected
        assert rated["contact_id"].is_monotonic_increasing
        pd.testing.assert_frame_equal(rated, original(counted(store), as_of, contacts, locale))
        calls.append(expected)
        return rated

    monkeypatch.setattr(R, "ratings", both)
    return calls


def _cases(module) -> list:
    """Every test function of a module, with each parametrize case as its own entry."""
    cases = []
    for name, fn in sorted(vars(module).items()):
        if not name.startswith("test_") or not callable(fn) or any(
                m.name == "slow" for m in getattr(fn, "pytestmark", [])):
            continue
        marks = [m for m in getattr(fn, "pytestmark", []) if m.name == "parametrize"]
        if marks:
            names = [n.strip() for n in marks[0].args[0].split(",")]
            cases += [pytest.param(fn, dict(zip(names, values)), id=f"{name}{values}") for values in marks[0].args[1]]
        else:
            cases.append(pytest.param(fn, {}, id=name))
    return cases


@pytest.mark.parametrize("test, args", _cases(hand_built))
def test_every_rating_scenario_reads_the_table_as_it_counts(test: Callable, args: dict, checked: list[bool],
                                                             tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    fixtures = {"tmp_path": tmp_path, "capsys": capsys}
    test(**args, **{p: fixtures[p] for p in inspect.signature(test).parameters if p not in args})
    # not vacuous: a scenario that rates someone has a stored total to read at least once (see COUNTED_ONLY)
    assert any(checked) or not checked or test.__name__ in COUNTED_ONLY


# --- which contacts are read from the table -----------------------------------------------------------------

def _two_contacts() -> Scenario:
    scn = Scenario()
    for contact in ("early", "late"):
        scn.contact(contact, PHONE)
        scn.conversation(f"v-{contact}", contact)
    scn.inbound("v-early", "2026-11-02 10:00")
    scn.outbound("v-early", "2026-11-02 10:10")
    scn.inbound("v-late", "2026-11-02 10:00")
    scn.outbound("v-late", "2026-11-05 10:00")
    return scn


def test_a_total_is_read_only_as_of_its_last_message_or_later():
    store = _two_contacts().store()
    with store.write() as con:  # a marker only the table holds: were it read, sent would be 99
        con.execute("UPDATE contact_engagement_totals SET sent = 99")
    rated = R.ratings(store, as_of="2026-11-03").set_index("contact_id")
    # early's last message (11-02 10:10) is before the end of 11-03: its total is read; late's (11-05) is not,
    # so late is counted from the messages up to 11-03: one inbound, nothing sent
    assert rated.loc["early", "sent"] == 99
    assert rated.loc["late", ["sent", "received", "stars"]].tolist() == [0, 1, 2]
    rated = R.ratings(store, as_of="2026-11-05").set_index("contact_id")
    assert rated["sent"].tolist() == [99, 99]


def test_rows_that_do_not_cover_every_message_are_not_read():
    store = _two_contacts().store()
    with store.write() as con:  # a writer that inserts a message and forgets derived.refresh
        con.execute("UPDATE contact_engagement_totals SET sent = 99")
        con.execute("INSERT INTO messages SELECT * REPLACE ('late-2' AS message_id) FROM messages "
                    "WHERE message_id = (SELECT max(message_id) FROM messages)")
    rated = R.ratings(store, as_of="2026-11-30").set_index("contact_id")
    # the table holds 4 messages, the store 5: every contact is counted, none shows the marker
    assert rated["sent"].tolist() == [1, 2]


def test_same_day_follows_the_readers_timezone(tmp_path: Path):
    scn = Scenario()
    scn.contact("c", PHONE)
    scn.conversation("v", "c")
    scn.inbound("v", "2026-11-03 23:50")
    scn.outbound("v", "2026-11-04 00:10")
    path = tmp_path / "s.duckdb"
    writer = Store(path, Settings(db_path=path, timezone="America/Sao_Paulo"))
    with scn.store().read() as src, writer.write() as con:
        for table in ("contacts", "conversations", "messages"):
            con.register("f", src.execute(f"SELECT * FROM {table}").df())
            con.execute(f"INSERT INTO {table} SELECT * FROM f")
            con.unregister("f")
        derived.refresh(con)
    assert writer.df("SELECT timezone, same_day FROM contact_engagement").values.tolist() == [
        ["America/Sao_Paulo", 0]]
    # 23:50 -> 00:10 in Sao Paulo (UTC-3) is 02:50 -> 03:10 UTC on 11-04: two days there, one day in UTC;
    # 1200 s <= 1800 s for 1 of 1 interaction: 5 stars for both readers, same day counted per reader
    for timezone, same_day in (("America/Sao_Paulo", 0), ("UTC", 1)):
        reader = Store(path, Settings(db_path=path, timezone=timezone))
        row = R.ratings(reader, as_of="2026-11-30").set_index("contact_id").loc["c"]
        assert (row["same_day_interactions"], row["within_30m"], row["stars"]) == (same_day, 1, 5)
    # a reply 3 h later (3 h 20 min: over 2 h) leaves the same-day level to decide: 2 stars in Sao Paulo, 3 in UTC
    with writer.write() as con:
        con.execute("UPDATE messages SET sent_at = sent_at + INTERVAL 3 HOUR WHERE direction = 'outbound'")
        con.execute("CREATE TEMP TABLE touched AS SELECT 'v' AS conversation_id")
        derived.refresh(con, "touched")
    for timezone, stars in (("America/Sao_Paulo", 2), ("UTC", 3)):
        # 23:50 -> 03:10 local: two days in Sao Paulo; 02:50 -> 06:10 UTC: one day
        assert R.ratings(Store(path, Settings(db_path=path, timezone=timezone)), as_of="2026-11-30"
                         )["stars"].tolist() == [stars]


# --- after each writer --------------------------------------------------------------------------------------

AS_OFS = (None, "2026-10-15", "2026-11-01 12:00")


def assert_rates_as_it_counts(store: Store, as_ofs=AS_OFS) -> None:
    """The tables are fresh and ratings() equals counting from the ledger at several as_of times (now: both
    locales)."""
    assert_tables_fresh(store)
    copy = counted(store)
    for as_of, locale in [(None, "pt_BR"), *((as_of, "en") for as_of in as_ofs)]:
        pd.testing.assert_frame_equal(R.ratings(store, as_of=as_of, locale=locale),
                                      R.ratings(copy, as_of=as_of, locale=locale))
    assert expects_table(store, R.end_of_day(None, store.settings))


def test_demo_store_after_import_and_reimport(demo_store: Store, demo_export: Path):
    assert_rates_as_it_counts(demo_store)
    before = demo_store.df(f"SELECT * FROM contact_engagement ORDER BY {ROWS_ORDER}")
    import_path(demo_store, demo_export)  # idempotent: nothing changes
    pd.testing.assert_frame_equal(demo_store.df(f"SELECT * FROM contact_engagement ORDER BY {ROWS_ORDER}"), before)
    assert_rates_as_it_counts(demo_store)


def test_an_import_that_moves_a_message_to_another_contact(demo_store: Store, tmp_path: Path):
    moved = demo_store.df(
        "SELECT * FROM messages WHERE sender_type = 'contact' ORDER BY message_id LIMIT 1").iloc[0]
    other = demo_store.df("SELECT min(contact_id) AS c FROM contacts WHERE contact_id <> ?",
                          [moved["contact_id"]])["c"][0]
    before = demo_store.df("SELECT contact_id, received FROM contact_engagement_totals").set_index("contact_id")
    export = tmp_path / "moved"
    export.mkdir()
    frame = moved.to_frame().T.assign(contact_id=other)
    frame["sent_at"] = pd.to_datetime(frame["sent_at"]).dt.tz_convert("UTC").dt.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    frame.to_csv(export / "messages.csv", index=False)
    assert import_path(demo_store, export).counts["messages"]["updated"] == 1
    after = demo_store.df("SELECT contact_id, received FROM contact_engagement_totals").set_index("contact_id")
    # the inbound message now counts as received by `other`, no longer by its contact
    assert after.loc[moved["contact_id"], "received"] == before.loc[moved["contact_id"], "received"] - 1
    assert after.loc[other, "received"] == before["received"].get(other, 0) + 1
    assert_rates_as_it_counts(demo_store)


def test_compose_refreshes_the_contacts_totals():
    scn = Scenario()
    scn.agent("ana")
    scn.contact("k", PHONE)
    scn.conversation("v", "k", assignee_id="ana")
    scn.inbound("v", "2026-11-02 10:00")
    store = scn.store()
    assert R.ratings(store)["stars"].tolist() == [2]  # received, no interaction yet
    compose.compose(store, acting_user(store, {"PIPEONE_USER": "ana"}), "v", body="Oi")
    # the reply answers the inbound turn (days later, so neither same day nor within 2 h): 1 interaction, 2 stars
    row = R.ratings(store).iloc[0]
    assert (row["sent"], row["received"], row["interactions"], row["stars"]) == (1, 1, 1, 2)
    assert_rates_as_it_counts(store, (None, "2026-11-02"))


def test_migrate_builds_the_tables_for_a_store_at_migration_2(demo_store: Store):
    later = [(v, re.findall(r"CREATE TABLE (\w+)", sql)) for v, _, sql in migrations() if v > 2]
    with demo_store.write() as con:  # the demo store as it was at migration 2
        for _, tables in later:
            for table in tables:
                con.execute(f"DROP TABLE {table}")
        con.execute("DELETE FROM schema_migrations WHERE version > 2")
    store = Store(demo_store.path, demo_store.settings)
    applied = store.migrate()
    assert applied == sorted(applied) and 4 in applied  # in order, 3 (another derived table) before 4
    assert store.df("SELECT count(*) AS n FROM contact_engagement_totals")["n"][0] > 200
    assert_rates_as_it_counts(store)


def test_a_refresh_of_many_conversations_keeps_the_tables_fresh(demo_store: Store):
    # An import that touches more conversations than derived.status.FEW_IDS takes the temp-table path: move one
    # inbound message to a contact that had no message at all (so only its new row names it), then refresh every
    # conversation of the store as such an import would.
    with demo_store.write() as con:
        con.execute("UPDATE messages SET contact_id = (SELECT min(contact_id) FROM contacts WHERE contact_id NOT IN "
                    "(SELECT contact_id FROM contact_engagement)) WHERE message_id = "
                    "(SELECT min(message_id) FROM messages WHERE sender_type = 'contact')")
        con.execute("CREATE TEMP TABLE touched AS SELECT conversation_id FROM conversations")
        assert con.execute("SELECT count(*) FROM touched").fetchall()[0][0] > FEW_IDS
        assert con.execute("SELECT count(*) FROM messages WHERE contact_id IS NULL").fetchall()[0][0] == 0
        derived.refresh(con, "touched", changed={"messages"})
    assert_rates_as_it_counts(demo_store)
