"""The offline check finds every way an HTML page could load something remote, and the stripper removes CDN scripts."""
from __future__ import annotations

import nbformat
from nbformat.v4 import new_code_cell, new_notebook, new_output

from pipeone_analytics.reports.html import StripRemoteScripts, external_refs


def test_external_refs_finds_scripts_stylesheets_media_and_css_urls() -> None:
    page = """<html><head>
    <script src="https://cdn.example.com/require.js"></script>
    <script>var inline = "https://not-a-load.example.com";</script>
    <link rel="stylesheet" href="//fonts.example.com/a.css">
    <style>body { background: url("https://img.example.com/bg.png"); }
           @import url(http://css.example.com/x.css);</style>
    </head><body><img src="https://img.example.com/p.png"><img src="data:image/png;base64,AAAA">
    <a href="https://example.com/ok-to-link">a link is not loaded</a>
    <div style="background-image: url('http://x.example.com/y.png')"></div></body></html>"""
    assert external_refs(page) == [
        "script src=https://cdn.example.com/require.js",
        "link href=//fonts.example.com/a.css",
        "css url https://img.example.com/bg.png",
        "css url http://css.example.com/x.css",
        "img src=https://img.example.com/p.png",
        "style url http://x.example.com/y.png",
    ]
    assert external_refs("<html><script>1</script><img src='data:x'></html>") == []


def test_strip_remote_scripts_keeps_inline_scripts() -> None:
    html = ('<div id="f"></div><script type="text/javascript">window.PlotlyConfig = {};</script>'
            '<script src="https://cdn.jsdelivr.net/npm/mathjax@3.2.2/es5/tex-svg.js"></script>')
    nb = new_notebook(cells=[new_code_cell("fig", outputs=[
        new_output("display_data", data={"text/html": html, "text/plain": "Figure"})])])
    nb, _ = StripRemoteScripts().preprocess(nb, {})
    kept = nb.cells[0].outputs[0]["data"]["text/html"]
    assert kept == '<div id="f"></div><script type="text/javascript">window.PlotlyConfig = {};</script>'
    assert external_refs(kept) == []
    assert nbformat.validate(nb) is None
