"""drill_down(): the rows behind one clicked bar or cell of a dashboard, as a DataFrame (no widgets)."""
from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any, Mapping, Sequence

import pandas as pd

from ...core import aggregates, rating_states
from ...core import ratings as core_ratings
from ...core import response_times, status
from ...core import tickets as core_tickets
from ...core.filters import Filters
from ...core.interactions import end_of_day
from ...errors import ValidationError
from ...store import Store, as_store

Source = Store | Mapping[str, pd.DataFrame]
KINDS = ("stars", "stars_channel", "transition", "tickets_type", "tickets_category", "category_channel",
         "category_agent", "response_bin", "outlier", "backlog")
RESPONSE_METRICS = {"first_response_time": response_times.first_response_times,
                    "reply_time": response_times.reply_times, "resolution_time": response_times.resolution_times}


def period_dates(filters: Filters, store: Store) -> tuple[dt.date, dt.date]:
    """The period's first and last local day (the last day of activity, or today, when open)."""
    start, end = filters.bounds(store.settings)
    last = (end - pd.Timedelta(microseconds=1)).date() if end is not None else dt.date.today()
    return (start.date() if start is not None else last - dt.timedelta(days=29)), last


def rated(source: Source, filters: Filters, locale: str | None = None, contacts: Sequence[str] | None = None
          ) -> pd.DataFrame:
    """ratings() as of the period's last day, of the contacts whose main channel is one of the filter's channels
    (and among contacts, when given).

    Columns: those of core.ratings.ratings."""
    store = as_store(source)
    frame = core_ratings.ratings(store, as_of=period_dates(filters, store)[1], locale=locale, contacts=contacts)
    return frame[frame["channel"].isin(filters.channels)] if filters.channels else frame


def _rated_now(store: Store, filters: Filters, stars: int | None = None, channel: Any = "") -> list[str]:
    """The contacts rated as of the period's last day (core.rating_states), in the filter's channels, with those
    stars and that main channel when given: whom a bar's drill-down asks core.ratings about."""
    states = rating_states.rating_states(store)
    rows = states[rating_states.on_day(states, period_dates(filters, store)[1])]
    if filters.channels:
        rows = rows[rows["channel"].isin(filters.channels)]
    if stars is not None:
        rows = rows[rows["stars"] == stars]
    if channel != "":
        rows = rows[_same(rows["channel"].astype(object), channel)]
    return rows["contact_id"].tolist()


def _conversations_only(store: Store, ids: Sequence[str]) -> Store:
    """An in-memory store of these conversations (their messages, events and tickets) and every agent: what the
    per-conversation response metrics of core.response_times need, so they run on a bar's rows only."""
    sql = "SELECT * FROM {} WHERE conversation_id IN (SELECT unnest($ids::VARCHAR[]))"
    frames = {table: store.df(sql.format(table), {"ids": list(ids)})
              for table in ("conversations", "messages", "events", "tickets")}
    return Store.from_frames(frames | {"agents": store.df("SELECT * FROM agents")}, store.settings)


def rated_changes(source: Source, filters: Filters, contacts: Sequence[str] | None = None) -> pd.DataFrame:
    """rating_changes() from the day before the period to its last day, restricted like rated().

    Columns: contact_id, from_stars, to_stars, change, channel."""
    store = as_store(source)
    first, last = period_dates(filters, store)
    changes = core_ratings.rating_changes(store, first - dt.timedelta(days=1), last, contacts=contacts)
    main = rated(store, Filters(end=last), contacts=contacts)[["contact_id", "channel"]]
    changes = changes.merge(main, on="contact_id", how="left")
    return changes[changes["channel"].isin(filters.channels)] if filters.channels else changes


def _same(column: pd.Series, key: Any) -> pd.Series:
    """column == key, where a missing key matches missing values."""
    return column.isna() if key is None or (not isinstance(key, str) and pd.isna(key)) else column == key


def _week(filters: Filters, week_start: Any) -> Filters:
    """The filters narrowed to one week (Monday start) of the period."""
    monday = pd.Timestamp(week_start).date()
    start = max(monday, pd.Timestamp(filters.start).date()) if filters.start else monday
    end = min(monday + dt.timedelta(days=6), pd.Timestamp(filters.end).date()) if filters.end else \
        monday + dt.timedelta(days=6)
    return dataclasses.replace(filters, start=start, end=end)


def drill_down(source: Source, kind: str, key: Sequence[Any], filters: Filters | None = None,
               business: bool = False) -> pd.DataFrame:
    """The rows behind one bar or cell: exactly as many rows as the bar's height (or the cell's count).

    kind and key (the clicked mark's customdata):
    Each reads the store for the rows; the pre-aggregates (core.aggregates, core.rating_states) only tell which
    contacts or conversations to read, so a click costs the bar's rows, not the whole store.
    - stars (stars,), stars_channel (channel, stars): ratings() rows of those contacts; columns of ratings.
    - transition (from_stars, to_stars): rated_changes() rows joined to ratings(); columns of both.
    - tickets_type (week_start, type), tickets_category (week_start, category_id),
      category_channel (category_id, channel), category_agent (category_id, resolved_by): tickets() rows.
    - response_bin (metric, low, high, closed): that metric's measured rows with low <= seconds < high, or
      <= high when closed (a histogram's last bin); values under 1 s count as 1 s (charts.duration_bins);
      seconds are business seconds when business. Columns of the metric's function.
    - outlier (metric, rank): outliers() rows of that rank (its ledger rows, message ids included).
    - backlog (day, status): status_as_of() at that day's local end, rows in that status.
    """
    store = as_store(source)
    filters = filters or Filters()
    key = list(key)
    if kind not in KINDS:
        raise ValidationError(f"unknown drill-down '{kind}'; choose one of {', '.join(KINDS)}")
    if kind == "stars":
        frame = rated(store, filters, contacts=_rated_now(store, filters, int(key[0])))
        return frame[frame["stars"] == int(key[0])].reset_index(drop=True)
    if kind == "stars_channel":
        frame = rated(store, filters, contacts=_rated_now(store, filters, int(key[1]), key[0]))
        return frame[_same(frame["channel"], key[0]) & (frame["stars"] == int(key[1]))].reset_index(drop=True)
    if kind == "transition":
        changes = rated_changes(store, filters, _rated_now(store, filters, int(key[1])))
        changes = changes[(changes["from_stars"] == int(key[0])) & (changes["to_stars"] == int(key[1]))]
        now = rated(store, Filters(end=period_dates(filters, store)[1]), contacts=changes["contact_id"].tolist())
        return changes.drop(columns="channel").merge(now, on="contact_id", how="left").reset_index(drop=True)
    if kind in ("tickets_type", "tickets_category"):
        frame = core_tickets.tickets(store, _week(filters, key[0]))
        column = "type" if kind == "tickets_type" else "category_id"
        return frame[_same(frame[column], key[1])].reset_index(drop=True)
    if kind in ("category_channel", "category_agent"):
        frame = core_tickets.tickets(store, filters)
        column = "channel" if kind == "category_channel" else "resolved_by"
        return frame[_same(frame["category_id"], key[0]) & _same(frame[column], key[1])].reset_index(drop=True)
    if kind == "response_bin":
        metric, low, high, closed = key[0], float(key[1]), float(key[2]), bool(key[3])
        inside = lambda s: (s.notna() & (s.clip(lower=1.0) >= low)  # noqa: E731
                            & ((s.clip(lower=1.0) <= high) if closed else (s.clip(lower=1.0) < high)))
        column = "business_seconds" if business else "seconds"
        facts = aggregates.response_facts(store, metric)
        behind = facts[aggregates.measured_mask(facts, filters, store) & inside(facts[column]).to_numpy()]
        frame = RESPONSE_METRICS[metric](_conversations_only(store, behind["conversation_id"].unique().tolist()),
                                         filters)
        return frame[inside(frame[column])].reset_index(drop=True)
    if kind == "outlier":
        frame = response_times.outliers(store, key[0], filters, n=int(key[1]))
        return frame[frame["rank"] == int(key[1])].reset_index(drop=True)
    day = pd.Timestamp(key[0]).date()
    frame = status.status_as_of(store, Filters(as_of=end_of_day(day, store.settings)))
    return frame[frame["status"] == key[1]].reset_index(drop=True)
