"""Bounds on a Markdown document, so that rendering it stays fast and never overflows the stack.

Python-Markdown parses nested lists and quotes by recursion (about 500 levels end in
RecursionError), and the HTML parser inside the sanitiser takes time quadratic in the depth of
nested elements (30,000 nested `<div>` take over 10 s). A course needs neither: its deepest
structure is a few levels. The checks read the source once, line by line, and overestimate
depth rather than miss it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml

# libyaml's C loader where PyYAML was built with it: a course's front matter loads in a tenth of
# the time of the pure-Python one, with the same values and error positions.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

# Six times the longest lesson of the course; a longer one reads better split in two.
MAX_DOCUMENT_BYTES = 100_000
# Lists and quotes inside each other, or HTML elements written into the Markdown.
MAX_NESTING = 20
# Elements inside each other in the parsed document, inline markup included: emphasis inside
# emphasis nests without any line showing it (about 1,000 levels end in RecursionError).
MAX_TREE_DEPTH = 100
# Abbreviation definitions (`*[HTML]: HyperText Markup Language`). Python-Markdown compiles them
# into one pattern tried at every word of the lesson, and re-reads the rest of a paragraph after
# each: 12,000 of them took 80 s. The course uses none; a glossary belongs in a lesson of its own.
MAX_ABBREVIATIONS = 100
# Headings and rules inside one run of lines without a blank line. Python-Markdown takes such a
# line out of its paragraph and reads the rest of the paragraph again, so that 24,000 of them in
# a row took seconds, growing with the square of their number.
MAX_BREAKS_PER_PARAGRAPH = 50

# Leading spaces, then one container marker: a quote, a bullet, a number or a definition.
_STEP = re.compile(r"( *)(>|[-+*](?= |$)|\d{1,9}[.)](?= |$)|:(?= ))?")
# The start or end of an HTML element (attributes are not read: a tag opens at its name).
# An autolink such as <https://example.org> is no tag: its name runs into a colon.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])")
# An abbreviation definition, and a line Python-Markdown splits a paragraph at: a heading, a rule
# or a heading's underline, after any quote markers and indentation.
_ABBREVIATION = re.compile(r"^[ \t>]*\*\[[^\]\n]*\][ ]?:", re.MULTILINE)
_BREAK = re.compile(r"[ \t>]*(?:#|(?:[-*_][ \t]*){3,}$|=+[ \t]*$)")
_FENCE = re.compile(r"[ \t>]*(?:```|~~~)")
# A definition (`: meaning` under a term).
_DEFINITION = re.compile(r"[ \t>]*:[ \t]")
# Elements that never contain others, and elements the HTML parser closes by itself when a
# sibling starts (an unclosed <p> or <li> never nests).
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
_CLOSED_BY_SIBLINGS = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot"}
_NOT_NESTING = frozenset(
    _VOID | _CLOSED_BY_SIBLINGS | {"source", "track", "wbr", "option", "optgroup", "rp", "rt"}
)


class MarkdownTooComplex(ValueError):
    """A document over a limit; its message says which, and `line` where (0: not known).

    A limit only rendering can see gives no line, but `near`: a piece of the text where it was
    reached, for the caller to find in its file.
    """

    def __init__(self, message: str, line: int = 0, near: str = "") -> None:
        super().__init__(message)
        self.line = line
        self.near = near


def line_of(near: str, text: str) -> int:
    """The line of `text` where `near` first occurs (1-based), or 0 if it does not."""
    at = text.find(near) if len(near.strip()) >= 3 else -1
    return line_at(text, at) if at >= 0 else 0


def line_at(text: str, index: int) -> int:
    """The line (1-based) of character `index` of `text`."""
    return text.count("\n", 0, index) + 1


@dataclass(frozen=True)
class Excess:
    """One limit a document goes over: the line where it does (1-based) and what to do."""

    line: int
    message: str


def size_excess(size: int) -> Excess | None:
    """The problem of a file of `size` bytes, if it is too long."""
    if size <= MAX_DOCUMENT_BYTES:
        return None
    return Excess(
        1,
        f"the file is {size:,} bytes; a Markdown file can have at most "
        f"{MAX_DOCUMENT_BYTES:,} bytes: split it into two lessons",
    )


def nesting_excesses(text: str) -> list[Excess]:
    """The first line where each limit on a document's structure is passed.

    Lists and quotes, and HTML elements, nested too deep; too many abbreviations; too many
    headings or rules in one paragraph.
    """
    checks = (_deep_container, _deep_html, _abbreviations, _crowded_paragraph, _lazy_definitions)
    found = [e for e in (check(text) for check in checks) if e is not None]
    return sorted(found, key=lambda e: e.line)


def front_matter_excess(source: str) -> Excess | None:
    """The problem of YAML front matter nested too deep for the loader (line within `source`)."""
    depth = 0
    try:
        for event in yaml.parse(source, Loader=YAML_LOADER):
            if isinstance(event, yaml.CollectionStartEvent):
                depth += 1
                if depth > MAX_NESTING:
                    line = event.start_mark.line + 1 if event.start_mark else 1
                    return Excess(
                        line,
                        f"front matter: values are nested more than {MAX_NESTING} levels deep; "
                        "write 'name: value' lines and simple lists",
                    )
            elif isinstance(event, yaml.CollectionEndEvent):
                depth -= 1
    except yaml.YAMLError:
        return None  # reported with its position when the front matter is loaded
    return None


def check_renderable(text: str) -> None:
    """Raise MarkdownTooComplex if `text` goes over a limit."""
    if len(text) > MAX_DOCUMENT_BYTES:
        raise MarkdownTooComplex(f"the text is longer than {MAX_DOCUMENT_BYTES:,} characters", 1)
    if not text.isascii():
        try:
            text.encode("utf-8")  # the sanitiser reads UTF-8, which a lone surrogate is not
        except UnicodeEncodeError as error:
            raise MarkdownTooComplex(
                f"character {error.start + 1} is half of a UTF-16 pair, not a character: "
                "save the text as UTF-8",
                line_at(text, error.start),
            ) from error
    excesses = nesting_excesses(text)
    if excesses:
        raise MarkdownTooComplex(excesses[0].message, excesses[0].line)


def tree_too_deep(depth: int, near: str = "") -> MarkdownTooComplex:
    """The error for a parsed document whose elements nest `depth` levels deep."""
    return MarkdownTooComplex(
        f"markup is nested more than {MAX_TREE_DEPTH} levels deep here (reaching {depth}: "
        "emphasis inside emphasis, or definitions whose next term follows without a blank "
        "line): write it flatter",
        near=near,
    )


def unclosed_links(near: str = "") -> MarkdownTooComplex:
    """The error for a text whose link targets keep starting and never end."""
    return MarkdownTooComplex(
        "too many links here have a '(' after ']' that no ')' closes, and each is searched for "
        "to the end of the text: close each link's address with ')', or write '\\(' where a "
        "parenthesis after ']' starts no link",
        near=near,
    )


def _deep_container(text: str) -> Excess | None:
    for number, line in enumerate(text.split("\n"), start=1):
        depth = _line_depth(line.expandtabs(4) if "\t" in line else line)
        if depth > MAX_NESTING:
            return Excess(
                number,
                f"lists and quotes are nested more than {MAX_NESTING} levels deep here "
                "(each '>', list marker or 4 spaces of indentation is a level): flatten them",
            )
    return None


def _line_depth(line: str) -> int:
    """How deep a line can sit: its quote and list markers plus its indentation in fours."""
    depth = position = 0
    while depth <= MAX_NESTING:
        step = _STEP.match(line, position)
        assert step is not None  # the pattern matches the empty string
        depth += len(step[1]) // 4
        if step[2] is None:
            break
        depth += 1
        position = step.end()
    return depth


def _abbreviations(text: str) -> Excess | None:
    for count, definition in enumerate(_ABBREVIATION.finditer(text), start=1):
        if count > MAX_ABBREVIATIONS:
            return Excess(
                line_at(text, definition.start()),
                f"more than {MAX_ABBREVIATIONS} abbreviations ('*[ABBR]: meaning' lines) are "
                "defined by here: keep the few a lesson needs and explain the rest in the text",
            )
    return None


def _crowded_paragraph(text: str) -> Excess | None:
    lines = text.split("\n")
    # Fenced code is set apart before paragraphs are read: its `#` comments split nothing. A
    # fence that is never closed fences nothing.
    fences = [number for number, line in enumerate(lines, start=1) if _FENCE.match(line)]
    fenced = {
        n
        for start, end in zip(fences[::2], fences[1::2], strict=False)
        for n in range(start, end + 1)
    }
    breaks = 0
    for number, line in enumerate(lines, start=1):
        if number in fenced:
            continue
        if not line.strip():
            breaks = 0
        elif _BREAK.match(line):
            breaks += 1
            if breaks > MAX_BREAKS_PER_PARAGRAPH:
                return Excess(
                    number,
                    f"more than {MAX_BREAKS_PER_PARAGRAPH} headings or rules ('#', '---', "
                    "'***', '===') follow each other here without a blank line: put a blank "
                    "line before and after each heading and rule",
                )
    return None


def _lazy_definitions(text: str) -> Excess | None:
    # A term right under a definition, with no blank line between, starts a list of definitions
    # inside that definition: each such term nests one level deeper.
    nested = 0
    defined = term_after = False
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            nested, defined, term_after = 0, False, False
        elif _DEFINITION.match(line):
            if term_after:
                nested += 1
                if nested > MAX_NESTING:
                    return Excess(
                        number,
                        f"definitions are nested more than {MAX_NESTING} levels deep here (a "
                        "term written right under a definition starts a list inside it): put a "
                        "blank line before each new term",
                    )
            defined, term_after = True, False
        elif defined:
            term_after = True
    return None


def _deep_html(text: str) -> Excess | None:
    depth = 0
    for tag in _TAG.finditer(text):
        if tag[2].lower() in _NOT_NESTING:
            continue
        if tag[1]:
            depth = max(depth - 1, 0)
            continue
        depth += 1
        if depth > MAX_NESTING:
            return Excess(
                line_at(text, tag.start()),
                f"HTML elements are nested more than {MAX_NESTING} levels deep here "
                "(an unclosed tag counts as open): close them or flatten the structure",
            )
    return None
