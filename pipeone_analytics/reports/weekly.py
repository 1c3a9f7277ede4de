"""Sections of the weekly summary for managers: highlights, volume, backlog, stars, tickets, SLA."""
from __future__ import annotations

import dataclasses
import math
from typing import Any, Sequence

import pandas as pd

from .. import charts, i18n
from ..core import channels as core_channels
from ..core import ratings as core_ratings
from ..core import response_times, status, tickets
from .context import ReportContext, Section, formatted
from .params import Period

OPEN_STATUSES = ("new", "in_progress", "on_hold")
SLA_METRICS = ("first_response_time", "reply_time", "resolution_time")


def sla_threshold(ctx: ReportContext) -> int:
    """The first-response SLA threshold the summary quotes: 30 min when configured, else the first one."""
    thresholds = ctx.settings.sla_first_response_seconds
    return 1800 if 1800 in thresholds else thresholds[0]


def _messages(ctx: ReportContext, period: Period) -> pd.DataFrame:
    """Columns: period_start, channel, messages_in, messages_out, conversations (core.channels.channel_mix)."""
    return ctx.memo(("channel_mix", period),
                    lambda: core_channels.channel_mix(ctx.store, ctx.filters(period), period="day"))


def rated_contacts(ctx: ReportContext) -> pd.DataFrame:
    """ratings() as of the period's end, with reasons, restricted to the report's channels (main channel)."""
    rated = ctx.memo(("ratings",), lambda: core_ratings.ratings(ctx.store, as_of=ctx.end_of(ctx.period),
                                                                 locale=ctx.locale))
    return rated[rated["channel"].isin(ctx.channels)] if ctx.channels else rated


def _history_at_both_ends(ctx: ReportContext) -> pd.DataFrame:
    """rating_history at the previous period's end and this one's: one query when the previous end is a
    Sunday (weekly periods), else one per end. Columns: as_of, contact_id, stars."""
    start, end = ctx.previous.end, ctx.period.end
    if start in core_ratings.period_ends(start, end, "week"):
        return core_ratings.rating_history(ctx.store, start, end, freq="week")
    return pd.concat([core_ratings.rating_history(ctx.store, day, day, freq="week") for day in (start, end)],
                     ignore_index=True)


def star_levels(ctx: ReportContext, period: Period) -> pd.DataFrame:
    """Stars of every contact existing at the end of the report's period or of the previous one, restricted to
    the report's channels (the contact's main channel now), once per period. Columns: contact_id, stars."""
    def levels() -> pd.DataFrame:
        history = ctx.memo(("rating_history",), lambda: _history_at_both_ends(ctx))
        rows = history[history["as_of"] == ctx.end_of(period)]
        if ctx.channels:
            rows = rows[rows["contact_id"].isin(rated_contacts(ctx)["contact_id"])]
        return rows[["contact_id", "stars"]].reset_index(drop=True)

    return ctx.memo(("star_levels", period), levels)


def summaries(ctx: ReportContext, metrics: Sequence[str], by: str | None, period: Period) -> dict[str, pd.DataFrame]:
    """response_times.summarize of each metric in a period, by a key or overall (columns: see summarize).

    The metrics not computed yet come from core's multi-metric path in one call: one connection, one cycle fold
    and one ledger for all of them.
    """
    keys = [("summarize", metric, by, period) for metric in metrics]
    values = ctx.memo_many(keys, lambda missing: response_times._summaries(  # noqa: SLF001 - see docstring
        ctx.store, [key[1] for key in missing], response_times._by_columns(by, response_times.COLUMNS),  # noqa: SLF001
        ctx.filters(period)))
    return dict(zip(metrics, values))


def summary(ctx: ReportContext, metric: str, by: str | None, period: Period) -> pd.DataFrame:
    """response_times.summarize of one metric in a period, by a key or overall (columns: see summarize)."""
    return summaries(ctx, (metric,), by, period)[metric]


def period_metrics(ctx: ReportContext, period: Period) -> tuple[str, ...]:
    """The response metrics the summary shows for a period: the SLA section's for the report's period, the first
    response alone (a key figure) for the previous one. Asked for together, they share one cycle fold."""
    return SLA_METRICS if period == ctx.period else ("first_response_time",)


def backlog_days(ctx: ReportContext, period: Period) -> pd.DataFrame:
    """core.status.backlog of the days of a period. Columns: day, status, conversations.

    Each day is counted as of its own end, so one backlog() over the previous and this period serves both.
    """
    both = ctx.memo(("backlog",), lambda: status.backlog(
        ctx.store, dataclasses.replace(ctx.filters(), start=ctx.previous.start)))
    days = pd.to_datetime(both["day"]).dt.date
    return both[(days >= period.start) & (days <= period.end)].reset_index(drop=True)


def kpis(ctx: ReportContext, period: Period) -> dict[str, float]:
    """The summary's key figures for one period (keys are report_kpi_* names)."""
    mix = _messages(ctx, period)
    frt = summaries(ctx, period_metrics(ctx, period), None, period)["first_response_time"]
    threshold = sla_threshold(ctx)
    backlog = backlog_days(ctx, period)
    last_day = backlog[backlog["day"] == backlog["day"].max()]
    rated = star_levels(ctx, period)
    counts = ticket_totals(ctx, "type", period)
    return {
        "messages_in": float(mix["messages_in"].sum()),
        "messages_out": float(mix["messages_out"].sum()),
        "tickets": float(counts["tickets"].sum()),
        "backlog": float(last_day.loc[last_day["status"].isin(OPEN_STATUSES), "conversations"].sum()),
        "frt_median": float(frt["median"].iloc[0]) if len(frt) else math.nan,
        "frt_sla": float(frt[f"within_{threshold}s"].iloc[0]) if len(frt) else math.nan,
        "engaged": float((rated["stars"] >= 4).sum()),
    }


KPI_KINDS = {"messages_in": "int", "messages_out": "int", "tickets": "int", "backlog": "int",
             "frt_median": "duration", "frt_sla": "percent", "engaged": "int"}


def _value(kind: str, value: float, loc: str) -> str:
    if value is None or math.isnan(value):
        return "—"
    return {"int": lambda: i18n.fmt_number(value, loc), "duration": lambda: i18n.fmt_duration(value, loc),
            "percent": lambda: i18n.fmt_percent(value, loc)}[kind]()


def _change(kind: str, now: float, before: float, loc: str) -> str:
    if math.isnan(now) or math.isnan(before):
        return "—"
    diff = now - before
    if diff == 0:
        return "="
    sign = "+" if diff > 0 else "−"
    if kind == "percent":
        return f"{sign}{i18n.fmt_number(abs(diff) * 100, loc, 1)} p.p."
    text = f"{sign}{_value(kind, abs(diff), loc)}"
    return text + (f" ({sign}{i18n.fmt_percent(abs(diff) / before, loc)})" if before else "")


def changes(ctx: ReportContext) -> pd.DataFrame:
    """Key figures of this period and the previous one, biggest relative change first.

    Columns: key, measure, kind, current, previous, relative (|change| / previous; inf from zero).
    """
    now, before = kpis(ctx, ctx.period), kpis(ctx, ctx.previous)
    threshold = i18n.fmt_duration(sla_threshold(ctx), ctx.locale)
    frame = pd.DataFrame({"key": list(now), "current": list(now.values()), "previous": list(before.values())})
    frame["kind"] = frame["key"].map(KPI_KINDS)
    frame["measure"] = [ctx.t(f"report_kpi_{k}", threshold=threshold) for k in frame["key"]]
    diff = (frame["current"] - frame["previous"]).abs()
    frame["relative"] = (diff / frame["previous"].abs()).where(frame["previous"] != 0,
                                                               diff.where(diff == 0, math.inf))
    return frame.sort_values("relative", ascending=False, kind="stable", na_position="last").reset_index(drop=True)


def highlights(ctx: ReportContext, top: int = 3) -> Section:
    """The top changes against the previous period in words, then every key figure side by side."""
    frame = changes(ctx)
    loc = ctx.locale
    moved = frame[frame["relative"] > 0].head(top)
    lines = [f"- {ctx.t('report_highlight_line', measure=r.measure, current=_value(r.kind, r.current, loc), change=_change(r.kind, r.current, r.previous, loc), previous=_value(r.kind, r.previous, loc))}"  # noqa: E501
             for r in moved.itertuples()]
    prose = [ctx.t("report_highlights_intro"), "\n".join(lines)] if lines else [ctx.t("report_no_changes")]
    table = pd.DataFrame({
        ctx.t("report_col_measure"): frame["measure"],
        ctx.t("report_col_current"): [_value(k, v, loc) for k, v in zip(frame["kind"], frame["current"])],
        ctx.t("report_col_previous"): [_value(k, v, loc) for k, v in zip(frame["kind"], frame["previous"])],
        ctx.t("report_col_change"): [_change(k, a, b, loc) for k, a, b in
                                     zip(frame["kind"], frame["current"], frame["previous"])]})
    return Section(ctx.t("report_h_highlights"), prose, [table])


def volume(ctx: ReportContext) -> Section:
    """Messages per day and channel (stacked), and per channel in the period with its share."""
    loc = ctx.locale
    mix = _messages(ctx, ctx.period)
    title = ctx.t("report_h_volume")
    if mix.empty:
        return Section(title, [i18n.t("no_data", loc)])
    mix = mix.assign(messages=mix["messages_in"] + mix["messages_out"],
                     channel_label=mix["channel"].map(lambda c: i18n.label("channel", c, loc)))
    per_channel = (mix.groupby("channel", as_index=False)[["messages_in", "messages_out", "messages"]].sum()
                   .sort_values("messages", ascending=False))
    per_channel["share"] = per_channel["messages"] / per_channel["messages"].sum()
    top = per_channel.iloc[0]
    prose = [ctx.t("report_volume_prose", messages_in=i18n.fmt_number(per_channel["messages_in"].sum(), loc),
                   messages_out=i18n.fmt_number(per_channel["messages_out"].sum(), loc),
                   top=i18n.label("channel", top["channel"], loc), share=i18n.fmt_percent(top["share"], loc))]
    figure = charts.bars(mix, "period_start", "messages", ctx.t("report_fig_volume"), loc, color="channel_label",
                         x_title=ctx.t("report_col_day"), y_title=ctx.t("report_col_messages"), date_axis=True)
    table = formatted(ctx, per_channel, [("channel", ctx.t("report_col_channel"), "channel"),
                                         ("messages_in", ctx.t("report_col_messages_in"), "int"),
                                         ("messages_out", ctx.t("report_col_messages_out"), "int"),
                                         ("share", ctx.t("report_col_share"), "percent")])
    return Section(title, prose, [figure, table])



def backlog(ctx: ReportContext) -> Section:
    """Open conversations (new, in progress, on hold) at the end of each day, stacked by status."""
    loc = ctx.locale
    frame = backlog_days(ctx, ctx.period)
    frame = frame[frame["status"].isin(OPEN_STATUSES)]
    title = ctx.t("report_h_backlog")
    if frame.empty:
        return Section(title, [i18n.t("no_data", loc)])
    frame = frame.assign(status_label=frame["status"].map(lambda s: i18n.label("status", s, loc)))
    by_day = frame.pivot_table(index="day", columns="status", values="conversations", aggfunc="sum")
    last, first = by_day.iloc[-1], by_day.iloc[0]
    prose = [ctx.t("report_backlog_prose", open=i18n.fmt_number(last.sum(), loc),
                   **{s: i18n.fmt_number(last.get(s, 0), loc) for s in OPEN_STATUSES},
                   open_first=i18n.fmt_number(first.sum(), loc))]
    figure = charts.bars(frame, "day", "conversations", ctx.t("report_fig_backlog"), loc, color="status_label",
                         x_title=ctx.t("report_col_day"), y_title=ctx.t("report_col_conversations"), date_axis=True)
    return Section(title, prose, [figure])


def rating_changes(ctx: ReportContext) -> pd.DataFrame:
    """Each contact at this period's end with its stars then and at the previous period's end (0 if it did not
    exist yet), as core.ratings.rating_changes, from the same history query as star_levels.

    Columns: contact_id, from_stars, to_stars, change.
    """
    after = star_levels(ctx, ctx.period).set_index("contact_id")["stars"]
    before = star_levels(ctx, ctx.previous).set_index("contact_id")["stars"]
    frame = pd.DataFrame({"contact_id": after.index, "from_stars": before.reindex(after.index, fill_value=0).to_numpy(),
                          "to_stars": after.to_numpy()})
    return frame.assign(change=frame["to_stars"] - frame["from_stars"])


def star_distribution(ctx: ReportContext) -> pd.DataFrame:
    """Contacts per star level at the end of the previous period and of this one (every level listed).

    Columns: stars, previous, current.
    """
    levels = pd.Index(range(6), name="stars")
    counts = {name: star_levels(ctx, period)["stars"].value_counts().reindex(levels, fill_value=0)
              for name, period in (("previous", ctx.previous), ("current", ctx.period))}
    return pd.DataFrame(counts).reset_index()


def stars(ctx: ReportContext) -> Section:
    """The stars distribution now and at the end of the previous period, and how many moved up or down."""
    loc = ctx.locale
    dist = star_distribution(ctx)
    moved = rating_changes(ctx)
    engaged = dist.loc[dist["stars"] >= 4, ["current", "previous"]].sum()
    total = dist["current"].sum()
    prose = [ctx.t("report_stars_prose", engaged=i18n.fmt_number(engaged["current"], loc),
                   share=i18n.fmt_percent(engaged["current"] / total if total else 0, loc),
                   engaged_prev=i18n.fmt_number(engaged["previous"], loc),
                   up=i18n.fmt_number((moved["change"] > 0).sum(), loc),
                   down=i18n.fmt_number((moved["change"] < 0).sum(), loc))]
    long = dist.melt(id_vars="stars", var_name="when", value_name="contacts")
    long["when"] = long["when"].map({"previous": ctx.t("report_col_previous"), "current": ctx.t("report_col_current")})
    long["level"] = long["stars"].map(lambda s: f"{s} ★")
    figure = charts.bars(long, "level", "contacts", ctx.t("report_fig_stars"), loc, color="when", stacked=False,
                         x_title=ctx.t("report_col_stars"), y_title=ctx.t("report_col_contacts"))
    table = formatted(ctx, dist, [("stars", ctx.t("report_col_level"), "stars"),
                                  ("previous", ctx.t("report_col_previous"), "int"),
                                  ("current", ctx.t("report_col_current"), "int")])
    return Section(ctx.t("report_h_stars"), prose, [figure, table])


def ticket_totals(ctx: ReportContext, by: str, period: Period | None = None) -> pd.DataFrame:
    """Tickets of the period per type or category, most first. Columns: key, label, tickets, share."""
    period = period or ctx.period
    counts = ctx.memo(("tickets", by, period),
                      lambda: tickets.ticket_counts(ctx.store, ctx.filters(period), by=by, period="day"))
    totals = (counts.groupby(["key", "label"], dropna=False, as_index=False)["tickets"].sum()
              .sort_values(["tickets", "label"], ascending=[False, True]).reset_index(drop=True))
    totals["share"] = totals["tickets"] / totals["tickets"].sum() if len(totals) else []
    return totals


def ticket_breakdown(ctx: ReportContext) -> Section:
    """Tickets resolved in the period by type and by category, against the previous period's total."""
    loc = ctx.locale
    by_type, by_category = ticket_totals(ctx, "type"), ticket_totals(ctx, "category")
    title = ctx.t("report_h_tickets")
    if by_type.empty:
        return Section(title, [i18n.t("no_data", loc)])
    prose = [ctx.t("report_tickets_prose", tickets=i18n.fmt_number(by_type["tickets"].sum(), loc),
                   previous=i18n.fmt_number(ticket_totals(ctx, "type", ctx.previous)["tickets"].sum(), loc),
                   top_type=by_type["label"].iloc[0], top_category=by_category["label"].iloc[0])]
    items: list[Any] = []
    for frame, fig_key, col_key in ((by_type, "report_fig_tickets_type", "report_col_type"),
                                    (by_category, "report_fig_tickets_category", "report_col_category")):
        items.append(charts.bars(frame.iloc[::-1], "label", "tickets", ctx.t(fig_key), loc, horizontal=True,
                                 x_title=ctx.t("report_col_tickets"), y_title=ctx.t(col_key)))
        items.append(formatted(ctx, frame, [("label", ctx.t(col_key), "text"),
                                            ("tickets", ctx.t("report_col_tickets"), "int"),
                                            ("share", ctx.t("report_col_share"), "percent")]))
    return Section(title, prose, items)


def sla_table(ctx: ReportContext, metrics: tuple[str, ...] = SLA_METRICS, by: str | None = None) -> pd.DataFrame:
    """summarize() of each metric in the period, one block of rows per metric.

    Columns: metric, the breakdown key when given, then summarize()'s columns.
    """
    frames = [frame.assign(metric=m) for m, frame in summaries(ctx, metrics, by, ctx.period).items()]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def sla_shares(row: Any, prefix: str, thresholds: tuple[int, ...], loc: str) -> str:
    """'≤ 5 min 20% · ≤ 30 min 68%' for one summarize() row."""
    return " · ".join(f"≤ {i18n.fmt_duration(t, loc)} {i18n.fmt_percent(getattr(row, f'{prefix}within_{t}s'), loc)}"
                      for t in thresholds if pd.notna(getattr(row, f"{prefix}within_{t}s", None)))


def sla_summary(ctx: ReportContext, summary: pd.DataFrame) -> pd.DataFrame:
    """A display table of sla_table(): counts, median and p90 (calendar and business) and the SLA shares."""
    loc = ctx.locale
    rows = summary.assign(
        metric_label=summary["metric"].map(lambda m: ctx.t(f"report_metric_{m}")),
        sla=[sla_shares(r, "", response_times.sla_thresholds(r.metric, ctx.settings), loc)
             for r in summary.itertuples()],
        business_sla=[sla_shares(r, "business_", response_times.sla_thresholds(r.metric, ctx.settings), loc)
                      for r in summary.itertuples()])
    business = lambda key: ctx.t("report_col_business", name=ctx.t(key))  # noqa: E731
    return formatted(ctx, rows, [
        ("metric_label", ctx.t("report_col_metric"), "text"), ("count", ctx.t("report_col_count"), "int"),
        ("open", ctx.t("report_col_open"), "int"), ("median", ctx.t("report_col_median"), "duration"),
        ("p90", "p90", "duration"), ("business_median", business("report_col_median"), "duration"),
        ("business_p90", ctx.t("report_col_business", name="p90"), "duration"),
        ("sla", "SLA", "text"), ("business_sla", ctx.t("report_col_business", name="SLA"), "text")])


def sla(ctx: ReportContext) -> Section:
    """First response, agent reply and resolution times with their SLA shares, calendar and business."""
    loc = ctx.locale
    summary = sla_table(ctx)
    frt = summary[summary["metric"] == "first_response_time"]
    threshold = sla_threshold(ctx)
    prose = []
    if len(frt) and frt["count"].iloc[0]:
        prose.append(ctx.t("report_sla_prose", median=i18n.fmt_duration(frt["median"].iloc[0], loc),
                           business=i18n.fmt_duration(frt["business_median"].iloc[0], loc),
                           share=i18n.fmt_percent(frt[f"within_{threshold}s"].iloc[0], loc),
                           threshold=i18n.fmt_duration(threshold, loc)))
    return Section(ctx.t("report_h_sla"), prose, [sla_summary(ctx, summary)])
