"""The real report notebooks rendered from the demo store: offline HTML with figure data; masking leaves no PII."""
from __future__ import annotations

import html.parser
import re
import shutil
from pathlib import Path

import pytest

from pipeone_analytics.config import Settings
from pipeone_analytics.reports import run_report
from pipeone_analytics.reports.html import external_refs
from pipeone_analytics.store import Store

WEEK = {"period_start": "2026-11-16", "period_end": "2026-11-22"}  # the demo's last full week


@pytest.fixture(scope="module")
def demo_settings(demo_db: Path, tmp_path_factory: pytest.TempPathFactory) -> Settings:
    folder = tmp_path_factory.mktemp("report_html")
    shutil.copy(demo_db, folder / "demo.duckdb")
    return Settings(db_path=folder / "demo.duckdb", reports_dir=folder / "reports", locale="en")


class _Visible(html.parser.HTMLParser):
    """Everything a reader or a figure can show: text and inline scripts, minus the plotly.js bundle."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        if "plotly.js v" not in data[:2000]:  # the embedded library starts with its version banner
            self.parts.append(data)


def visible(page: str) -> str:
    parser = _Visible()
    parser.feed(page)
    return "\n".join(parser.parts)


def test_weekly_summary_is_offline_and_carries_its_figures(demo_settings: Settings) -> None:
    result = run_report("weekly_summary", WEEK, demo_settings)
    assert result.ok, result.error
    page = result.html_path.read_text(encoding="utf-8")
    assert external_refs(page) == []
    assert not re.search(r"<script[^>]*\bsrc\s*=", page, re.I)
    assert not re.search(r"<link[^>]*\bstylesheet", page, re.I)
    assert "plotly.js v" in page  # the library is embedded once ...
    figures = re.findall(r"Plotly\.newPlot\(\s*\"([0-9a-f-]+)\"", page)
    assert len(set(figures)) == 5  # ... and the data of its 5 figures: volume, backlog, stars, 2 x tickets
    for title in ("Messages per day and channel", "Open conversations at the end of each day, by status",
                  "Contacts by stars", "Tickets by type", "Tickets by category"):
        assert title in page
    text = visible(page)
    assert "<title>Weekly summary 2026-11-16 – 2026-11-22</title>" in page
    assert "Weekly summary" in text and "Nov 16, 2026 to Nov 22, 2026" in text
    assert "context.setup(" not in text and "import plotly" not in text  # no code
    assert "not shown in the rendered report" not in text  # the developer note is removed


def pii(store: Store) -> list[str]:
    """Every phone (as given and E.164, with its bare digits) and every e-mail in the store."""
    frame = store.df("SELECT phone AS v FROM contacts UNION SELECT phone_e164 FROM contacts "
                     "UNION SELECT email FROM contacts UNION SELECT email FROM agents")
    values = {v for v in frame["v"].dropna() if v.strip()}
    values |= {re.sub(r"\D", "", v) for v in values if "@" not in v and len(re.sub(r"\D", "", v)) >= 8}
    return sorted(values)


def test_mask_pii_leaves_no_phone_or_email_in_the_html(demo_settings: Settings) -> None:
    # In the week of Nov 9-15 some contacts went down a level, so their phones and e-mails are listed.
    week = {"period_start": "2026-11-09", "period_end": "2026-11-15", "mask_pii": "true"}
    result = run_report("engagement_report", week, demo_settings)
    assert result.ok, result.error
    page = result.html_path.read_text(encoding="utf-8")
    text = visible(page)
    assert "Contacts who went down" in text and "Phones and e-mails are masked." in text
    assert re.search(r"\+55 \d\d 9\*\*\*\*-\*\*\d\d", text)  # masked phones are shown
    assert re.search(r"\w\*\*\*@\w\*\*\*\.\w+", text)  # and masked e-mails
    secrets = pii(Store(demo_settings.db_path, demo_settings))
    assert len(secrets) > 100
    assert [s for s in secrets if s in text] == []
    assert [s for s in secrets if len(s) >= 8 and s in page] == []  # nor inside the plotly.js bundle's page
