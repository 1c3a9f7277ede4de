"""Sections of the engagement report: stars distribution, meaning, transitions, by channel, who went down."""
from __future__ import annotations

import plotly.graph_objects as go

from .. import charts, i18n
from ..core import ratings as core_ratings
from .context import ReportContext, Section, formatted
from .weekly import rating_changes, star_distribution


def distribution(ctx: ReportContext) -> Section:
    """Contacts per star level at the end of the period and of the previous one, with the mean."""
    loc = ctx.locale
    dist = star_distribution(ctx)
    mean = lambda col: (dist["stars"] * dist[col]).sum() / dist[col].sum() if dist[col].sum() else 0  # noqa: E731
    prose = [ctx.t("report_distribution_prose", contacts=i18n.fmt_number(dist["current"].sum(), loc),
                   mean=i18n.fmt_number(mean("current"), loc, 1), mean_prev=i18n.fmt_number(mean("previous"), loc, 1))]
    long = dist.melt(id_vars="stars", var_name="when", value_name="contacts")
    long["when"] = long["when"].map({"previous": ctx.t("report_col_previous"), "current": ctx.t("report_col_current")})
    long["level"] = long["stars"].map(lambda s: f"{s} ★")
    figure = charts.bars(long, "level", "contacts", ctx.t("report_fig_stars"), loc, color="when", stacked=False,
                         x_title=ctx.t("report_col_stars"), y_title=ctx.t("report_col_contacts"))
    meaning = core_ratings.meaning_table(loc)
    table = formatted(ctx, meaning, [("stars", ctx.t("report_col_level"), "stars"),
                                     ("condition", ctx.t("report_col_condition"), "text")])
    return Section(ctx.t("report_h_distribution"), prose, [figure, f"### {ctx.t('report_h_meaning')}", table])


def _changes(ctx: ReportContext):
    """rating_changes from the previous period's end to this period's end, for the report's channels."""
    return rating_changes(ctx)


def heatmap(matrix, title: str, locale: str, x_title: str, y_title: str) -> go.Figure:
    """A from-stars (rows) x to-stars (columns) heatmap with the counts written in the cells."""
    fig = go.Figure(go.Heatmap(z=matrix.to_numpy(), x=[f"{s} ★" for s in matrix.columns],
                               y=[f"{s} ★" for s in matrix.index], colorscale="Blues", showscale=False,
                               text=matrix.to_numpy(), texttemplate="%{text}", hoverinfo="skip"))
    fig.update_yaxes(autorange="reversed")
    return charts.base_layout(fig, title, locale, x_title, y_title)


def transitions(ctx: ReportContext) -> Section:
    """How many contacts moved from each level to each other level between the two period ends."""
    loc = ctx.locale
    changes = _changes(ctx)
    d = lambda day: i18n.fmt_date(day, loc, "medium")  # noqa: E731
    prose = [ctx.t("report_transitions_prose", start=d(ctx.previous.end), end=d(ctx.period.end),
                   up=i18n.fmt_number((changes["change"] > 0).sum(), loc),
                   down=i18n.fmt_number((changes["change"] < 0).sum(), loc),
                   same=i18n.fmt_number((changes["change"] == 0).sum(), loc))]
    matrix = (changes.groupby(["from_stars", "to_stars"]).size()
              .unstack(fill_value=0).reindex(index=range(6), columns=range(6), fill_value=0))
    figure = heatmap(matrix, ctx.t("report_fig_transitions"), loc, ctx.t("report_col_to_stars"),
                     ctx.t("report_col_from_stars"))
    return Section(ctx.t("report_h_transitions"), prose, [figure])


def by_channel(ctx: ReportContext) -> Section:
    """The share of each star level among the contacts of each main channel, at the period's end."""
    loc = ctx.locale
    frame = core_ratings.stars_by_channel(ctx.store, as_of=ctx.end_of(ctx.period))
    frame = frame[frame["channel"].notna()]
    if ctx.channels:
        frame = frame[frame["channel"].isin(ctx.channels)]
    frame = frame.assign(channel_label=frame["channel"].map(lambda c: i18n.label("channel", c, loc)),
                         level=frame["stars"].map(lambda s: f"{s} ★"))
    figure = charts.bars(frame, "channel_label", "share", ctx.t("report_fig_by_channel"), loc, color="level",
                         x_title=ctx.t("report_col_channel"), y_title=ctx.t("report_col_share"))
    return Section(ctx.t("report_h_by_channel"), [], [figure])


def went_down(ctx: ReportContext, limit: int = 50) -> Section:
    """Contacts whose level fell between the two period ends, biggest fall first, with the current reason."""
    loc = ctx.locale
    changes = _changes(ctx)
    down = changes[changes["change"] < 0]
    title = ctx.t("report_h_down")
    if down.empty:
        return Section(title, [ctx.t("report_down_none")])
    rated = core_ratings.ratings(ctx.store, as_of=ctx.end_of(ctx.period), contacts=down["contact_id"].tolist(),
                                 locale=loc)
    emails = ctx.store.df("SELECT contact_id, email FROM contacts WHERE list_contains(?::VARCHAR[], contact_id)",
                          [down["contact_id"].tolist()])
    rows = (down.merge(rated[["contact_id", "name", "phone", "channel", "reason"]], on="contact_id", how="left")
            .merge(emails, on="contact_id", how="left")
            .sort_values(["change", "from_stars", "contact_id"], ascending=[True, False, True]).head(limit))
    table = formatted(ctx, rows, [
        ("contact_id", "id", "text"), ("name", ctx.t("report_col_contact"), "text"),
        ("phone", ctx.t("report_col_phone"), "text"), ("email", ctx.t("report_col_email"), "text"),
        ("channel", ctx.t("report_col_channel"), "channel"),
        ("from_stars", ctx.t("report_col_from_stars"), "stars"), ("to_stars", ctx.t("report_col_to_stars"), "stars"),
        ("reason", ctx.t("report_col_reason"), "text")])
    prose = [ctx.t("report_down_prose", n=i18n.fmt_number(len(down), loc), shown=i18n.fmt_number(len(rows), loc))]
    return Section(title, prose, [table])
