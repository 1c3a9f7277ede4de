"""Self-contained offline HTML from an executed notebook: no code, no script or stylesheet from a network."""
from __future__ import annotations

import html.parser
import re
from pathlib import Path

import nbformat
from nbconvert import HTMLExporter
from nbconvert.preprocessors import Preprocessor, TagRemovePreprocessor

from ..errors import PipeOneError

TEMPLATES = Path(__file__).with_name("templates")
# Plotly's notebook renderer adds <script src="https://cdn.jsdelivr.net/npm/mathjax@3...">; figures
# without LaTeX never need it, and a report must not reach for a network.
_REMOTE_SCRIPT = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>", re.IGNORECASE)
_REMOTE = re.compile(r"^\s*(?:https?:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"(?:@import\s+|url\()\s*[\"']?((?:https?:)?//[^\"')\s]+)", re.IGNORECASE)


class StripRemoteScripts(Preprocessor):
    """Drop <script src="http..."> tags from every text/html output."""

    def preprocess_cell(self, cell, resources, index):  # type: ignore[override]
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/html" in data:
                text = data["text/html"]
                text = "".join(text) if isinstance(text, list) else text
                data["text/html"] = _REMOTE_SCRIPT.sub("", text)
        return cell, resources


class _Refs(html.parser.HTMLParser):
    """Collects every reference that a browser would load from somewhere else."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and values.get("src") is not None:
            self.refs.append(f"script src={values['src']}")
        if tag == "link" and values.get("href") is not None:
            self.refs.append(f"link href={values['href']}")
        if tag in ("img", "iframe", "embed", "source", "audio", "video") and _REMOTE.match(values.get("src") or ""):
            self.refs.append(f"{tag} src={values['src']}")
        self.refs.extend(f"style url {u}" for u in _CSS_URL.findall(values.get("style") or ""))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.refs.extend(f"css url {u}" for u in _CSS_URL.findall(data))


def external_refs(text: str) -> list[str]:
    """Every script src, link href, remote media src and remote CSS url in an HTML document."""
    parser = _Refs()
    parser.feed(text)
    parser.close()
    return parser.refs


def to_html(notebook: Path, out: Path, title: str | None = None) -> Path:
    """Write the executed notebook as HTML without code cells' input; raise if it would load anything remote."""
    exporter = HTMLExporter(template_name="pipeone_report", extra_template_basedirs=[str(TEMPLATES)])
    exporter.exclude_input = True
    exporter.exclude_input_prompt = True
    exporter.exclude_output_prompt = True
    exporter.register_preprocessor(TagRemovePreprocessor(remove_cell_tags={"remove_cell"}), enabled=True)
    exporter.register_preprocessor(StripRemoteScripts(), enabled=True)
    resources = {"metadata": {"name": title or notebook.stem}}
    body, _ = exporter.from_notebook_node(nbformat.read(str(notebook), as_version=4), resources=resources)
    refs = external_refs(body)
    if refs:
        raise PipeOneError(f"rendered HTML of {notebook.name} would load {refs[0]}; reports must be offline")
    out.write_text(body, encoding="utf-8")
    return out
