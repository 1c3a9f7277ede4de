"""A report asks core each question once: sections share frames, and response metrics share one cycle fold."""
from __future__ import annotations

import functools
from typing import Any, Callable

import pytest

from pipeone_analytics.core import channels, ratings, response_times, status, tickets
from pipeone_analytics.reports import audit, weekly
from pipeone_analytics.reports.context import ReportContext
from tests.reports.test_sections import WEEK, context

SPIED = [(channels, "channel_mix"), (response_times, "_summaries"), (response_times, "outliers"),
         (status, "backlog"), (ratings, "rating_history"), (ratings, "ratings"), (tickets, "ticket_counts")]


@pytest.fixture
def core_calls(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """Every call the report sections make to the spied core functions: (name, its arguments)."""
    calls: list[tuple[str, str]] = []

    def spy(name: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(fn)
        def called(*args: Any, **kwargs: Any) -> Any:
            calls.append((name, repr((args[1:], kwargs))))
            return fn(*args, **kwargs)
        return called

    for module, name in SPIED:
        monkeypatch.setattr(module, name, spy(name, getattr(module, name)))
    return calls


def summaries_asked(calls: list[tuple[str, str]]) -> list[str]:
    return [args for name, args in calls if name == "_summaries"]


def test_the_weekly_summary_asks_core_each_question_once(core_calls: list[tuple[str, str]]) -> None:
    ctx = context()
    for build in (weekly.highlights, weekly.volume, weekly.backlog, weekly.stars, weekly.ticket_breakdown,
                  weekly.sla):
        build(ctx)
    assert len(core_calls) == len(set(core_calls)), core_calls
    # channel mix, tickets by type and response times for both weeks, tickets by category, one backlog and one
    # rating history over both weeks; ratings() only with a channel filter.
    assert sorted(name for name, _ in core_calls) == [
        "_summaries", "_summaries", "backlog", "channel_mix", "channel_mix", "rating_history", "ticket_counts",
        "ticket_counts", "ticket_counts"]
    this_week, last_week = summaries_asked(core_calls)
    # This week's first response (a key figure) comes with the SLA section's two other metrics, in one call.
    assert "['first_response_time', 'reply_time', 'resolution_time']" in this_week and "2026, 11, 16" in this_week
    assert "['first_response_time']" in last_week and "2026, 11, 9" in last_week


def test_the_audit_asks_for_its_metrics_together(core_calls: list[tuple[str, str]]) -> None:
    ctx = context()
    for build in (audit.overview, audit.per_agent, audit.business_hours, audit.outliers):
        build(ctx)
    asked = summaries_asked(core_calls)
    # Overall (the business-hours overall figure reuses it), per agent, then agent replies by hour.
    assert len(asked) == 3 and len(core_calls) == 4
    assert "['first_response_time', 'reply_time', 'contact_reply_time', 'resolution_time'], []" in asked[0]
    assert "['first_response_time', 'reply_time'], [('agent_id', '\"agent_id\"')]" in asked[1]
    assert "['reply_time'], [('hour', 'hour(from_at)')]" in asked[2]


def test_shared_summaries_equal_one_summarize_per_metric() -> None:
    ctx = context()
    together = weekly.summaries(ctx, weekly.SLA_METRICS, None, WEEK)
    for metric, frame in together.items():
        alone = response_times.summarize(metric, source=ctx.store, filters=ctx.filters(WEEK))
        assert frame.equals(alone), metric
    assert together["first_response_time"]["count"].tolist() == [1]  # v2's first response (see test_sections)


def test_memo_many_computes_only_the_missing_keys_in_one_call() -> None:
    ctx: ReportContext = context()
    asked: list[list[tuple]] = []

    def compute(missing: list[tuple]) -> list[str]:
        asked.append(missing)
        return [f"value of {key[0]}" for key in missing]

    assert ctx.memo_many([("a",), ("b",)], compute) == ["value of a", "value of b"]
    assert ctx.memo_many([("c",), ("a",), ("c",)], compute) == ["value of c", "value of a", "value of c"]
    assert asked == [[("a",), ("b",)], [("c",)]]
