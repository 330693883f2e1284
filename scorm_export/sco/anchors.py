"""Rewrites rendered HTML so that every page of a module can live in one document.

Ids get the prefix of their page (footnotes and headings repeat from lesson to lesson), links
between lessons become in-page anchors, and links leaving the package open in a new window, so
that following one never unloads the SCO and ends its session.
"""

from __future__ import annotations

import html
import re
from collections.abc import Set

# nh3 writes every attribute as name="value", with `"`, `<` and `>` escaped inside values.
_TAG = re.compile(r"<(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:\s+[^\s=/>]+(?:=\"[^\"]*\")?)*)"
                  r"(?P<end>\s*/?>)")
_ATTRIBUTE = re.compile(r"(?P<space>\s+)(?P<key>[^\s=/>]+)(?:=\"(?P<value>[^\"]*)\")?")
_LESSON_SUFFIX = ".html"
INTRO_PAGE = "intro"
QUIZ_PAGE = "quiz"


def lesson_page(slug: str) -> str:
    """The id of a lesson's page in the SCO."""
    return f"lesson-{slug}"


def scoped(page: str, value: str) -> str:
    """An id of the content of `page`, unique in the document."""
    return f"{page}--{value}"


def _lesson_target(target: str, lessons: Set[str]) -> str | None:
    slug = target.removesuffix(_LESSON_SUFFIX)
    return slug if slug in lessons and "/" not in slug else None


def _href(value: str, page: str, lessons: Set[str]) -> tuple[str, bool]:
    """The rewritten address, and whether it leaves the SCO (and so opens in a new window)."""
    target, hash_sign, fragment = value.partition("#")
    if not target and hash_sign:
        return "#" + scoped(page, fragment), False
    slug = _lesson_target(target, lessons)
    if slug is not None:
        other = lesson_page(slug)
        return "#" + (scoped(other, fragment) if fragment else other), False
    return value, True


def _rewrite_tag(match: re.Match[str], page: str, lessons: Set[str]) -> str:
    name = match["name"].lower()
    parts: list[str] = []
    leaves = False
    for attribute in _ATTRIBUTE.finditer(match["attrs"]):
        key, value = attribute["key"].lower(), attribute["value"]
        if value is not None and key == "id":
            value = html.escape(scoped(page, html.unescape(value)))
        elif value is not None and key == "href" and name == "a":
            address, leaves = _href(html.unescape(value), page, lessons)
            value = html.escape(address)
        elif key == "target" and name == "a":
            continue  # decided below
        written = "" if value is None else f'="{value}"'
        parts.append(attribute["space"] + attribute["key"] + written)
    if leaves:
        parts.append(' target="_blank"')
    return f"<{match['name']}{''.join(parts)}{match['end']}"


def rewrite(markup: str, page: str, lessons: Set[str]) -> str:
    """Scope the ids of `markup` to `page` and point its links where they work inside the SCO."""
    return _TAG.sub(lambda m: _rewrite_tag(m, page, lessons), markup)
