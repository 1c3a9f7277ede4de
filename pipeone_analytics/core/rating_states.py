"""Each contact's star rating (DESIGN 4.4) and main channel at the end of every local day, kept as changes only.

ratings(as_of=D) for a date D rates every contact on the messages and interactions up to D's local end. Those
counts only grow on days with messages, so a contact's stars and main channel can only change at the end of
such a day: one row per change holds from that day's end until the next row's. The rows are built with the
SQL of core.ratings (its counts, STARS_SQL and main-channel rule), cumulated per day instead of once, and are
kept per store version by core.aggregates.cached. on_day(D) then equals ratings(as_of=D) for every contact
(tests/core/test_rating_states.py).
"""
from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from ..store import Store
from .aggregates import cached
from .filters import used_params
from .interactions import ledger_sql, messages_sql
from .ratings import RECEIVED_SQL, SENT_SQL, STARS_SQL, day_params, local_day_sql, same_day_sql

EPOCH = dt.date(1970, 1, 1)
ALWAYS = np.iinfo("int32").min  # from_day of a contact that exists before any message (no created_at)
NEVER = np.iinfo("int32").max   # until_day of a contact's last state


def day_number(day: dt.date) -> int:
    """The local day as a number of days since 1970-01-01 (local_day_sql's numbering)."""
    return (day - EPOCH).days


def _states_sql(segments: int) -> str:
    """Per contact, every change of (stars, main channel) at a local day's end. Columns: contact_id, from_day,
    stars, channel."""
    day = local_day_sql("sent_at", segments)
    return f"""
    WITH per_channel AS (
        SELECT contact_id, {day} AS day, channel, count(*) AS n, max(sent_at) AS last_at,
               sum({SENT_SQL}) AS sent, sum({RECEIVED_SQL}) AS received
        FROM ({messages_sql()}) m WHERE sender_type <> 'note' AND contact_id IS NOT NULL
        GROUP BY ALL
    ),
    channel_totals AS (
        SELECT contact_id, channel, day, sum(n) OVER w AS n, max(last_at) OVER w AS last_at
        FROM per_channel WINDOW w AS (PARTITION BY contact_id, channel ORDER BY day)
    ),
    days AS (SELECT contact_id, day, sum(sent) AS sent, sum(received) AS received FROM per_channel GROUP BY ALL),
    main AS (
        SELECT d.contact_id, d.day, arg_min(t.channel, (-t.n, -epoch_us(t.last_at), t.channel)) AS channel
        FROM days d JOIN (SELECT DISTINCT contact_id, channel FROM per_channel) c USING (contact_id)
        ASOF JOIN channel_totals t ON t.contact_id = d.contact_id AND t.channel = c.channel AND d.day >= t.day
        GROUP BY ALL
    ),
    interactions AS (
        SELECT contact_id, {local_day_sql('to_at', segments)} AS day, count(*) AS interactions,
               sum({same_day_sql(segments)}) AS same_day_interactions,
               count(*) FILTER (WHERE seconds <= 1800) AS within_30m,
               count(*) FILTER (WHERE seconds <= 7200) AS within_2h
        FROM ({ledger_sql()}) l GROUP BY ALL
    ),
    counted AS (
        SELECT d.contact_id, d.day, sum(d.sent) OVER w AS sent, sum(d.received) OVER w AS received,
               sum(coalesce(i.interactions, 0)) OVER w AS interactions,
               sum(coalesce(i.same_day_interactions, 0)) OVER w AS same_day_interactions,
               sum(coalesce(i.within_30m, 0)) OVER w AS within_30m,
               sum(coalesce(i.within_2h, 0)) OVER w AS within_2h
        FROM days d LEFT JOIN interactions i USING (contact_id, day)
        WINDOW w AS (PARTITION BY d.contact_id ORDER BY d.day)
    ),
    people AS (
        SELECT coalesce(p.contact_id, f.contact_id) AS contact_id, p.phone_valid, p.created_at, f.first_day,
               p.contact_id IS NOT NULL AS listed
        FROM contacts p FULL JOIN (SELECT contact_id, min(day) AS first_day FROM days GROUP BY ALL) f
             ON f.contact_id = p.contact_id
    ),
    states AS (
        SELECT c.contact_id, c.day AS from_day, ({STARS_SQL})::INTEGER AS stars, m.channel
        FROM counted c JOIN main m USING (contact_id, day) JOIN people p USING (contact_id)
        UNION ALL  -- a listed contact that exists before its first message is a new contact (0) until then
        SELECT contact_id, CASE WHEN created_at IS NULL THEN $always
                                ELSE date_diff('day', DATE '1970-01-01', created_at::DATE) END, 0, NULL
        FROM people
        WHERE listed AND (first_day IS NULL OR created_at IS NULL
                          OR date_diff('day', DATE '1970-01-01', created_at::DATE) < first_day)
    )
    SELECT contact_id, from_day, stars, channel FROM (
        SELECT *, lag(stars) OVER w AS stars_before, lag(channel) OVER w AS channel_before,
               row_number() OVER w AS n
        FROM states WINDOW w AS (PARTITION BY contact_id ORDER BY from_day)
    ) WHERE n = 1 OR stars IS DISTINCT FROM stars_before OR channel IS DISTINCT FROM channel_before"""


def _compute(store: Store) -> pd.DataFrame:
    as_of = pd.Timestamp.now(tz=store.settings.timezone)
    with store.read() as con:
        days = day_params(con, store.settings.timezone, as_of)
        sql = _states_sql(len(days) // 2)
        params = {"as_of": as_of, "always": int(ALWAYS)} | days
        frame = con.sql(sql, params=used_params(sql, params)).to_arrow_table().to_pandas()
    frame = frame.sort_values(["contact_id", "from_day"], ignore_index=True)
    contact = pd.factorize(frame["contact_id"])[0].astype("int32")
    following = frame["from_day"].shift(-1).where(contact == np.roll(contact, -1))
    return pd.DataFrame({"contact_id": frame["contact_id"], "contact": contact,
                         "from_day": frame["from_day"].astype("int32"),
                         "until_day": following.fillna(NEVER).astype("int32"),
                         "stars": frame["stars"].astype("int8"), "channel": frame["channel"].astype("category")})


def rating_states(store: Store) -> pd.DataFrame:
    """Every change of a contact's stars or main channel, from a local day's end until the next change, up to now.

    Columns: contact_id, contact (0..n-1, one per contact), from_day, until_day (day_number()s: the state holds
    as of the end of every day d with from_day <= d < until_day), stars, channel (main channel; NaN before
    the first message).
    """
    return cached(store, "rating_states", lambda: _compute(store))


def on_day(states: pd.DataFrame, day: dt.date) -> np.ndarray:
    """Which states hold as of the local end of day: one per contact rated then (ratings(as_of=day)), as a mask."""
    number = day_number(day)
    return (states["from_day"].to_numpy() <= number) & (states["until_day"].to_numpy() > number)


def stars_by_contact(states: pd.DataFrame, day: dt.date, missing: int = -1) -> np.ndarray:
    """The stars of every contact (indexed by `contact`) as of the end of day; `missing` where not rated yet."""
    stars = np.full(int(states["contact"].max()) + 1 if len(states) else 0, missing, dtype="int8")
    held = on_day(states, day)
    stars[states["contact"].to_numpy()[held]] = states["stars"].to_numpy()[held]
    return stars
