"""The contact star rating 0-5 (DESIGN 4.4), its explanation, its history and its meaning table.

Every contact is rated on all their messages sent up to `as_of` (inclusive):
- sent: outbound by an agent or an automation; received: inbound by the contact; notes are neither;
- interactions: the responses of the interaction ledger (DESIGN 4.1, the stored table read through
  core.interactions) in both directions, over all the contact's conversations; automation messages are
  not part of it;
- same day: both messages of the interaction on one calendar day in the account timezone;
- within 30 min / 2 h: seconds <= 1800 / <= 7200; a share of at least 90% is tested on counts
  (10 * within >= 9 * interactions), so no floating point decides a boundary.
The rating is the highest level whose condition holds, levels 3-5 also need level 2, and an invalid
phone forces 0. A contact is rated when it exists at as_of: created_at missing or <= as_of, or a
message (other than a note) up to as_of.
ratings() reads these counts from contact_engagement_totals (derived.engagement, kept by every writer) for
each contact whose total holds as of as_of (no message after it, same day counted in the account timezone),
and counts the others from the messages and the ledger.
"""
from __future__ import annotations

import datetime as dt
import string
from typing import Iterable, Mapping

import duckdb
import pandas as pd
import pyarrow as pa

from .. import i18n
from ..derived.engagement import ENGAGEMENT_TABLE, TOTALS_TABLE, RECEIVED_SQL as RECEIVED, SENT_SQL as SENT
from ..errors import ValidationError
from ..store import Store, as_store
from .calendar import _offset_segments
from .filters import as_tuple, used_params
from .interactions import end_of_day, ledger_sql, messages_sql

STAR_LEVELS = tuple(range(6))

# Star level from the per-contact counts (DESIGN 4.4), highest condition first.
STARS_SQL = """CASE
    WHEN phone_valid IS NOT DISTINCT FROM FALSE THEN 0
    WHEN received >= 1 AND interactions >= 1 AND 10 * within_30m >= 9 * interactions THEN 5
    WHEN received >= 1 AND interactions >= 1 AND 10 * within_2h >= 9 * interactions THEN 4
    WHEN received >= 1 AND same_day_interactions >= 1 THEN 3
    WHEN received >= 1 THEN 2
    WHEN sent >= 1 THEN 1
    ELSE 0 END"""

# Per-message flags and per-interaction flags, summed per contact (and per as_of in the history).
SENT_SQL = f"{SENT}::INTEGER"
RECEIVED_SQL = f"{RECEIVED}::INTEGER"
DAY_US = 86_400_000_000


def local_day_sql(column: str, segments: int) -> str:
    """SQL: the account-local day number of a TIMESTAMPTZ column, from $day_cut_i / $day_off_i (see day_params).

    Adding the UTC offset in force (a CASE over the few offset changes of the data's time range) is
    exact and several times faster than converting every timestamp with ICU.
    """
    later = " ".join(f"WHEN epoch_us({column}) >= $day_cut_{i} THEN $day_off_{i}" for i in reversed(range(1, segments)))
    offset = f"CASE {later} ELSE $day_off_0 END" if later else "$day_off_0"
    return f"((epoch_us({column}) + {offset}) // {DAY_US})"


def day_params(con: duckdb.DuckDBPyConnection, timezone: str, as_of: pd.Timestamp) -> dict[str, int]:
    """Parameters of local_day_sql: each UTC offset of the account timezone from the first message to as_of."""
    first = con.execute("SELECT min(sent_at) AS t FROM messages").df()["t"][0]
    utc = [(as_of if pd.isna(t) else t).tz_convert("UTC").tz_localize(None) for t in (first, as_of)]
    segments = _offset_segments(timezone, utc[0] - pd.Timedelta(days=1), max(utc) + pd.Timedelta(days=1))
    params: dict[str, int] = {}
    for i, (start, _, offset) in enumerate(segments):
        params[f"day_cut_{i}"] = int(start.value // 1000)
        params[f"day_off_{i}"] = int(offset.value // 1000)
    return params


def same_day_sql(segments: int) -> str:
    """SQL: 1 when from_at and to_at fall on the same account-local calendar day, else 0."""
    return f"({local_day_sql('from_at', segments)} = {local_day_sql('to_at', segments)})::INTEGER"




def _contact_filter(contacts: Iterable[str] | str | None) -> tuple[str, dict[str, list[str]]]:
    """SQL predicate on contact_id and its parameter, or TRUE when every contact is wanted."""
    wanted = as_tuple(contacts)
    if not wanted:
        return "TRUE", {}
    # a semi-join: four times faster than list_contains() on every message
    return "contact_id IN (SELECT unnest($contacts::VARCHAR[]))", {"contacts": list(wanted)}


def _activity_sql(where: str) -> str:
    """Per contact: sent, received, and main channel (most messages, then latest, then name).

    Columns: contact_id, sent, received, channel.
    """
    return f"""
        SELECT contact_id, sum(sent)::BIGINT AS sent, sum(received)::BIGINT AS received,
               arg_min(channel, (-n, -epoch_us(last_at), channel)) AS channel
        FROM (
            SELECT contact_id, channel, count(*) AS n, max(sent_at) AS last_at,
                   sum({SENT_SQL}) AS sent, sum({RECEIVED_SQL}) AS received
            FROM ({messages_sql()}) m
            WHERE sender_type <> 'note' AND contact_id IS NOT NULL AND ({where})
            GROUP BY contact_id, channel
        ) c
        GROUP BY contact_id"""


def _computed_sql(where: str, segments: int) -> str:
    """Per contact with a message (other than a note) up to $as_of, counted from the messages and the ledger.

    Columns: contact_id, channel, sent, received, interactions, same_day_interactions, within_30m, within_2h.
    """
    return f"""
        SELECT a.contact_id, a.channel, a.sent, a.received, coalesce(i.interactions, 0) AS interactions,
               coalesce(i.same_day_interactions, 0) AS same_day_interactions,
               coalesce(i.within_30m, 0) AS within_30m, coalesce(i.within_2h, 0) AS within_2h
        FROM ({_activity_sql(where)}) a
        LEFT JOIN (
            SELECT contact_id, count(*) AS interactions, sum({same_day_sql(segments)})::BIGINT AS same_day_interactions,
                   count(*) FILTER (WHERE seconds <= 1800) AS within_30m,
                   count(*) FILTER (WHERE seconds <= 7200) AS within_2h
            FROM ({ledger_sql(where)}) l
            GROUP BY contact_id
        ) i ON i.contact_id = a.contact_id"""


def _stored_sql(where: str) -> str:
    """Per contact with a message (other than a note), from contact_engagement_totals.

    Equal to _computed_sql as of any time at or after the total's last_at, when it was computed in the session's
    timezone. Columns: those of _computed_sql.
    """
    return f"""
        SELECT contact_id, channel, sent, received, interactions, same_day AS same_day_interactions, within_30m,
               within_2h
        FROM {TOTALS_TABLE} WHERE {where}"""


# The contacts whose stored total does not hold as of $as_of: a message after it, or same_day computed in another
# timezone than the session's (the account timezone of the reader's settings).
STALE_SQL = f"""
    SELECT contact_id FROM {TOTALS_TABLE}
    WHERE (last_at > $as_of::TIMESTAMPTZ OR timezone IS DISTINCT FROM current_setting('TimeZone'))"""


def _rated_sql(where: str, counts: str) -> str:
    """Per contact as of $as_of: the counts (a _computed_sql or _stored_sql), the stars and the contact's own columns.

    Columns: contact_id, name, phone, phone_valid, channel, sent, received, interactions,
    same_day_interactions, within_30m, within_2h, stars.
    """
    return f"""
        SELECT *, {STARS_SQL} AS stars
        FROM (
            SELECT coalesce(p.contact_id, a.contact_id) AS contact_id, p.name, p.phone, p.phone_valid,
                   a.channel, coalesce(a.sent, 0) AS sent, coalesce(a.received, 0) AS received,
                   coalesce(a.interactions, 0) AS interactions,
                   coalesce(a.same_day_interactions, 0) AS same_day_interactions,
                   coalesce(a.within_30m, 0) AS within_30m, coalesce(a.within_2h, 0) AS within_2h
            FROM (SELECT contact_id, name, phone, phone_valid, created_at FROM contacts WHERE {where}) p
            FULL JOIN ({counts}) a ON a.contact_id = p.contact_id
            WHERE p.created_at IS NULL OR p.created_at <= $as_of::TIMESTAMPTZ OR a.contact_id IS NOT NULL
        ) counted"""


def _rated_parts(con: duckdb.DuckDBPyConnection, where: str, params: dict[str, object], timezone: str
                 ) -> tuple[str, dict[str, int]]:
    """SQL of _rated_sql for every contact kept by `where` (its parameters and $as_of in params), and its day
    parameters.

    Contacts whose stored total holds as of $as_of are read from contact_engagement_totals; the others, if any,
    are counted from the messages and the ledger. When the stored rows do not cover every message (a writer that
    did not refresh them), every contact is counted.
    """
    sql = (f"SELECT (SELECT count(*) FROM messages) = (SELECT coalesce(sum(messages), 0) FROM {ENGAGEMENT_TABLE}), "
           f"EXISTS ({STALE_SQL} AND ({where}))")
    complete, stale = con.execute(sql, used_params(sql, params)).fetchall()[0]
    if complete and not stale:
        return _rated_sql(where, _stored_sql(where)), {}
    days = day_params(con, timezone, params["as_of"])
    if not complete:
        return _rated_sql(where, _computed_sql(where, len(days) // 2)), days
    fresh, old = (f"({where}) AND contact_id {kept} ({STALE_SQL})" for kept in ("NOT IN", "IN"))
    return (f"{_rated_sql(fresh, _stored_sql(fresh))} UNION ALL "
            f"{_rated_sql(old, _computed_sql(old, len(days) // 2))}"), days


REASON_KEYS = ("invalid_phone", "none", "sent_only", "sent_only_one", "received", "received_one",
               "2", "2_one", "3", "3_one", "4", "4_one", "5", "5_one")


def _fmt_int(column: str) -> str:
    """SQL: a count with the locale's thousands separator ($thousands: '{:t.}' or '{:t,}'; format() only when
    needed: it is slow)."""
    return f"CASE WHEN {column} < 1000 THEN {column}::VARCHAR ELSE format($thousands, {column}) END"


def _percent(within: str) -> str:
    """Whole percent rounded down, so 89.9% reads 89%, never 90%."""
    return f"coalesce(CAST(100 * {within} // nullif(interactions, 0) AS VARCHAR), '')"


FIELDS = {"sent": _fmt_int("sent"), "received": _fmt_int("received"), "n": _fmt_int("interactions"),
          "same_day": _fmt_int("same_day_interactions"), "p30": _percent("within_30m"),
          "p2h": _percent("within_2h"), "phone": "coalesce(phone, '')"}


def _sentence(key: str, locale: str, params: dict[str, object]) -> str:
    """SQL: the locale's rating_reason_<key> sentence, its text bound as parameters (added to params) and its
    placeholders filled in by concatenation (several times faster than format() or replace() on a million rows)."""
    parts = []
    for i, (literal, field, _, _) in enumerate(string.Formatter().parse(i18n.MESSAGES[f"rating_reason_{key}"][locale])):
        if literal:
            params[f"reason_{key}_{i}"] = literal
            parts.append(f"$reason_{key}_{i}")
        if field is not None:
            parts.append(FIELDS[field])
    return f"concat({', '.join(parts)})"


def _reason_sql(locale: str, params: dict[str, object]) -> str:
    """SQL sentence explaining `stars` in the locale; its parameters are added to params."""
    f = {key: _sentence(key, locale, params) for key in REASON_KEYS}
    params["thousands"] = "{:t.}" if locale == "pt_BR" else "{:t,}"
    return f"""CASE
        WHEN stars = 0 AND phone_valid IS NOT DISTINCT FROM FALSE THEN {f['invalid_phone']}
        WHEN stars = 0 THEN {f['none']}
        WHEN stars = 1 THEN CASE WHEN sent = 1 THEN {f['sent_only_one']} ELSE {f['sent_only']} END
        WHEN stars = 2 AND interactions = 0 THEN
            CASE WHEN received = 1 THEN {f['received_one']} ELSE {f['received']} END
        WHEN interactions = 1 THEN CASE stars WHEN 2 THEN {f['2_one']} WHEN 3 THEN {f['3_one']}
            WHEN 4 THEN {f['4_one']} ELSE {f['5_one']} END
        ELSE CASE stars WHEN 2 THEN {f['2']} WHEN 3 THEN {f['3']} WHEN 4 THEN {f['4']} ELSE {f['5']} END
        END"""


def ratings(source: Store | Mapping[str, pd.DataFrame], as_of: dt.datetime | dt.date | str | None = None,
            contacts: Iterable[str] | str | None = None, locale: str | None = None) -> pd.DataFrame:
    """The star rating of every contact as of as_of (default now; a date means its local end of day).

    One row per contact of the contacts table and per contact_id seen only in messages.
    Columns: contact_id, name, phone, channel (the one the contact uses most), stars (0-5),
    label, sent, received, interactions, same_day_interactions, within_30m, within_2h (counts of
    interactions <= 1800 s and <= 7200 s), share_within_30m, share_within_2h (NaN without
    interactions), phone_valid (NA when no phone), reason (one sentence in the locale).
    """
    store = as_store(source)
    locale = i18n.check_locale(locale or store.settings.locale)
    where, params = _contact_filter(contacts)
    params["as_of"] = end_of_day(as_of, store.settings)
    with store.read() as con:  # one connection: opening the file costs as much as rating one contact
        rated, days = _rated_parts(con, where, params, store.settings.timezone)
        # sorted before the label, shares and reason are added: a narrower sort (SELECT keeps its input's order)
        sql = f"""
            SELECT contact_id, name, phone, channel, stars::INTEGER AS stars, $labels[stars + 1] AS label,
                   sent, received, interactions, same_day_interactions, within_30m, within_2h,
                   within_30m / nullif(interactions, 0) AS share_within_30m,
                   within_2h / nullif(interactions, 0) AS share_within_2h,
                   phone_valid, {_reason_sql(locale, params)} AS reason
            FROM ({rated} ORDER BY contact_id) r"""
        params |= {"labels": [i18n.label("stars", s, locale) for s in STAR_LEVELS]} | days
        # through Arrow: three times faster than .df() for a million contacts
        table = con.sql(sql, params=used_params(sql, params)).to_arrow_table()
    return table.to_pandas(types_mapper={pa.bool_(): pd.BooleanDtype()}.get)  # phone_valid: NA when no phone


def period_ends(start: dt.date | str, end: dt.date | str, freq: str = "month") -> list[dt.date]:
    """Last days of the months (or weeks ending Sunday) within [start, end], plus end when it is not one."""
    if freq not in ("month", "week"):
        raise ValidationError(f"freq '{freq}' is not month or week")
    try:
        first, last = pd.Timestamp(start).date(), pd.Timestamp(end).date()
    except ValueError:
        raise ValidationError(f"period {start} .. {end} is not two dates (YYYY-MM-DD)") from None
    if first > last:
        raise ValidationError(f"period starts on {first}, after it ends on {last}")
    rule = "ME" if freq == "month" else "W-SUN"
    ends = [d.date() for d in pd.date_range(first, last, freq=rule)]
    if not ends or ends[-1] != last:
        ends.append(last)
    return ends


COUNTS = ("sent", "received", "interactions", "same_day_interactions", "within_30m", "within_2h")


def _history_sql(where: str, segments: int, ends: int) -> str:
    """Per contact and per as_of time $end_0 < $end_1 < ...: the stars, from cumulative counts.

    Each message and interaction goes to the first as_of at or after it (a CASE over the few as_of
    times, no sort); each contact's buckets are summed cumulatively by a self-join on its own few
    buckets; each cumulative state then holds until the contact's next bucket.
    Columns: as_of, contact_id, stars.
    """
    bucket = " ".join(f"WHEN fact_at <= $end_{i} THEN {i}" for i in range(ends))
    sums = ", ".join(f"sum({c}) AS {c}" for c in COUNTS)
    running = ", ".join(f"sum(o.{c}) FILTER (WHERE o.k <= b.k) AS {c}" for c in COUNTS)
    ends_list = ", ".join(f"($end_{i}::TIMESTAMPTZ, {i})" for i in range(ends))
    return f"""
        WITH ends(as_of, k) AS (VALUES {ends_list}),
        facts AS (
            SELECT contact_id, sent_at AS fact_at, {SENT_SQL} AS sent, {RECEIVED_SQL} AS received,
                   0 AS interactions, 0 AS same_day_interactions, 0 AS within_30m, 0 AS within_2h
            FROM ({messages_sql()}) m
            WHERE sender_type <> 'note' AND contact_id IS NOT NULL AND ({where})
            UNION ALL
            SELECT contact_id, to_at, 0, 0, 1, {same_day_sql(segments)},
                   (seconds <= 1800)::INTEGER, (seconds <= 7200)::INTEGER
            FROM ({ledger_sql(where)}) l
        ),
        buckets AS (
            SELECT contact_id, CASE {bucket} END AS k, {sums}
            FROM facts GROUP BY ALL
        ),
        cumulative AS (
            SELECT b.contact_id, b.k, {running}, coalesce(min(o.k) FILTER (WHERE o.k > b.k), {ends}) AS next_k
            FROM buckets b JOIN buckets o ON o.contact_id = b.contact_id
            GROUP BY b.contact_id, b.k
        ),
        people AS (
            SELECT coalesce(p.contact_id, f.contact_id) AS contact_id, p.phone_valid, p.created_at, f.first_k
            FROM (SELECT contact_id, phone_valid, created_at FROM contacts WHERE {where}) p
            FULL JOIN (SELECT contact_id, min(k) AS first_k FROM buckets GROUP BY contact_id) f
                   ON f.contact_id = p.contact_id
        )
        SELECT e.as_of, c.contact_id, ({STARS_SQL})::INTEGER AS stars
        FROM cumulative c JOIN people p ON p.contact_id = c.contact_id
        JOIN ends e ON e.k >= c.k AND e.k < c.next_k
        UNION ALL
        SELECT e.as_of, p.contact_id, 0
        FROM people p JOIN ends e ON e.k < coalesce(p.first_k, {ends})
        WHERE p.created_at IS NULL OR p.created_at <= e.as_of"""


def _history(store: Store, ends: list[pd.Timestamp], contacts: Iterable[str] | str | None) -> pd.DataFrame:
    where, params = _contact_filter(contacts)
    ends = sorted(set(ends))
    with store.read() as con:
        days = day_params(con, store.settings.timezone, ends[-1])
        sql = _history_sql(where, len(days) // 2, len(ends))  # unordered: sorting 10M rows doubles the time
        params |= {f"end_{i}": end for i, end in enumerate(ends)} | {"as_of": ends[-1]} | days
        return con.sql(sql, params=used_params(sql, params)).to_arrow_table().to_pandas()


def rating_history(source: Store | Mapping[str, pd.DataFrame], start: dt.date | str, end: dt.date | str,
                   freq: str = "month", contacts: Iterable[str] | str | None = None) -> pd.DataFrame:
    """Each contact's stars as of the local end of each period end day (see period_ends), all in one query.

    Equal to ratings(as_of=that day) for every contact that exists then; the phone is judged as it is now.
    Rows come in no particular order. Columns: as_of, contact_id, stars.
    """
    store = as_store(source)
    ends = [end_of_day(d, store.settings) for d in period_ends(start, end, freq)]
    return _history(store, ends, contacts)


def rating_changes(source: Store | Mapping[str, pd.DataFrame], from_date: dt.date | dt.datetime | str,
                   to_date: dt.date | dt.datetime | str, contacts: Iterable[str] | str | None = None) -> pd.DataFrame:
    """Each contact existing at to_date with its stars at both dates (0 at from_date if it did not exist yet).

    Dates mean their local end of day. Went down: `change < 0`.
    Columns: contact_id, from_stars, to_stars, change.
    """
    store = as_store(source)
    start, stop = end_of_day(from_date, store.settings), end_of_day(to_date, store.settings)
    if start > stop:
        raise ValidationError(f"from_date {from_date} is after to_date {to_date}")
    history = _history(store, [start, stop], contacts)
    before = history[history["as_of"] == start].set_index("contact_id")["stars"]
    after = history[history["as_of"] == stop].set_index("contact_id")["stars"]
    frame = pd.DataFrame({"contact_id": after.index,
                          "from_stars": before.reindex(after.index, fill_value=0).to_numpy(),
                          "to_stars": after.to_numpy()})
    frame["change"] = frame["to_stars"] - frame["from_stars"]
    return frame.reset_index(drop=True)


def transitions(source: Store | Mapping[str, pd.DataFrame], from_date: dt.date | dt.datetime | str,
                to_date: dt.date | dt.datetime | str, contacts: Iterable[str] | str | None = None) -> pd.DataFrame:
    """The from-stars x to-stars matrix in long form, all 36 cells; list who went down with rating_changes.

    Columns: from_stars, to_stars, contacts.
    """
    changes = rating_changes(source, from_date, to_date, contacts)
    counts = changes.groupby(["from_stars", "to_stars"]).size()
    grid = pd.MultiIndex.from_product([STAR_LEVELS, STAR_LEVELS], names=["from_stars", "to_stars"])
    return counts.reindex(grid, fill_value=0).rename("contacts").reset_index()


def stars_by_channel(source: Store | Mapping[str, pd.DataFrame],
                     as_of: dt.datetime | dt.date | str | None = None) -> pd.DataFrame:
    """Distribution of stars per main channel (most messages, then latest, then name); NA channel: no message.

    Every channel present has all six levels. share = contacts / contacts of that channel.
    Columns: channel, stars, contacts, share.
    """
    rated = ratings(source, as_of=as_of)[["channel", "stars"]]
    counts = rated.groupby(["channel", "stars"], dropna=False).size()
    channels = rated["channel"].drop_duplicates().sort_values(na_position="last")
    grid = pd.MultiIndex.from_product([channels, STAR_LEVELS], names=["channel", "stars"])
    frame = counts.reindex(grid, fill_value=0).rename("contacts").reset_index()
    totals = frame.groupby("channel", dropna=False)["contacts"].transform("sum")
    frame["share"] = frame["contacts"] / totals
    return frame


def meaning_table(locale: str | None = None) -> pd.DataFrame:
    """What each star level means, in the locale (default Settings.locale) and in both languages.

    Columns: stars, name, condition, name_pt_BR, name_en, condition_pt_BR, condition_en.
    """
    from ..config import load_settings

    locale = i18n.check_locale(locale or load_settings().locale)
    table = i18n.star_meanings()
    table.insert(1, "name", table[f"name_{locale}"])
    table.insert(2, "condition", table[f"condition_{locale}"])
    return table


def export_ratings(store: Store, as_of: str | None = None, **_: object) -> pd.DataFrame:
    """`pipeone export ratings`: one row per contact with the columns of ratings()."""
    return ratings(store, as_of=as_of)
