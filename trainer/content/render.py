"""Markdown to sanitised HTML: content is reviewed, but the page still never trusts it."""

from __future__ import annotations

import functools

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

_markdown = MarkdownIt(
    "commonmark", {"html": False, "linkify": False, "typographer": True}
).enable("table")

_ALLOWED_TAGS = {
    "a",
    "abbr",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "table",
    "tbody",
    "td",
    "th",
    "thead",
    "tr",
    "ul",
}
_ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"scope"}}


def render_markdown(text: str) -> str:
    html = _markdown.render(text)
    return nh3.clean(
        html,
        tags=_ALLOWED_TAGS,
        attributes=_ALLOWED_ATTRIBUTES,
        url_schemes={"https", "http", "mailto"},
        link_rel="noopener noreferrer",
    )


def render_inline(text: str) -> Markup:
    """Inline Markdown (emphasis in citations, option text) as safe markup."""
    return Markup(_inline_html(text))  # noqa: S704 -- sanitised by nh3 in _inline_html


# Only content files' texts come here (citations, quiz options), and the same few thousand
# strings on every page: the result depends on the text alone, so it is kept. A new content
# version brings new texts; the old ones age out.
@functools.lru_cache(maxsize=8192)
def _inline_html(text: str) -> str:
    html = _markdown.renderInline(text)
    return nh3.clean(
        html, tags={"em", "strong", "code", "a"}, attributes={"a": {"href"}}
    )


def links(text: str) -> list[tuple[int, str]]:
    """Every link target in a Markdown text as (0-based line, href), in order (reference-style
    links resolved)."""
    found = []
    lines = text.splitlines()
    for token in _markdown.parse(text):
        if token.type != "inline" or not token.children:
            continue
        start, end = token.map if token.map else (0, 0)
        for child in token.children:
            if child.type != "link_open":
                continue
            href = str(child.attrGet("href") or "")
            line = next((n for n in range(start, end) if href in lines[n]), start)
            found.append((line, href))
    return found
