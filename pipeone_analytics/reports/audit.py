"""Sections of the response time audit for analysts: percentiles, per agent, business hours, outliers."""
from __future__ import annotations

import pandas as pd

from .. import charts, i18n
from ..core import response_times
from .context import ReportContext, Section, formatted
from .weekly import sla_summary, sla_table, summary

METRICS = ("first_response_time", "reply_time", "contact_reply_time", "resolution_time")
PER_AGENT = ("first_response_time", "reply_time")


def _agents(ctx: ReportContext) -> pd.DataFrame:
    """Columns: agent_id, agent_name, team."""
    return ctx.store.df("SELECT agent_id, name AS agent_name, team FROM agents ORDER BY agent_id")


def overview(ctx: ReportContext) -> Section:
    """Every response metric: count, open, mean and percentiles, calendar and business, and SLA shares."""
    summary = sla_table(ctx, METRICS)
    business = lambda key: ctx.t("report_col_business", name=ctx.t(key))  # noqa: E731
    rows = summary.assign(metric_label=summary["metric"].map(lambda m: ctx.t(f"report_metric_{m}")))
    percentiles = formatted(ctx, rows, [
        ("metric_label", ctx.t("report_col_metric"), "text"), ("count", ctx.t("report_col_count"), "int"),
        ("open", ctx.t("report_col_open"), "int"), ("mean", ctx.t("report_col_mean"), "duration"),
        ("median", ctx.t("report_col_median"), "duration"), ("p75", "p75", "duration"),
        ("p90", "p90", "duration"), ("p95", "p95", "duration"),
        ("business_mean", business("report_col_mean"), "duration"),
        ("business_median", business("report_col_median"), "duration"),
        ("business_p90", ctx.t("report_col_business", name="p90"), "duration")])
    return Section(ctx.t("report_h_overview"), [ctx.t("report_overview_prose")],
                   [percentiles, sla_summary(ctx, summary[summary["metric"] != "contact_reply_time"])])


def per_agent(ctx: ReportContext) -> Section:
    """First response and agent reply per agent: counts, percentiles and SLA shares, calendar and business."""
    summary = sla_table(ctx, PER_AGENT, by="agent")
    summary = summary[summary["agent_id"].notna()].merge(_agents(ctx), on="agent_id", how="left")
    summary["agent_name"] = summary["agent_name"].fillna(summary["agent_id"])
    replied = summary.loc[(summary["metric"] == "reply_time") & (summary["count"] > 0), "agent_id"]
    section = Section(ctx.t("report_h_agents"),
                      [ctx.t("report_agents_prose", agents=i18n.fmt_number(len(replied), ctx.locale))])
    for metric in PER_AGENT:
        rows = summary[summary["metric"] == metric].sort_values(["median", "agent_id"], ascending=[False, True])
        table = sla_summary(ctx, rows).drop(columns=[ctx.t("report_col_metric")])
        table.insert(0, ctx.t("report_col_agent"), rows["agent_name"].to_numpy())
        section.items += [f"### {ctx.t(f'report_metric_{metric}')}", table]
    return section


def business_hours(ctx: ReportContext) -> Section:
    """Agent reply in calendar against business time, overall and by the local hour the contact wrote."""
    loc = ctx.locale
    overall = summary(ctx, "reply_time", None, ctx.period)
    by_hour = summary(ctx, "reply_time", "hour", ctx.period)
    by_hour = by_hour[by_hour["count"] > 0]
    title = ctx.t("report_h_business")
    if by_hour.empty:
        return Section(title, [i18n.t("no_data", loc)])
    prose = [ctx.t("report_business_prose", calendar=i18n.fmt_duration(overall["median"].iloc[0], loc),
                   business=i18n.fmt_duration(overall["business_median"].iloc[0], loc))]
    long = pd.concat([by_hour.assign(kind=ctx.t("report_col_calendar"), minutes=by_hour["median"] / 60),
                      by_hour.assign(kind=ctx.t("report_col_business_time"),
                                     minutes=by_hour["business_median"] / 60)], ignore_index=True)
    figure = charts.bars(long, "hour", "minutes", ctx.t("report_fig_by_hour"), loc, color="kind", stacked=False,
                         x_title=ctx.t("report_col_hour"), y_title=f"{ctx.t('report_col_median')} (min)")
    table = formatted(ctx, by_hour, [("hour", ctx.t("report_col_hour"), "int"),
                                     ("count", ctx.t("report_col_count"), "int"),
                                     ("median", ctx.t("report_col_calendar"), "duration"),
                                     ("business_median", ctx.t("report_col_business_time"), "duration"),
                                     ("p90", "p90", "duration"),
                                     ("business_p90", ctx.t("report_col_business", name="p90"), "duration")])
    return Section(title, prose, [figure, table])


def outliers(ctx: ReportContext, n: int = 10) -> Section:
    """The n slowest agent replies with the message ids that make each one (the interaction ledger)."""
    rows = response_times.outliers(ctx.store, "reply_time", ctx.filters(), n=n)
    if rows.empty:
        return Section(ctx.t("report_h_outliers"), [i18n.t("no_data", ctx.locale)])
    rows = rows.drop_duplicates("rank").merge(_agents(ctx), on="agent_id", how="left")
    rows["agent_name"] = rows["agent_name"].fillna(rows["agent_id"])
    table = formatted(ctx, rows, [
        ("rank", ctx.t("report_col_rank"), "int"), ("conversation_id", ctx.t("report_col_conversation"), "text"),
        ("agent_name", ctx.t("report_col_agent"), "text"), ("channel", ctx.t("report_col_channel"), "channel"),
        ("from_message_id", ctx.t("report_col_from_message"), "text"),
        ("to_message_id", ctx.t("report_col_to_message"), "text"),
        ("from_at", ctx.t("report_col_from_at"), "datetime"), ("to_at", ctx.t("report_col_to_at"), "datetime"),
        ("seconds", ctx.t("report_col_calendar"), "duration"),
        ("business_seconds", ctx.t("report_col_business_time"), "duration")])
    return Section(ctx.t("report_h_outliers"), [ctx.t("report_outliers_prose", n=len(rows))], [table])
