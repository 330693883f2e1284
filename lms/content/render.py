"""Markdown to safe HTML: the one renderer used by lesson pages, previews and SCORM packages."""

from __future__ import annotations

import re
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import markdown
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.treeprocessors import Treeprocessor

LESSON_FILE = re.compile(r"^(?P<num>\d+)-(?P<slug>[a-z0-9][a-z0-9-]*)\.(?P<lang>[a-z]{2})\.md$")
_ALERT_START = re.compile(r"^> ?\[!(?P<kind>[A-Z]+)\]\s*$")
ALERT_KINDS = ("NOTE", "TIP", "IMPORTANT", "WARNING", "CAUTION")
ALERT_TITLES = {
    "es": {
        "NOTE": "Nota",
        "TIP": "Consejo",
        "IMPORTANT": "Importante",
        "WARNING": "Advertencia",
        "CAUTION": "Precaución",
    },
    "en": {
        "NOTE": "Note",
        "TIP": "Tip",
        "IMPORTANT": "Important",
        "WARNING": "Warning",
        "CAUTION": "Caution",
    },
}

_TAGS = set(nh3.ALLOWED_TAGS) | {"section"}
_ATTRIBUTES: dict[str, set[str]] = {
    tag: set(attrs) for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()
}
for _tag in ("th", "td"):
    _ATTRIBUTES.setdefault(_tag, set()).add("style")
_ATTRIBUTES["*"] = {"class", "id", "title", "lang", "role", "aria-label", "aria-hidden"}


@dataclass(frozen=True)
class LinkStyle:
    """How links between lessons are written: the LMS uses bare slugs, SCORM uses `.html` files."""

    lesson_suffix: str = ""


LMS_LINKS = LinkStyle()


def lesson_slug(file_name: str) -> str | None:
    """The permanent slug of a lesson file name such as `01-key-concepts.en.md`."""
    match = LESSON_FILE.match(file_name)
    return match["slug"] if match else None


class _LessonLinks(Treeprocessor):
    """Rewrites links to sibling lesson files into the addresses of their pages."""

    def __init__(self, md: markdown.Markdown, style: LinkStyle) -> None:
        super().__init__(md)
        self.style = style

    def run(self, root: ET.Element) -> None:
        for anchor in root.iter("a"):
            href = anchor.get("href", "")
            target, _, fragment = href.partition("#")
            slug = lesson_slug(target) if "/" not in target else None
            if slug:
                anchor.set(
                    "href", slug + self.style.lesson_suffix + (f"#{fragment}" if fragment else "")
                )


class _LessonLinkExtension(Extension):
    def __init__(self, style: LinkStyle) -> None:
        super().__init__()
        self.style = style

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        md.treeprocessors.register(_LessonLinks(md, self.style), "lesson_links", 5)


def _expand_alerts(text: str, lang: str) -> str:
    """Turn GitHub-style `> [!NOTE]` call-outs into titled asides that Markdown fills in."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    titles = ALERT_TITLES.get(lang, ALERT_TITLES["en"])
    while i < len(lines):
        match = _ALERT_START.match(lines[i])
        if not match or match["kind"] not in ALERT_KINDS:
            out.append(lines[i])
            i += 1
            continue
        kind = match["kind"]
        body: list[str] = []
        i += 1
        while i < len(lines) and lines[i].startswith(">"):
            body.append(re.sub(r"^> ?", "", lines[i]))
            i += 1
        out += [
            "",
            f'<aside class="callout callout-{kind.lower()}" markdown="1">',
            "",
            f'<p class="callout-title">{titles[kind]}</p>',
            "",
            *body,
            "",
            "</aside>",
            "",
        ]
    return "\n".join(out)


def _converter(style: LinkStyle) -> markdown.Markdown:
    return markdown.Markdown(
        extensions=["extra", "sane_lists", "toc", _LessonLinkExtension(style)],
        extension_configs={"toc": {"slugify": slugify_unicode, "toc_depth": "2-4"}},
        output_format="html",
    )


def sanitise(html: str) -> str:
    """Keep only the markup a lesson needs; drop scripts, handlers and foreign attributes."""
    return nh3.clean(
        html,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        filter_style_properties={"text-align"},
        url_schemes={"http", "https", "mailto"},
    )


_converters = threading.local()


def _reusable_converter(style: LinkStyle) -> markdown.Markdown:
    """A converter per link style and thread: building one costs more than most conversions."""
    cached: dict[LinkStyle, markdown.Markdown] | None = getattr(_converters, "by_style", None)
    if cached is None:
        cached = _converters.by_style = {}
    converter = cached.get(style)
    if converter is None:
        converter = cached[style] = _converter(style)
    return converter.reset()


# A wide table scrolls inside a box of its own instead of widening the page on a phone. The box
# takes keyboard focus so that it can be scrolled without a mouse, and is named for screen
# readers in the lesson's language (a group, not a region: a lesson's tables would be landmarks
# with one name). Added after sanitising: authors cannot set tabindex.
TABLE_LABELS = {"es": "Tabla", "en": "Table"}
_TABLE_START = re.compile(r"<table\b")


def _scrollable_tables(html: str, lang: str) -> str:
    label = TABLE_LABELS.get(lang, TABLE_LABELS["en"])
    box = f'<div class="table-scroll" role="group" tabindex="0" aria-label="{label}">'
    html = _TABLE_START.sub(lambda start: box + start.group(0), html)
    return html.replace("</table>", "</table></div>")


def render_markdown(text: str, lang: str, style: LinkStyle = LMS_LINKS) -> str:
    """Render a block of lesson Markdown to sanitised HTML."""
    converter = _reusable_converter(style)
    return _scrollable_tables(sanitise(converter.convert(_expand_alerts(text, lang))), lang)


def render_inline(text: str, lang: str, style: LinkStyle = LMS_LINKS) -> str:
    """Render a short piece of Markdown (an option, a feedback line) without its paragraph."""
    html = render_markdown(text, lang, style).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html
