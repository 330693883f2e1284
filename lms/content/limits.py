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

# Six times the longest lesson of the course; a longer one reads better split in two.
MAX_DOCUMENT_BYTES = 100_000
# Lists and quotes inside each other, or HTML elements written into the Markdown.
MAX_NESTING = 20
# Elements inside each other in the parsed document, inline markup included: emphasis inside
# emphasis nests without any line showing it (about 1,000 levels end in RecursionError).
MAX_TREE_DEPTH = 100

# Leading spaces, then one container marker: a quote, a bullet, a number or a definition.
_STEP = re.compile(r"( *)(>|[-+*](?= |$)|\d{1,9}[.)](?= |$)|:(?= ))?")
# The start or end of an HTML element (attributes are not read: a tag opens at its name).
# An autolink such as <https://example.org> is no tag: its name runs into a colon.
_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)(?=[\s/>])")
# Elements that never contain others, and elements the HTML parser closes by itself when a
# sibling starts (an unclosed <p> or <li> never nests).
_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param"}
_CLOSED_BY_SIBLINGS = {"p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot"}
_NOT_NESTING = frozenset(
    _VOID | _CLOSED_BY_SIBLINGS | {"source", "track", "wbr", "option", "optgroup", "rp", "rt"}
)


class MarkdownTooComplex(ValueError):
    """A document over a limit; its message says which, and `line` where (0: not known)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


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
    """The first line where lists and quotes, and where HTML elements, nest too deep."""
    found = [e for e in (_deep_container(text), _deep_html(text)) if e is not None]
    return sorted(found, key=lambda e: e.line)


def front_matter_excess(source: str) -> Excess | None:
    """The problem of YAML front matter nested too deep for the loader (line within `source`)."""
    depth = 0
    try:
        for event in yaml.parse(source, Loader=yaml.SafeLoader):
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
    excesses = nesting_excesses(text)
    if excesses:
        raise MarkdownTooComplex(excesses[0].message, excesses[0].line)


def tree_too_deep(depth: int) -> MarkdownTooComplex:
    """The error for a parsed document whose elements nest `depth` levels deep."""
    return MarkdownTooComplex(
        f"markup is nested more than {MAX_TREE_DEPTH} levels deep (emphasis inside emphasis, "
        f"reaching {depth} levels): write it flatter"
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
                text.count("\n", 0, tag.start()) + 1,
                f"HTML elements are nested more than {MAX_NESTING} levels deep here "
                "(an unclosed tag counts as open): close them or flatten the structure",
            )
    return None
