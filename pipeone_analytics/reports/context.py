"""What a report notebook works with: its validated parameters, store, filters, and display helpers."""
from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go

from .. import i18n
from ..config import Settings, load_settings
from ..core.filters import Filters
from ..core.interactions import end_of_day
from ..store import Store
from .params import KNOWN, NOTEBOOKS_DIR, Period, last_full_week
from .pii import mask_frame


PROJECT_ROOT = NOTEBOOKS_DIR.parents[1]


@dataclasses.dataclass(frozen=True)
class ReportContext:
    """A report's parameters resolved: settings (db, timezone, locale), period and the previous one, filters."""

    name: str
    settings: Settings
    store: Store
    period: Period
    previous: Period
    channels: tuple[str, ...] = ()
    team: str | None = None
    mask_pii: bool = False
    _memo: dict = dataclasses.field(default_factory=dict, repr=False, compare=False)

    def memo(self, key: tuple, compute: Callable[[], Any]) -> Any:
        """compute() once per key: sections share the same frames (ratings, summaries) without querying twice."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def memo_many(self, keys: Sequence[tuple], compute: Callable[[list[tuple]], Sequence[Any]]) -> list[Any]:
        """The values of keys; those not computed yet come from one compute(missing keys) call, in that order."""
        missing = [key for key in dict.fromkeys(keys) if key not in self._memo]
        if missing:
            self._memo.update(zip(missing, compute(missing), strict=True))
        return [self._memo[key] for key in keys]

    @property
    def locale(self) -> str:
        return self.settings.locale

    def t(self, key: str, **values: Any) -> str:
        """A report string in the report's locale."""
        return i18n.t(key, self.locale, **values)

    def end_of(self, period: Period) -> pd.Timestamp:
        """The local end of a period's last day: the as_of of everything measured for it."""
        return end_of_day(period.end, self.settings)

    def filters(self, period: Period | None = None) -> Filters:
        """Filters of the period (default the report's), its channels and team, as of the period's end."""
        period = period or self.period
        return Filters(start=period.start, end=period.end, channels=self.channels,
                       teams=(self.team,) if self.team else (), as_of=self.end_of(period))


def read_only_store(settings: Settings) -> Store:
    """The store for reading only: every query opens a read-only connection and closes it.

    A store made by an older version is migrated by the first reader (Store takes the write lock only then).
    """
    return Store(settings.db_path, settings)


def _find_db(db: str) -> Path:
    """A relative db path from the current folder, or else from the project root (JupyterLab runs a notebook
    in its own folder, notebooks/reports/)."""
    path = Path(db)
    if not path.is_absolute() and not path.exists() and (PROJECT_ROOT / path).exists():
        return PROJECT_ROOT / path
    return path


def setup(name: str, db: str, period_start: Any = None, period_end: Any = None, timezone: str | None = None,
          locale: str | None = None, channels: Any = (), team: str | None = None,
          mask_pii: Any = False) -> ReportContext:
    """Check a notebook's parameters and resolve their defaults (the last full week in the timezone)."""
    timezone = KNOWN["timezone"]("timezone", timezone)
    locale = KNOWN["locale"]("locale", locale)
    settings = load_settings(db_path=_find_db(db), timezone=timezone, locale=locale)
    start, end = KNOWN["period_start"]("period_start", period_start), KNOWN["period_end"]("period_end", period_end)
    period = Period(start, end) if start and end else last_full_week(settings.timezone)
    return ReportContext(name=name, settings=settings, store=read_only_store(settings), period=period,
                         previous=period.previous(), channels=tuple(KNOWN["channels"]("channels", channels)),
                         team=KNOWN["team"]("team", team), mask_pii=KNOWN["mask_pii"]("mask_pii", mask_pii))


def header(ctx: ReportContext) -> Section:
    """Title, period against the previous one, filters, when it was generated and whether PII is masked."""
    loc = ctx.locale
    d = lambda day: i18n.fmt_date(day, loc, "medium")  # noqa: E731
    prose = [ctx.t("report_subtitle", start=d(ctx.period.start), end=d(ctx.period.end),
                   prev_start=d(ctx.previous.start), prev_end=d(ctx.previous.end), tz=ctx.settings.timezone),
             ctx.t("report_filters",
                   channels=", ".join(i18n.label("channel", c, loc) for c in ctx.channels) or ctx.t("report_all"),
                   team=ctx.team or ctx.t("report_all_teams")),
             ctx.t("report_generated", at=i18n.fmt_datetime(pd.Timestamp.now(tz=ctx.settings.timezone), loc,
                                                             ctx.settings.timezone))
             + (" " + ctx.t("report_masked") if ctx.mask_pii else "")]
    return Section(ctx.t(f"report_title_{ctx.name}"), prose)


# How a table column is shown: a function of (value, locale).
def _stars(v: Any, loc: str) -> str:
    return f"{int(v)} ★ {i18n.label('stars', int(v), loc)}"


FORMATS: dict[str, Callable[[Any, str], str]] = {
    "int": lambda v, loc: i18n.fmt_number(v, loc),
    "number": lambda v, loc: i18n.fmt_number(v, loc, 1),
    "percent": lambda v, loc: i18n.fmt_percent(v, loc),
    "duration": lambda v, loc: i18n.fmt_duration(v, loc),
    "date": lambda v, loc: i18n.fmt_date(pd.Timestamp(v), loc),
    "datetime": lambda v, loc: i18n.fmt_datetime(pd.Timestamp(v), loc, pd.Timestamp(v).tzinfo),
    "channel": lambda v, loc: i18n.label("channel", v, loc),
    "status": lambda v, loc: i18n.label("status", v, loc),
    "stars": _stars,
    "text": lambda v, loc: str(v),
}


def formatted(ctx: ReportContext, frame: pd.DataFrame,
              columns: Sequence[tuple[str, str, str]]) -> pd.DataFrame:
    """A display table: (column, header text, format) each, masked first when the report masks PII."""
    source = mask_frame(frame, ctx.settings.phone_region) if ctx.mask_pii else frame
    out = pd.DataFrame(index=source.index)
    for column, header, kind in columns:
        fmt = FORMATS[kind]
        out[header] = source[column].map(lambda v, f=fmt: "—" if v is None or v is pd.NA or
                                         (isinstance(v, float) and pd.isna(v)) else f(v, ctx.locale))
    return out.reset_index(drop=True)


@dataclasses.dataclass
class Section:
    """One part of a report: a heading, paragraphs of prose, then figures, tables and Markdown in order."""

    title: str
    prose: list[str] = dataclasses.field(default_factory=list)
    items: list[go.Figure | pd.DataFrame | str] = dataclasses.field(default_factory=list)


def show(sections: Section | Iterable[Section]) -> None:
    """Display sections in the notebook: Markdown heading and prose, Plotly figures, HTML tables."""
    from IPython.display import HTML, Markdown, display

    for section in [sections] if isinstance(sections, Section) else sections:
        display(Markdown("\n\n".join([f"## {section.title}", *section.prose])))
        for item in section.items:
            if isinstance(item, go.Figure):
                item.show()
            elif isinstance(item, str):
                display(Markdown(item))
            else:
                display(HTML(item.to_html(index=False, border=0, classes="pipeone-table")))
