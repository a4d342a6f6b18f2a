"""Reading rendered pages in tests: a small element tree built with the standard library's
HTML parser, and the checks every page must pass (skip link, one <main id="main">, no inline
script or style, nothing loaded from another host)."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

VOID_ELEMENTS = frozenset(
    {
        "area",
        "base",
        "br",
        "col",
        "embed",
        "hr",
        "img",
        "input",
        "link",
        "meta",
        "source",
        "track",
        "wbr",
    }
)

INLINE_ELEMENTS = frozenset(
    {
        "a",
        "abbr",
        "b",
        "cite",
        "code",
        "em",
        "i",
        "kbd",
        "mark",
        "q",
        "s",
        "small",
        "span",
        "strong",
        "sub",
        "sup",
        "time",
        "u",
    }
)


@dataclass
class Element:
    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Element | str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """The text inside the element, whitespace collapsed."""
        parts: list[str] = []

        def walk(node: Element) -> None:
            for child in node.children:
                if isinstance(child, str):
                    parts.append(child)
                elif child.tag in INLINE_ELEMENTS:
                    walk(child)
                else:  # block boundaries separate words, as a browser shows them
                    parts.append(" ")
                    walk(child)
                    parts.append(" ")

        walk(self)
        return " ".join("".join(parts).split())

    def iter(self):
        yield self
        for child in self.children:
            if isinstance(child, Element):
                yield from child.iter()

    def find_all(
        self, tag: str | None = None, *, class_: str | None = None, **attrs: str
    ) -> list[Element]:
        found = []
        for element in self.iter():
            if tag is not None and element.tag != tag:
                continue
            if (
                class_ is not None
                and class_ not in element.attrs.get("class", "").split()
            ):
                continue
            if any(
                element.attrs.get(name.rstrip("_").replace("_", "-")) != value
                for name, value in attrs.items()
            ):
                continue
            found.append(element)
        return found

    def find(self, tag: str | None = None, **kwargs) -> Element:
        found = self.find_all(tag, **kwargs)
        assert found, f"no <{tag or '*'}> with {kwargs} in the page"
        return found[0]


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document")
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        element = Element(
            tag, {name: value if value is not None else "" for name, value in attrs}
        )
        self.stack[-1].children.append(element)
        if tag not in VOID_ELEMENTS:
            self.stack.append(element)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(
            Element(tag, {name: value or "" for name, value in attrs})
        )

    def handle_endtag(self, tag):
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html: str) -> Element:
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def page_text(html: str) -> str:
    return parse(html).text


def squash(text: str) -> str:
    """Whitespace collapsed, to compare content text with page text."""
    return " ".join(str(text).split())


def strip_tags(markup: str) -> str:
    """The text of a snippet of markup (e.g. render_inline's output)."""
    return page_text(str(markup))


def form_value(html: str, name: str, *, action: str | None = None) -> str:
    """The value of a form field, in the form posting to ``action`` if given."""
    root = parse(html)
    forms = root.find_all("form", action=action) if action else [root]
    for form in forms:
        for element in form.find_all("input", name=name):
            return element.attrs.get("value", "")
    raise AssertionError(
        f"no input {name!r} in a form{f' posting to {action}' if action else ''}"
    )


def check_page(html: str) -> Element:
    """The checks every rendered page passes; returns the parsed page."""
    root = parse(html)
    skip = [
        a
        for a in root.find_all("a", class_="skip-link")
        if a.attrs.get("href") == "#main"
    ]
    assert skip, "no skip link to #main"
    mains = root.find_all("main")
    assert [main.attrs.get("id") for main in mains] == ["main"], (
        'expected exactly one <main id="main">'
    )
    for element in root.iter():
        if element.tag == "script":
            assert element.attrs.get("src"), "inline <script> (the CSP forbids it)"
            assert not element.text, "a <script src> with inline code"
        assert "style" not in element.attrs, (
            f'style="" attribute on <{element.tag}> (the CSP forbids it)'
        )
        handlers = [name for name in element.attrs if name.startswith("on")]
        assert not handlers, f"inline event handler {handlers} on <{element.tag}>"
        if element.tag == "style":
            raise AssertionError("inline <style> element (the CSP forbids it)")
        for attribute in ("src", "href", "action", "srcset", "poster"):
            if element.tag == "a" and attribute == "href":
                continue  # links are not requests
            value = element.attrs.get(attribute)
            if value:
                parts = urlsplit(value)
                external = bool(parts.netloc) or parts.scheme in ("http", "https")
                assert not external, (
                    f"<{element.tag} {attribute}={value!r}> loads from another host"
                )
    return root
