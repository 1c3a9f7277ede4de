"""HTML of the inbox panes from core DataFrames: list rows, timeline bubbles, profile, stars and meanings."""
from __future__ import annotations

import datetime as dt
import html
import json
from typing import Any, Mapping

import babel.dates
import pandas as pd

from ... import i18n
from ..components import tag

CSS = """
<style>
.p1-inbox {font-family: -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif; color:#1f2d3d}
.p1-inbox .widget-html-content {line-height:1.35}
.p1-pane {border:1px solid #e0e6ed;border-radius:8px;background:#fff;overflow:hidden}
.p1-pane-head {padding:10px 12px;border-bottom:1px solid #e0e6ed;background:#f8fafc}
.p1-title {font-size:16px;font-weight:700;margin:0}
.p1-muted {color:#8492a6;font-size:12px}
.p1-topbar {padding:6px 12px;background:#1f2d3d;color:#fff;border-radius:8px}
.p1-topbar b {color:#fff}
.p1-banner {padding:6px 12px;border-radius:6px;background:#fff8e1;color:#795548;border:1px solid #ffe082}
.p1-scroll {overflow-y:auto}
.p1-row {position:relative;border-bottom:1px solid #eef2f7;cursor:pointer}
.p1-row:hover {background:#f5f9ff}
.p1-row.p1-selected {background:#e8f1fd;border-left:3px solid #1f93ff}
.p1-row .p1-hit {position:absolute;top:0;left:0;width:100%;height:100%;opacity:0;margin:0;z-index:2}
.p1-card {padding:8px 10px}
.p1-card-top {display:flex;justify-content:space-between;align-items:center;gap:6px}
.p1-name {font-weight:600;font-size:13px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.p1-ago {color:#8492a6;font-size:11px;white-space:nowrap}
.p1-preview {color:#3c4858;font-size:12px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis;margin:3px 0}
.p1-card-bottom {display:flex;justify-content:space-between;align-items:center;font-size:11px}
.p1-assignee {color:#8492a6}
.p1-unanswered {display:inline-block;width:9px;height:9px;border-radius:50%;background:#ff382d;margin-left:4px}
.p1-timeline {background:#f4f6fb;padding:10px 14px}
.p1-item {display:flex;margin:6px 0}
.p1-item.p1-in {justify-content:flex-start} .p1-item.p1-out {justify-content:flex-end}
.p1-item.p1-center {justify-content:center}
.p1-bubble {max-width:72%;padding:7px 11px;border-radius:12px;font-size:13px;white-space:pre-wrap;
            box-shadow:0 1px 1px rgba(0,0,0,.06)}
.p1-in .p1-bubble {background:#fff;border:1px solid #e0e6ed;border-bottom-left-radius:3px}
.p1-out .p1-bubble {background:#1f93ff;color:#fff;border-bottom-right-radius:3px}
.p1-out.p1-auto .p1-bubble {background:#e3e8ef;color:#3c4858}
.p1-note .p1-bubble {background:#fff8e1;color:#5d4037;border:1px dashed #ffca28;max-width:90%}
.p1-meta {font-size:10.5px;opacity:.8;margin-top:3px}
.p1-event {font-size:11.5px;color:#5a6b7f;background:#e9edf3;border-radius:10px;padding:3px 10px}
.p1-ticket {border:1px solid #a5d6a7;background:#f1f8e9;border-radius:8px;padding:7px 11px;font-size:12.5px;
            max-width:80%}
.p1-divider {text-align:center;color:#8492a6;font-size:11px;margin:10px 0 4px;border-top:1px solid #dde3ea;
             padding-top:4px}
.p1-stars {color:#ffb400;font-size:18px;letter-spacing:1px}
.p1-kv {font-size:12.5px;margin:2px 0} .p1-kv b {color:#5a6b7f;font-weight:600}
.p1-ok {color:#2e7d32} .p1-bad {color:#c62828}
.p1-inbox .p1-link {background:transparent !important;border:none !important;box-shadow:none !important;
                    color:#1f2d3d;font-weight:700;font-size:15px;padding:0 8px 0 0}
.p1-inbox .p1-link:hover {color:#1f93ff;text-decoration:underline}
.p1-inbox .p1-stars-button {background:transparent !important;border:none !important;box-shadow:none !important;
                            color:#ffb400;font-size:16px;padding:0}
.p1-form > * {flex-shrink:0}
.p1-preview-box {background:#f8fafc;border:1px solid #e0e6ed;border-radius:6px;padding:6px 10px;font-size:12.5px;
                 white-space:pre-wrap}
</style>
"""


def esc(value: Any) -> str:
    """HTML-escaped text; missing values become an empty string."""
    if value is None or (not isinstance(value, (str, dict, list)) and pd.isna(value)):
        return ""
    return html.escape(str(value))


def present(value: Any) -> bool:
    """A value that is neither None nor NA."""
    return value is not None and not (not isinstance(value, (str, dict, list)) and pd.isna(value))


def ago(at: pd.Timestamp | dt.datetime, now: pd.Timestamp, locale: str) -> str:
    """Time since `at` in short words of the locale: '7 min', '2 h', '3 dias'."""
    delta = max(pd.Timestamp(now) - pd.Timestamp(at), pd.Timedelta(0))
    return babel.dates.format_timedelta(delta.to_pytimedelta(), format="short", locale=locale)


def contact_label(name: Any, phone: Any, fallback: str) -> str:
    """The contact's name, else phone, else the fallback (an id)."""
    return str(name) if present(name) and str(name).strip() else str(phone) if present(phone) else fallback


def list_row_html(row: Mapping[str, Any], now: pd.Timestamp, locale: str) -> str:
    """One conversation card: name or phone, time since last activity, preview, tags, assignee, unanswered dot."""
    who = esc(contact_label(row.get("name"), row.get("phone"), row["contact_id"]))
    preview = esc(row.get("preview")) or f"<i>{esc(i18n.t('inbox_no_messages', locale))}</i>"
    if row.get("preview_direction") == "outbound" and present(row.get("preview")):
        preview = f"<span class='p1-muted'>↪ </span>{preview}"
    assignee = esc(row.get("assignee_name")) if present(row.get("assignee_id")) else esc(i18n.t("unassigned", locale))
    dot = (f"<span class='p1-unanswered' title='{esc(i18n.t('inbox_unanswered', locale))}'></span>"
           if row.get("unanswered") else "")
    channel = tag("channel", row["last_channel"], locale) if present(row.get("last_channel")) else ""
    return (f"<div class='p1-card'><div class='p1-card-top'><span class='p1-name'>{who}{dot}</span>"
            f"<span class='p1-ago'>{esc(ago(row['last_activity_at'], now, locale))}</span></div>"
            f"<div class='p1-preview'>{preview}</div>"
            f"<div class='p1-card-bottom'><span>{tag('status', row['status'], locale)}{channel}</span>"
            f"<span class='p1-assignee'><i class='fa fa-user-o'></i> {assignee}</span></div></div>")


def _when(at: Any, locale: str, timezone: str) -> str:
    return i18n.fmt_datetime(at, locale, tz=timezone)


def _agent(item: Mapping[str, Any], key: str = "agent_name", fallback_key: str = "agent_id") -> str:
    return esc(item.get(key)) if present(item.get(key)) else esc(item.get(fallback_key))


def timeline_item_html(item: Mapping[str, Any], names: Mapping[str, str], locale: str, timezone: str) -> str:
    """One timeline item: a bubble (left inbound, right outbound), a note, an event line or a ticket card."""
    when = esc(_when(item["at"], locale, timezone))
    kind = item["kind"]
    if kind in ("message", "automation"):
        inbound = item.get("direction") == "inbound"
        side = "p1-in" if inbound else "p1-out" + (" p1-auto" if kind == "automation" else "")
        who = (i18n.t("inbox_automation", locale) if kind == "automation"
               else "" if inbound else _agent(item))
        channel = esc(i18n.label("channel", item["channel"], locale)) if present(item.get("channel")) else ""
        meta = " · ".join(x for x in (who, channel, when) if x)
        return (f"<div class='p1-item {side}'><div class='p1-bubble'>{esc(item.get('body'))}"
                f"<div class='p1-meta'>{meta}</div></div></div>")
    if kind == "note":
        meta = " · ".join(x for x in (esc(i18n.t("inbox_note", locale)), _agent(item), when) if x)
        return (f"<div class='p1-item p1-note p1-center'><div class='p1-bubble'>{esc(item.get('body'))}"
                f"<div class='p1-meta'><i class='fa fa-lock'></i> {meta}</div></div></div>")
    if kind == "ticket":
        category = f" · {esc(item.get('category'))}" if present(item.get("category")) else ""
        note = f"<div>{esc(item.get('note'))}</div>" if present(item.get("note")) else ""
        title = esc(i18n.t("inbox_ticket", locale, type=i18n.label("ticket_type", item.get("ticket_type"), locale)))
        return (f"<div class='p1-item p1-center'><div class='p1-ticket'><i class='fa fa-ticket'></i> "
                f"<b>{title}</b>{category}{note}"
                f"<div class='p1-meta'>{_agent(item)} · {when}</div></div></div>")
    actor = _agent(item) or esc(i18n.t("inbox_system", locale))
    value = item.get("value")
    if kind == "transfer":
        text = i18n.t("inbox_event_transfer", locale, actor="{actor}", source=names.get(item.get("from_agent"),
                      item.get("from_agent")), target=names.get(value, value))
    elif item.get("event_kind") == "assigned":
        target = names.get(value, value) if present(value) and value else i18n.t("unassigned", locale)
        text = i18n.t("inbox_event_assigned", locale, actor="{actor}", target=target)
    elif item.get("event_kind") == "resolved":
        text = i18n.t("inbox_event_resolved", locale, actor="{actor}")
    elif item.get("event_kind") == "reopened":
        text = i18n.t("inbox_event_reopened", locale, actor="{actor}")
    else:
        text = i18n.t("inbox_event_status", locale, actor="{actor}", status=i18n.label("status", value, locale))
    line = esc(text).replace("{actor}", f"<b>{actor}</b>")
    return f"<div class='p1-item p1-center'><span class='p1-event'>{line} · {when}</span></div>"


def timeline_html(items: pd.DataFrame, names: Mapping[str, str], locale: str, timezone: str,
                  previous: str | None = None) -> str:
    """The whole timeline, oldest first, with a divider where the conversation changes; with `previous` (the
    conversation of the item shown just before them), the items to append after those already shown."""
    if items.empty:
        return "" if previous is not None else (
            f"<div class='p1-empty'>{esc(i18n.t('inbox_timeline_empty', locale))}</div>")
    parts = []
    for item in items.to_dict("records"):
        if item["conversation_id"] != previous:
            parts.append(f"<div class='p1-divider'>{esc(i18n.t('inbox_conversation', locale))} "
                         f"{esc(item['conversation_id'])}</div>")
            previous = item["conversation_id"]
        parts.append(timeline_item_html(item, names, locale, timezone))
    return "".join(parts)


def stars_text(stars: int) -> str:
    """★★★☆☆ for 3 of 5."""
    return "★" * int(stars) + "☆" * (5 - int(stars))


def meaning_html(table: pd.DataFrame, rating: Mapping[str, Any], locale: str) -> str:
    """The star meaning table with this contact's level highlighted, then their explanation and counts."""
    rows = "".join(
        f"<tr style='{'background:#fff8e1;font-weight:600' if int(r['stars']) == int(rating['stars']) else ''}'>"
        f"<td class='p1-stars' style='font-size:13px'>{stars_text(r['stars'])}</td><td>{esc(r['name'])}</td>"
        f"<td>{esc(r['condition'])}</td></tr>" for r in table.to_dict("records"))
    share = (lambda v: "—" if not present(v) else i18n.fmt_percent(v, locale))
    facts = [(i18n.t("inbox_sent", locale), i18n.fmt_number(rating["sent"], locale)),
             (i18n.t("inbox_received", locale), i18n.fmt_number(rating["received"], locale)),
             (i18n.t("inbox_interactions", locale), i18n.fmt_number(rating["interactions"], locale)),
             (i18n.t("inbox_same_day", locale), i18n.fmt_number(rating["same_day_interactions"], locale)),
             (i18n.t("inbox_within_30m", locale), share(rating["share_within_30m"])),
             (i18n.t("inbox_within_2h", locale), share(rating["share_within_2h"])),
             (i18n.t("inbox_phone_valid", locale), phone_state(rating.get("phone_valid"), locale))]
    kv = "".join(f"<div class='p1-kv'><b>{esc(k)}:</b> {esc(v)}</div>" for k, v in facts)
    return (f"<div class='p1-preview-box' style='white-space:normal'><b>{esc(rating['reason'])}</b>{kv}</div>"
            f"<table class='p1-table' style='font-size:12px;margin-top:6px'>{rows}</table>")


def phone_state(valid: Any, locale: str) -> str:
    """'valid', 'invalid' or 'no phone' in the locale."""
    if not present(valid):
        return i18n.t("inbox_no_phone", locale)
    return i18n.t("inbox_valid" if bool(valid) else "inbox_invalid", locale)


def attributes_html(attributes: Mapping[str, Any]) -> str:
    """Custom attributes as key: value lines."""
    return "".join(f"<div class='p1-kv'><b>{esc(k)}:</b> "
                   f"{esc(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))}</div>"
                   for k, v in sorted(attributes.items()))
