"""Markdown to safe HTML: the one renderer used by lesson pages, previews and SCORM packages."""

from __future__ import annotations

import re
import sys
import threading
import xml.etree.ElementTree as ET
from dataclasses import dataclass

import markdown
import markdown.htmlparser
import nh3
from markdown.extensions import Extension
from markdown.extensions.toc import slugify_unicode
from markdown.inlinepatterns import LinkInlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import STX

from lms.content.limits import MAX_TREE_DEPTH, check_renderable, tree_too_deep, unclosed_links
from lms.content.plain_text import plain_paragraph

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
# `cite` (of blockquote, q, del and ins) is a URL that nh3 passes whatever its scheme, so that a
# lesson could write `<q cite="javascript:...">`; Markdown never writes it and a lesson needs none.
_ATTRIBUTES: dict[str, set[str]] = {
    tag: set(attrs) - {"cite"} for tag, attrs in nh3.ALLOWED_ATTRIBUTES.items()
}
# Column alignment comes as `align` (see _converter), not as a style attribute, which the
# platform's Content-Security-Policy would block: no style attribute survives sanitising.
for _tag in ("th", "td"):
    _ATTRIBUTES.setdefault(_tag, set()).add("align")
_ATTRIBUTES["*"] = {"class", "id", "title", "lang", "role", "aria-label", "aria-hidden"}
_URL_SCHEMES = {"http", "https", "mailto"}
# Ids written by content live in a namespace of their own, so that a lesson cannot give an
# element the id of one of the page's own (`csrf_token`, a form, a script's target) and so
# change what the page's scripts or forms find. Links to them within a page follow.
CONTENT_ID_PREFIX = "content-"
# The final pass knows, besides the lesson's markup, the few attributes the renderer and the
# SCORM exporter add after the first pass; authors cannot write them.
_FINAL_VALUES = {"div": {"tabindex": {"0"}}, "a": {"target": {"_blank"}}}


def _namespaced(tag: str, attribute: str, value: str) -> str | None:
    """An attribute of rendered content with its ids (and links to them) in the content's own."""
    if attribute == "id":
        return CONTENT_ID_PREFIX + value if value else None
    if attribute == "headers":  # table cells name their header cells by id
        return " ".join(CONTENT_ID_PREFIX + name for name in value.split()) or None
    if attribute == "href" and value.startswith("#") and len(value) > 1:
        return f"#{CONTENT_ID_PREFIX}{value[1:]}"
    return value


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
                # The fragment names an id of the other lesson, which sanitising prefixes.
                at = f"#{CONTENT_ID_PREFIX}{fragment}" if fragment else ""
                anchor.set("href", slug + self.style.lesson_suffix + at)


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


# How many characters the link patterns may read looking for the ends of link addresses, per
# character of the document, and for any document. A document's links read each address once;
# only a '(' that nothing closes is read to the end of the text, again for every such link.
LINK_SCAN_PER_CHARACTER = 10
LINK_SCAN_BASE = 100_000


@dataclass
class _ScanBudget:
    """What is left of the characters link addresses may be searched through in one document."""

    left: int = 0

    def start(self, text: str) -> None:
        self.left = LINK_SCAN_PER_CHARACTER * len(text) + LINK_SCAN_BASE

    def spend(self, characters: int, data: str, index: int) -> None:
        self.left -= characters
        if self.left < 0:
            raise unclosed_links(near=data[index : index + 40].split(STX)[0])


class _PairedBrackets(LinkInlineProcessor):
    """`getText` of Python-Markdown's link patterns, pairing a text's brackets only once.

    Python-Markdown finds the `]` that closes a `[` by reading on from it, to the end of the
    text when none does: for every unclosed `[` again, so that 4,000 of them took 2.7 s per
    link pattern. Here the brackets of a text are paired in one pass and looked up.

    Where a `[` closes depends only on the text after it, and a found link changes the text
    only before where the search goes on. So pairs are kept by their distance from the end
    of the text, and stay valid for as long as the new text ends as the paired one did.
    """

    _data: str | None = None  # the text last asked about
    _source: str = ""  # the text whose brackets were paired
    _closing: dict[int, int]  # distance from the end: of a `[` -> of its `]`
    _valid = 0  # the pairs hold for `_data` up to this distance from its end
    budget: _ScanBudget  # shared by the link patterns of one converter

    def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
        """Python-Markdown's address reading, within the document's budget.

        Python-Markdown reads from a link's `(` to its `)`, and to the end of the text when
        none closes it: for `[](` repeated 8,000 times, 15 s. An address found costs its
        length, one never closed the rest of the text; past the budget the document is refused.
        """
        href, title, end, handled = super().getLink(data, index)
        if handled:
            self.budget.spend(end - index, data, index)
        elif data.startswith("(", index):
            self.budget.spend(len(data) - index, data, index)
        return href, title, end, handled

    def getText(self, data: str, index: int) -> tuple[str, int, bool]:
        if index == 0 or data[index - 1] != "[":
            return super().getText(data, index)
        distance = len(data) - index + 1
        if data is not self._data or distance > self._valid:
            source = self._source
            if distance <= len(source) and data.endswith(source[len(source) - distance :]):
                self._valid = distance
            else:
                self._source, self._closing, self._valid = data, _pair_brackets(data), len(data)
            self._data = data
        closing = self._closing.get(distance)
        if closing is None:
            return "", len(data), False
        end = len(data) - closing
        return data[index:end], end + 1, True


def _pair_brackets(text: str) -> dict[int, int]:
    """For each closed `[` of `text`, its distance from the end -> that of its `]`."""
    closing: dict[int, int] = {}
    open_at: list[int] = []
    size = len(text)
    for bracket in _BRACKET.finditer(text):
        if bracket[0] == "[":
            open_at.append(size - bracket.start())
        elif open_at:
            closing[open_at.pop()] = size - bracket.start()
    return closing


_BRACKET = re.compile(r"[\[\]]")
_paired_classes: dict[type, type] = {}


class _LinearLinkExtension(Extension):
    """Gives every link and image pattern the bracket pairing and budget of `_PairedBrackets`."""

    def __init__(self) -> None:
        super().__init__()
        self.budget = _ScanBudget()

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        for processor in md.inlinePatterns:
            kind = type(processor)
            if isinstance(processor, LinkInlineProcessor) and not isinstance(
                processor, _PairedBrackets
            ):
                paired = _paired_classes.get(kind)
                if paired is None:
                    paired = _paired_classes[kind] = type(
                        f"Paired{kind.__name__}", (_PairedBrackets, kind), {}
                    )
                processor.__class__ = paired
            if isinstance(processor, _PairedBrackets):
                processor.budget = self.budget


# The longest start tag the HTML parser reads; a longer one is text (and sanitising removes
# whatever tag it was). A lesson's tags are a few hundred characters at most.
MAX_TAG_LENGTH = 2_000


class _BoundedTagEnd:
    """The HTML parser's pattern for the end of a start tag, reading a bounded stretch of text.

    Python-Markdown finds raw HTML with its own copy of the standard library's HTML parser. For
    a `<` and a letter that no `>` follows, that parser reads the rest of the text as the tag's
    attributes, fails, and goes on from the next `<`: 10,000 `<http://x ` took 25 s. No tag can
    end where no `>` follows, so there only the `<` and its letter are read; elsewhere at most
    MAX_TAG_LENGTH characters are. The last `>` of the parser's text is kept per thread.
    """

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern = pattern
        self._last = threading.local()

    def match(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self._no_tag_after(text, pos):
            endpos = pos + 2  # `<` and a letter: the parser takes them as text
        return self.pattern.match(text, pos, min(endpos, pos + MAX_TAG_LENGTH))

    def _no_tag_after(self, text: str, pos: int) -> bool:
        """Whether no `>` follows `pos` in `text`, so that no tag can end there."""
        if getattr(self._last, "text", None) is not text:
            self._last.text, self._last.close = text, text.rfind(">")
        return bool(pos > self._last.close)


class _EndTagClose(_BoundedTagEnd):
    """The parser's search for the `>` of an end tag, which reads to the end of the text when
    there is none: 25,000 `</a ` took 1.5 s. Where no `>` follows, it is not searched for."""

    def search(self, text: str, pos: int = 0, endpos: int = sys.maxsize) -> re.Match[str] | None:
        if self._no_tag_after(text, pos):
            return None
        return self.pattern.search(text, pos, endpos)


def _bound_tag_scanning() -> None:
    """Install the bounded patterns in Python-Markdown's copy of the HTML parser (only there)."""
    parser_module = vars(markdown.htmlparser)["htmlparser"]
    # A parser without these patterns (newer Pythons changed them) is left as it is.
    for name, bounded in (
        ("locatestarttagend_tolerant", _BoundedTagEnd),
        ("endendtag", _EndTagClose),
    ):
        pattern = getattr(parser_module, name, None)
        if isinstance(pattern, re.Pattern):
            setattr(parser_module, name, bounded(pattern))


_bound_tag_scanning()


class _DepthGuard(Treeprocessor):
    """Refuses a parsed document nested deeper than MAX_TREE_DEPTH before anything recurses.

    Inline markup builds its elements without recursion, but the table of contents and the
    serialiser walk them recursively: a thousand levels of emphasis overflow the stack there.
    """

    def run(self, root: ET.Element) -> None:
        stack = [(root, 0)]
        while stack:
            element, depth = stack.pop()
            if depth > MAX_TREE_DEPTH:
                raise tree_too_deep(depth, near=_words_of(element))
            stack.extend((child, depth + 1) for child in element)


def _words_of(element: ET.Element) -> str:
    """Some of the text in or after `element` (placeholders left out), to find it by."""
    for piece in element.itertext():
        words = piece.split(STX)[0].strip()
        if len(words) >= 3:
            return words[:40]
    return (element.tail or "").split(STX)[0].strip()[:40]


class _DepthGuardExtension(Extension):
    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # Right after inline markup (20) and before every processor that walks the tree.
        md.treeprocessors.register(_DepthGuard(md), "depth_guard", 19.5)


@dataclass
class _Converter:
    """A Markdown converter and the budget its link patterns spend."""

    markdown: markdown.Markdown
    link_scan: _ScanBudget


def _converter(style: LinkStyle) -> _Converter:
    linear_links = _LinearLinkExtension()
    converter = markdown.Markdown(
        # Last: it changes the link patterns every extension before it registered.
        extensions=[
            "extra",
            "sane_lists",
            "toc",
            _LessonLinkExtension(style),
            _DepthGuardExtension(),
            linear_links,
        ],
        extension_configs={
            "toc": {"slugify": slugify_unicode, "toc_depth": "2-4"},
            "extra": {"tables": {"use_align_attribute": True}},
        },
        output_format="html",
    )
    return _Converter(converter, linear_links.budget)


# Built once: nh3.clean builds its rule set from these arguments on every call, which cost more
# than the cleaning of a course's thousands of small fragments (options, feedback) itself.
_FIRST_PASS = nh3.Cleaner(
    tags=_TAGS, attributes=_ATTRIBUTES, attribute_filter=_namespaced, url_schemes=_URL_SCHEMES
)
_FINAL_PASS = nh3.Cleaner(
    tags=_TAGS,
    attributes=_ATTRIBUTES,
    tag_attribute_values=_FINAL_VALUES,
    url_schemes=_URL_SCHEMES,
)


def sanitise(html: str) -> str:
    """Keep only the markup a lesson needs; drop scripts, handlers and foreign attributes."""
    return _FIRST_PASS.clean(html)


def finish(html: str) -> str:
    """The last step of every path to content HTML: sanitise again what code changed after.

    Idempotent on the output of `sanitise` and of itself; keeps ids as they are.
    """
    return _FINAL_PASS.clean(html)


_converters = threading.local()


def _reusable_converter(style: LinkStyle) -> _Converter:
    """A converter per link style and thread: building one costs more than most conversions."""
    cached: dict[LinkStyle, _Converter] | None = getattr(_converters, "by_style", None)
    if cached is None:
        cached = _converters.by_style = {}
    converter = cached.get(style)
    if converter is None:
        converter = cached[style] = _converter(style)
    converter.markdown.reset()
    return converter


# A wide table scrolls inside a box of its own instead of widening the page on a phone. The box
# takes keyboard focus so that it can be scrolled without a mouse, and is named for screen
# readers in the lesson's language (a group, not a region: a lesson's tables would be landmarks
# with one name). Added after the first pass of sanitising, which drops any tabindex an author
# writes, and kept by the final one.
TABLE_LABELS = {"es": "Tabla", "en": "Table"}
_TABLE_START = re.compile(r"<table\b")


def _scrollable_tables(html: str, lang: str) -> str:
    label = TABLE_LABELS.get(lang, TABLE_LABELS["en"])
    box = f'<div class="table-scroll" role="group" tabindex="0" aria-label="{label}">'
    html = _TABLE_START.sub(lambda start: box + start.group(0), html)
    return html.replace("</table>", "</table></div>")


def _rendered(text: str, lang: str, style: LinkStyle) -> str:
    """Markdown after its first pass of sanitising, its tables in their scrolling boxes.

    Raises MarkdownTooComplex for a text over the limits of lms.content.limits.
    """
    check_renderable(text)
    html = plain_paragraph(text)
    if html is None:
        converter = _reusable_converter(style)
        converter.link_scan.start(text)
        try:
            html = converter.markdown.convert(_expand_alerts(text, lang))
        except BaseException:
            # A conversion cut short leaves the converter's state half-built: never reuse it.
            _converters.by_style.pop(style, None)
            raise
    return _scrollable_tables(sanitise(html), lang)


def render_markdown(text: str, lang: str, style: LinkStyle = LMS_LINKS) -> str:
    """Render a block of lesson Markdown to sanitised HTML."""
    return finish(_rendered(text, lang, style))


def render_inline(text: str, lang: str, style: LinkStyle = LMS_LINKS) -> str:
    """Render a short piece of Markdown (an option, a feedback line) without its paragraph."""
    html = _rendered(text, lang, style).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return finish(html)
