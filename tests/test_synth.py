"""Synthetic exports: determinism, table shapes and references, events vs tickets, realism, star levels."""
from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from pipeone_analytics import synth
from pipeone_analytics.config import Settings
from pipeone_analytics.errors import PipeOneError
from pipeone_analytics.phones import check_phone
from tests.conftest import DEMO_END

TZ = "America/Sao_Paulo"
TABLES = ("contacts", "agents", "conversations", "messages", "events", "tickets", "categories", "templates")
REQUIRED = {  # DESIGN 3.1, every column the generator promises
    "contacts": ["contact_id", "name", "phone", "email", "created_at"],
    "agents": ["agent_id", "name", "email", "role", "team"],
    "conversations": ["conversation_id", "contact_id", "created_at", "assignee_id", "status"],
    "messages": ["message_id", "conversation_id", "contact_id", "channel", "direction", "sent_at", "sender_type",
                 "agent_id", "body", "template_id", "attachments"],
    "events": ["event_id", "conversation_id", "at", "actor_id", "kind", "value"],
    "tickets": ["ticket_id", "conversation_id", "resolved_at", "resolved_by", "type", "category", "note"],
    "categories": ["category_id", "name", "active"],
    "templates": ["template_id", "name", "body", "channel", "attachments"],
}
TIMES = {"contacts": "created_at", "conversations": "created_at", "messages": "sent_at", "events": "at",
         "tickets": "resolved_at"}


def load(folder: Path) -> dict[str, pd.DataFrame]:
    frames = {}
    for table in TABLES:
        frame = pd.read_csv(folder / f"{table}.csv", dtype=str, keep_default_na=False, na_values=[""])
        if table in TIMES:
            frame[TIMES[table]] = pd.to_datetime(frame[TIMES[table]], utc=True, format="ISO8601")
        frames[table] = frame
    return frames


@pytest.fixture(scope="module")
def demo(demo_export: Path) -> dict[str, pd.DataFrame]:
    """The test suite's demo export (300 contacts, 60 days, seed 7, ending 2026-11-22)."""
    return load(demo_export)


@pytest.fixture(scope="module")
def default_demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pd.DataFrame]:
    """What `pipeone demo` generates: 2,000 contacts over 90 days (with a fixed end)."""
    out = tmp_path_factory.mktemp("default") / "export"
    synth.generate(out, end=DEMO_END, settings=Settings())
    return load(out)


# --- plain-pandas references of DESIGN 4.2 (status) and 4.4 (stars), independent of core/ ---------------

def reference_stars(f: dict[str, pd.DataFrame]) -> pd.Series:
    """Stars per contact_id by the table of DESIGN 4.4, as of the end of the data."""
    m = f["messages"]
    sent = m[m.sender_type.isin(["agent", "automation"])].groupby("contact_id").size()
    received = m[m.sender_type.eq("contact")].groupby("contact_id").size()
    x = m[m.sender_type.isin(["agent", "contact"])].sort_values(["conversation_id", "sent_at", "message_id"])
    turns = x[x.direction != x.groupby("conversation_id").direction.shift()].copy()
    turns["prev"] = turns.groupby("conversation_id").sent_at.shift()
    inter = turns.dropna(subset=["prev"]).copy()
    inter["secs"] = (inter.sent_at - inter.prev).dt.total_seconds()
    inter["same_day"] = inter.sent_at.dt.tz_convert(TZ).dt.date == inter.prev.dt.tz_convert(TZ).dt.date
    g = inter.groupby("contact_id")
    per = pd.DataFrame({"n": g.size(), "same_day": g.same_day.sum(),
                        "le2h": g.secs.agg(lambda s: (s <= 7200).mean()),
                        "le30m": g.secs.agg(lambda s: (s <= 1800).mean())})
    stars = {}
    for cid, phone in zip(f["contacts"].contact_id, f["contacts"].phone):
        invalid = check_phone(None if pd.isna(phone) else phone, "BR")[1] is False
        s, r = sent.get(cid, 0), received.get(cid, 0)
        level = 0 if invalid or s + r == 0 else 1 if r == 0 else 2
        if level == 2 and cid in per.index:
            p = per.loc[cid]
            level = max(level, 3 if p.same_day > 0 else 2, 4 if p.le2h >= 0.9 else 2, 5 if p.le30m >= 0.9 else 2)
        stars[cid] = level
    return pd.Series(stars)


def reference_status(f: dict[str, pd.DataFrame]) -> tuple[pd.Series, pd.Series]:
    """(status, reopens) per conversation: the fold of DESIGN 4.2 over messages then events."""
    msgs = f["messages"].rename(columns={"sent_at": "at"}).assign(kind="message", value=None)
    events = f["events"].assign(direction=None, sender_type=None)
    cols = ["conversation_id", "at", "kind", "value", "direction", "sender_type"]
    rows = pd.concat([msgs[cols], events[cols]]).sort_values(["conversation_id", "at"], kind="stable")
    status, reopens = {}, {}
    for conv, direction, sender, kind, value in zip(rows.conversation_id, rows.direction, rows.sender_type,
                                                    rows.kind, rows.value):
        s = status.setdefault(conv, "new")
        if kind == "message" and direction == "inbound" and s == "resolved":
            status[conv] = "new"
            reopens[conv] = reopens.get(conv, 0) + 1
        elif kind == "message" and sender == "agent" and s == "new":
            status[conv] = "in_progress"
        elif kind == "status_changed":
            status[conv] = value
        elif kind == "resolved":
            status[conv] = "resolved"
    conv = f["conversations"]
    snapshot = dict(zip(conv.conversation_id, conv.status))
    final = {c: snapshot[c] if isinstance(snapshot[c], str) else status.get(c, "new") for c in snapshot}
    return pd.Series(final), pd.Series(reopens, dtype=int).reindex(list(snapshot), fill_value=0)


# --- determinism and arguments ----------------------------------------------------------------------

def _hashes(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.mark.parametrize("fmt", ["csv", "parquet"])
def test_same_seed_gives_the_same_bytes(tmp_path: Path, fmt: str) -> None:
    args = dict(contacts=150, days=20, seed=11, fmt=fmt, end="2026-03-10", settings=Settings())
    counts_a = synth.generate(tmp_path / "a", **args)
    counts_b = synth.generate(tmp_path / "b", **args)
    assert counts_a == counts_b
    assert _hashes(tmp_path / "a") == _hashes(tmp_path / "b")
    assert sorted(_hashes(tmp_path / "a")) == sorted(f"{t}.{fmt}" for t in TABLES)
    synth.generate(tmp_path / "c", **(args | {"seed": 12}))
    assert _hashes(tmp_path / "c")[f"messages.{fmt}"] != _hashes(tmp_path / "a")[f"messages.{fmt}"]


def test_parquet_holds_the_same_rows_as_csv(tmp_path: Path) -> None:
    args = dict(contacts=80, days=15, seed=3, end="2026-06-30", settings=Settings())
    synth.generate(tmp_path / "csv", fmt="csv", **args)
    synth.generate(tmp_path / "pq", fmt="parquet", **args)
    csv = load(tmp_path / "csv")["messages"]
    pq = pd.read_parquet(tmp_path / "pq" / "messages.parquet")
    assert list(pq.columns) == REQUIRED["messages"]
    assert pq.message_id.tolist() == csv.message_id.tolist()
    assert (pd.to_datetime(pq.sent_at, utc=True).to_numpy() == csv.sent_at.to_numpy()).all()


def test_counts_returned_match_the_files(demo_export: Path, demo: dict[str, pd.DataFrame]) -> None:
    again = synth.generate(demo_export.parent / "again", contacts=300, days=60, seed=7, end=DEMO_END,
                           settings=Settings())
    assert again == {t: len(demo[t]) for t in TABLES}
    assert again["contacts"] == 300 and again["agents"] == 15


def test_bad_arguments_are_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(PipeOneError, match="format 'xlsx'"):
        synth.generate(tmp_path, fmt="xlsx")
    with pytest.raises(PipeOneError, match="not a date"):
        synth.generate(tmp_path, end="22/11/2026")
    with pytest.raises(PipeOneError, match="at least 1"):
        synth.generate(tmp_path, contacts=0)


def test_default_end_is_yesterday_in_the_account_timezone(tmp_path: Path) -> None:
    synth.generate(tmp_path, contacts=40, days=5, settings=Settings())
    f = load(tmp_path)
    yesterday = pd.Timestamp.now(tz=TZ).date() - dt.timedelta(days=1)
    local = f["messages"].sent_at.dt.tz_convert(TZ).dt.date
    assert local.max() <= yesterday
    assert local.min() >= yesterday - dt.timedelta(days=4)


def test_timestamps_are_local_with_their_offset(demo_export: Path) -> None:
    line = (demo_export / "messages.csv").read_text(encoding="utf-8").splitlines()[1]
    assert re.search(r'"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d-03:00"', line)


@pytest.mark.parametrize("contacts,days,messages", [(2000, 30, 20_000), (500, 90, 50_000), (3000, 60, 3_000)])
def test_requested_message_count_is_honoured_within_10_percent(tmp_path: Path, contacts: int, days: int,
                                                               messages: int) -> None:
    counts = synth.generate(tmp_path, contacts=contacts, days=days, seed=5, end="2026-05-31",
                            settings=Settings(), messages=messages)
    assert abs(counts["messages"] / messages - 1) <= 0.10, counts


def test_default_volume_is_about_60k_messages(default_demo: dict[str, pd.DataFrame]) -> None:
    assert len(default_demo["contacts"]) == 2000
    assert 54_000 <= len(default_demo["messages"]) <= 66_000


@pytest.mark.slow
def test_a_million_messages_are_honoured(tmp_path: Path) -> None:
    counts = synth.generate(tmp_path, contacts=100_000, days=90, seed=1, end="2026-11-22", settings=Settings(),
                            messages=1_000_000)
    assert abs(counts["messages"] / 1_000_000 - 1) <= 0.10


# --- shape of each table ------------------------------------------------------------------------------

def test_tables_have_the_canonical_columns_and_unique_ids(demo: dict[str, pd.DataFrame]) -> None:
    for table, cols in REQUIRED.items():
        assert list(demo[table].columns[: len(cols)]) == cols, table
        key = demo[table][cols[0]]
        assert key.notna().all() and key.is_unique, table
    assert {"city", "source"} <= set(demo["contacts"].columns)  # extra columns end in attributes


def test_enumerations_are_valid(demo: dict[str, pd.DataFrame]) -> None:
    m, e, t = demo["messages"], demo["events"], demo["tickets"]
    assert set(m.channel) == {"whatsapp", "webchat", "sms", "email", "instagram", "messenger"}
    assert set(m.direction) == {"inbound", "outbound"}
    assert set(m.sender_type) == {"contact", "agent", "automation", "note"}
    assert (m.direction.eq("inbound") == m.sender_type.eq("contact")).all()
    assert m.agent_id.notna().eq(m.sender_type.isin(["agent", "note"])).all()
    assert set(e.kind) == {"assigned", "status_changed", "resolved"}
    assert set(e.value[e.kind.eq("status_changed")]) == {"on_hold", "in_progress"}
    assert e.value[e.kind.eq("resolved")].isna().all()
    assert set(t.type) == {"question", "incident", "problem", "task"}
    assert set(demo["agents"].role) == {"agent", "manager", "admin"}
    assert set(demo["conversations"].status.dropna()) <= {"new", "in_progress", "on_hold", "resolved"}
    agents = set(demo["agents"].agent_id)
    assert set(m.agent_id.dropna()) <= agents and set(e.actor_id.dropna()) <= agents
    assert set(e.value[e.kind.eq("assigned")]) <= agents and set(t.resolved_by) <= agents
    assert set(t.category.dropna()) <= set(demo["categories"].category_id)
    assert set(m.template_id.dropna()) == set(demo["templates"].template_id)


def test_every_row_points_at_existing_conversations_and_contacts(demo: dict[str, pd.DataFrame]) -> None:
    conv = demo["conversations"].set_index("conversation_id")
    contacts = set(demo["contacts"].contact_id)
    assert set(conv.contact_id) <= contacts
    m = demo["messages"]
    assert m.conversation_id.isin(conv.index).all()
    assert (m.contact_id.to_numpy() == conv.contact_id.reindex(m.conversation_id).to_numpy()).all()
    for table in ("events", "tickets"):
        assert demo[table].conversation_id.isin(conv.index).all()
    first = m.groupby("conversation_id").sent_at.min()
    assert (conv.created_at.reindex(first.index) <= first).all()
    created = demo["contacts"].set_index("contact_id").created_at
    first_by_contact = m.groupby("contact_id").sent_at.min()
    assert (created.reindex(first_by_contact.index) <= first_by_contact).all()


def test_nothing_happens_after_the_end_day(demo: dict[str, pd.DataFrame]) -> None:
    end = pd.Timestamp("2026-11-23", tz=TZ)
    for table, col in TIMES.items():
        assert (demo[table][col] < end).all(), table
    assert demo["messages"].sent_at.min() >= pd.Timestamp("2026-09-24", tz=TZ)  # 60 days: 09-24..11-22


def test_each_ticket_matches_a_resolved_event_at_the_same_time(demo: dict[str, pd.DataFrame]) -> None:
    resolved = demo["events"][demo["events"].kind.eq("resolved")]
    t = demo["tickets"]
    joined = t.merge(resolved, left_on=["conversation_id", "resolved_at"], right_on=["conversation_id", "at"],
                     how="outer", indicator=True)
    assert (joined._merge == "both").all() and len(joined) == len(t) == len(resolved)
    assert (joined.resolved_by == joined.actor_id).all()


def test_a_second_ticket_follows_an_inbound_reopen(demo: dict[str, pd.DataFrame]) -> None:
    t = demo["tickets"].sort_values(["conversation_id", "resolved_at"])
    twice = t[t.duplicated("conversation_id", keep=False)]
    assert twice.conversation_id.nunique() >= 10
    m = demo["messages"]
    inbound = m[m.direction.eq("inbound")]
    for conv, tickets in twice.groupby("conversation_id"):
        times = tickets.resolved_at.tolist()
        for before, after in zip(times, times[1:]):
            mine = inbound[inbound.conversation_id.eq(conv)].sent_at
            assert ((mine > before) & (mine < after)).any(), conv
    _, reopens = reference_status(demo)
    assert (reopens.reindex(twice.conversation_id.unique()) >= 1).all()


def test_transfers_holds_and_snapshots_exist(demo: dict[str, pd.DataFrame]) -> None:
    e = demo["events"]
    assigned = e[e.kind.eq("assigned")]
    assert (assigned.groupby("conversation_id").value.nunique() >= 2).sum() >= 10      # transfers
    holds = e[e.kind.eq("status_changed") & e.value.eq("on_hold")].conversation_id
    back = e[e.kind.eq("status_changed") & e.value.eq("in_progress")].conversation_id
    assert holds.nunique() >= 10 and back.isin(holds).all() and back.nunique() < holds.nunique()
    conv = demo["conversations"]
    snap = conv[conv.status.notna()]
    assert len(snap) >= 5 and not snap.conversation_id.isin(e.conversation_id).any()
    assert not snap.conversation_id.isin(demo["tickets"].conversation_id).any()


def test_categories_templates_notes_and_automation(demo: dict[str, pd.DataFrame]) -> None:
    cats = demo["categories"]
    inactive = set(cats.category_id[cats.active.eq("false")])
    assert len(inactive) == 2
    t = demo["tickets"]
    old = t[t.category.isin(inactive)]
    assert len(old) > 0 and old.resolved_at.max() < t.resolved_at.min() + pd.Timedelta(days=60 * 0.4)
    assert t.note.notna().any() and t.note.isna().any() and t.category.isna().any()
    tpl = demo["templates"]
    assert tpl.body.str.contains(r"\{\{ (?:first_name|name|agent_name|company) \}\}").sum() >= 5
    assert tpl.attachments.notna().sum() >= 2
    m = demo["messages"]
    auto = m[m.sender_type.eq("automation")]
    assert len(auto) > 0 and auto.template_id.notna().all() and auto.agent_id.isna().all()
    used = m[m.template_id.notna()]
    assert not used.body.str.contains("{{", regex=False).any()
    assert m[m.sender_type.eq("agent")].template_id.notna().any()
    greeting = used[used.template_id.eq("tpl01")].merge(demo["agents"], on="agent_id")
    assert greeting.apply(lambda r: r["name"] in r.body, axis=1).all()
    with_files = used.merge(tpl[["template_id", "attachments"]], on="template_id", suffixes=("", "_tpl"))
    assert (with_files.attachments.fillna("") == with_files.attachments_tpl.fillna("")).all()
    assert m.sender_type.eq("note").sum() > 0 and m.attachments[m.sender_type.eq("contact")].notna().any()


def test_agents_teams_and_roles(demo: dict[str, pd.DataFrame]) -> None:
    a = demo["agents"]
    assert len(a) == 15 and a.team.nunique() == 3
    roles = a.role.value_counts()
    assert roles["admin"] in (1, 2) and 2 <= roles["manager"] <= 4


def test_phones_are_brazilian_mostly_valid_some_invalid_some_missing(default_demo: dict[str, pd.DataFrame]) -> None:
    c = default_demo["contacts"]
    validity = c.phone.map(lambda p: check_phone(None if pd.isna(p) else p, "BR")[1])
    invalid = validity.eq(False).mean()
    assert 0.015 <= invalid <= 0.05, invalid
    assert 0.15 <= c.phone.isna().mean() <= 0.45
    phones = c.phone.dropna()
    assert phones.str.fullmatch(r"\+55\d{10,11}").any() and phones.str.fullmatch(r"\(\d\d\) 9\d{4}-\d{4}").any()
    # Contacts without a phone talk by web chat or e-mail.
    m = default_demo["messages"]
    no_phone = m.contact_id.isin(c.contact_id[c.phone.isna()])
    assert m.channel[no_phone].isin(["webchat", "email", "instagram", "messenger"]).mean() > 0.9


# --- realism --------------------------------------------------------------------------------------------

def test_daily_and_weekly_rhythm(default_demo: dict[str, pd.DataFrame]) -> None:
    m = default_demo["messages"]
    local = m.sent_at.dt.tz_convert(TZ)
    inbound = local[m.direction.eq("inbound")]
    hours = inbound.dt.hour
    night, morning = hours.between(2, 4).mean(), hours.between(10, 11).mean()
    assert night < morning / 20, (night, morning)
    per_day = inbound.dt.date.value_counts()
    dates = pd.to_datetime(pd.Series(per_day.index))
    weekday = per_day[(dates.dt.day_of_week < 5).to_numpy()]
    weekend = per_day[(dates.dt.day_of_week >= 5).to_numpy()]
    assert weekend.mean() < 0.5 * weekday.median()
    # Friday 2026-11-20 (Black Awareness Day) is a holiday: quieter than the other Fridays.
    fridays = per_day[(dates.dt.day_of_week == 4).to_numpy()]
    assert per_day[dt.date(2026, 11, 20)] < 0.5 * fridays.drop(dt.date(2026, 11, 20)).median()


def test_channel_mix_is_mostly_whatsapp(default_demo: dict[str, pd.DataFrame]) -> None:
    share = default_demo["messages"].channel.value_counts(normalize=True)
    assert share["whatsapp"] > 0.4
    assert share["whatsapp"] > share["webchat"] > share["sms"] > share["email"] > max(share["instagram"],
                                                                                    share["messenger"]) > 0


def _agent_replies(f: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Agent replies of the interaction ledger: agent, seconds, and whether the contact wrote in hours."""
    m = f["messages"]
    x = m[m.sender_type.isin(["agent", "contact"])].sort_values(["conversation_id", "sent_at", "message_id"])
    turns = x[x.direction != x.groupby("conversation_id").direction.shift()].copy()
    turns["prev"] = turns.groupby("conversation_id").sent_at.shift()
    replies = turns[turns.sender_type.eq("agent") & turns.prev.notna()].copy()
    replies["secs"] = (replies.sent_at - replies.prev).dt.total_seconds()
    prev = replies.prev.dt.tz_convert(TZ)
    replies["in_hours"] = (prev.dt.day_of_week < 5) & prev.dt.hour.between(9, 17)
    return replies


def test_agents_reply_faster_in_business_hours_and_differ_in_speed(default_demo: dict[str, pd.DataFrame]) -> None:
    replies = _agent_replies(default_demo)
    by_hours = replies.groupby("in_hours").secs.median()
    assert by_hours[True] * 5 < by_hours[False], by_hours
    day = replies[replies.in_hours]
    per_agent = day.groupby("agent_id").secs.median()
    assert per_agent.max() > 3 * per_agent.min(), per_agent


def test_some_contacts_never_answer(default_demo: dict[str, pd.DataFrame]) -> None:
    m = default_demo["messages"]
    received = m[m.sender_type.eq("contact")].contact_id.unique()
    sent = m[m.sender_type.isin(["agent", "automation"])].contact_id.unique()
    never = set(sent) - set(received)
    assert len(never) >= 100
    assert m[m.contact_id.isin(never)].sender_type.eq("automation").any()


# --- every status and every star level ------------------------------------------------------------------

@pytest.mark.parametrize("fixture", ["demo", "default_demo"])
def test_every_status_and_star_level_is_present(fixture: str, request: pytest.FixtureRequest) -> None:
    f = request.getfixturevalue(fixture)
    stars = reference_stars(f).value_counts()
    assert set(stars.index) == {0, 1, 2, 3, 4, 5}
    assert stars.min() >= 0.03 * len(f["contacts"]), stars
    status, reopens = reference_status(f)
    counts = status.value_counts()
    assert set(counts.index) == {"new", "in_progress", "on_hold", "resolved"}
    assert counts.min() >= 10 and (reopens > 0).sum() >= 10


def test_the_ratings_module_agrees_on_the_demo(demo_store, demo: dict[str, pd.DataFrame]) -> None:
    from pipeone_analytics.core.ratings import ratings

    found = ratings(demo_store, as_of=DEMO_END).set_index("contact_id").stars
    expected = reference_stars(demo)
    assert set(found) == {0, 1, 2, 3, 4, 5}
    assert (found.reindex(expected.index) == expected).all()


def test_the_status_module_agrees_on_the_demo(demo_store, demo: dict[str, pd.DataFrame]) -> None:
    from pipeone_analytics.core.status import status_as_of

    found = status_as_of(demo_store).set_index("conversation_id")
    expected, reopens = reference_status(demo)
    assert set(found.status) == {"new", "in_progress", "on_hold", "resolved"}
    assert (found.status.reindex(expected.index) == expected).all()
    assert (found.reopens.reindex(reopens.index) == reopens).all()


def test_invalid_phones_are_engaged_contacts_rated_zero(demo: dict[str, pd.DataFrame]) -> None:
    c = demo["contacts"]
    invalid = c.contact_id[c.phone.map(lambda p: check_phone(None if pd.isna(p) else p, "BR")[1] is False)]
    engaged = set(demo["messages"][demo["messages"].sender_type.eq("contact")].contact_id)
    assert len(set(invalid) & engaged) >= 1
    assert (reference_stars(demo).reindex(invalid) == 0).all()


def test_conversations_follow_their_topic(demo: dict[str, pd.DataFrame]) -> None:
    from pipeone_analytics.synth.catalog import TOPICS

    m = demo["messages"]
    first_inbound = m[m.sender_type.eq("contact")].groupby("conversation_id").body.first()
    t = demo["tickets"].drop_duplicates("conversation_id")
    openers = {category: set(texts) for _, _, category, _, texts, _, _ in TOPICS}
    on_topic = [first_inbound.get(conv) in openers[cat] for conv, cat in zip(t.conversation_id, t.category)
                if cat in openers and conv in first_inbound.index]
    assert len(on_topic) > 100 and np.mean(on_topic) > 0.7


def test_a_tiny_export_is_still_well_formed(tmp_path: Path) -> None:
    counts = synth.generate(tmp_path, contacts=1, days=1, seed=7, end="2026-01-04", settings=Settings())
    assert counts["contacts"] == 1 and counts["agents"] == 15
    f = load(tmp_path)
    for table, cols in REQUIRED.items():
        assert list(f[table].columns[: len(cols)]) == cols
        assert len(f[table]) == counts[table]
