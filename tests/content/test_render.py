"""Markdown is rendered sanitised: content is reviewed, but the page never trusts it."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from markupsafe import Markup

from trainer.content.render import render_inline, render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    '<img src="x" onerror="alert(1)">',
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](  javascript:alert(1))",
    "<javascript:alert(1)>",
    "[click][ref]\n\n[ref]: javascript:alert(1)",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    '<iframe src="https://evil.example/"></iframe>',
    '<p style="color:red" onclick="alert(1)">styled</p>',
    "<style>body { display: none }</style>",
]


class _Elements(HTMLParser):
    """The elements and attributes of an HTML fragment, as a browser would build them."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.elements.append((tag, dict(attrs)))


SAFE_TAGS = {"p", "a", "em", "strong", "code", "br"}


@pytest.mark.parametrize(
    "render", [render_markdown, render_inline], ids=["block", "inline"]
)
@pytest.mark.parametrize("text", HOSTILE)
def test_raw_html_and_script_links_never_survive(render, text):
    elements = _Elements(str(render(text))).elements
    for tag, attributes in elements:
        assert tag in SAFE_TAGS, tag
        assert not any(name.startswith("on") or name == "style" for name in attributes)
        href = attributes.get("href")
        assert href is None or urlsplit(href).scheme in {"http", "https", "mailto"}, (
            href
        )


@pytest.mark.parametrize(
    "render", [render_markdown, render_inline], ids=["block", "inline"]
)
def test_images_are_dropped_so_no_other_host_is_contacted(render):
    assert "evil.example" not in str(render("![chart](https://evil.example/chart.png)"))


def test_raw_html_is_shown_as_text_not_markup():
    assert render_markdown("Use <b>bold</b>") == "<p>Use &lt;b&gt;bold&lt;/b&gt;</p>\n"


def test_headings_lists_emphasis_tables_and_links_are_kept():
    html = render_markdown(
        "## What it is\n\n- one *two* **three**\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n[DOI](https://doi.org/10.1037/a0022187)"
    )
    assert "<h2>What it is</h2>" in html
    assert "<li>one <em>two</em> <strong>three</strong></li>" in html
    assert "<table>" in html
    assert "<td>1</td>" in html
    assert (
        '<a href="https://doi.org/10.1037/a0022187" rel="noopener noreferrer">DOI</a>'
        in html
    )


def test_a_top_level_heading_is_not_rendered_as_h1():
    # the page has its own h1 (the module title); the body starts at ##
    assert "<h1" not in render_markdown("# Title")


def test_inline_markdown_renders_emphasis_in_a_citation_as_safe_markup():
    html = render_inline("Elliott, R. (2011). Empathy. *Psychotherapy, 48*(1), 43–49.")
    assert isinstance(html, Markup)
    assert "<em>Psychotherapy, 48</em>(1)" in html
    assert "<p>" not in html


def test_inline_markdown_drops_block_markup():
    assert "<h2" not in render_inline("## not a heading <h2>x</h2>")
