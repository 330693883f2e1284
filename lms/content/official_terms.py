"""Refused renderings of official terms (from the glossary) in a lesson, quiz or module file."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from functools import lru_cache

from lms.content.glossary import Term
from lms.content.problems import ProblemLog

# What is not prose: inline code, link and image targets, autolinks and bare addresses. Each is
# blanked (newlines kept) so that offsets, and so lines, stay those of the file.
_NOT_PROSE = re.compile(r"`[^`\n]*`|\]\([^()\n]*\)|<https?://[^>\s]*>|https?://[^\s)>\]]+")
_HEADING = re.compile(r"^(#{1,6})\s+(?P<title>.*?)\s*$")
_WORD_CHARACTER = re.compile(r"\w")
_REFERENCE_TITLES = {"references", "referencias", "bibliography", "bibliografía"}


def prose(text: str) -> str:
    """`text` with everything that is not prose replaced by spaces, line breaks kept."""
    return _NOT_PROSE.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)


def reference_lines(text: str) -> frozenset[int]:
    """The 1-based lines under a References heading, up to the next heading as high or higher."""
    found: set[int] = set()
    level = 0
    for number, line in enumerate(text.split("\n"), start=1):
        heading = _HEADING.match(line)
        if heading:
            depth = len(heading[1])
            if heading["title"].lower() in _REFERENCE_TITLES:
                level = depth
                continue
            if level and depth <= level:
                level = 0
        if level:
            found.add(number)
    return frozenset(found)


@lru_cache(maxsize=512)
def _compiled(text: str, pattern: bool, match_case: bool) -> re.Pattern[str]:
    # A phrase may wrap onto the next line: any run of spaces matches any run of white space.
    # The start of a word is checked by _whole_words, not by a `(?<!\w)` here: a pattern that
    # starts with a lookbehind cannot be searched for by its literal prefix, and is three times
    # slower to search.
    body = text if pattern else r"\s+".join(re.escape(word) for word in text.split())
    return re.compile(rf"(?:{body})(?!\w)", 0 if match_case else re.IGNORECASE)


def _whole_words(compiled: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """Matches of `compiled` that start a word: not preceded by a letter, digit or underscore.

    A match refused for its start is searched again from its next character, so that one that
    overlaps it ("a a" in "ba a a") is still found.
    """
    position = 0
    while (match := compiled.search(text, position)) is not None:
        start = match.start()
        if start and _WORD_CHARACTER.match(text, start - 1):
            position = start + 1
            continue
        yield match
        position = max(match.end(), start + 1)


def _spans(text: str, phrases: Sequence[str], match_case: bool) -> list[tuple[int, int]]:
    return [
        m.span()
        for phrase in phrases
        for m in _whole_words(_compiled(phrase, False, match_case), text)
    ]


def _absent(phrase: str, term: Term, clean: str, folded: str) -> bool:
    """True when a phrase's first word is nowhere in the text, so that its search can be skipped.

    A substring test is far cheaper than a regular-expression search, and most of the glossary's
    hundreds of refused renderings appear in none of a file's lines. Case-folded on both sides
    where the search ignores case; patterns are always searched.
    """
    if term.pattern:
        return False
    first = phrase.split(maxsplit=1)[0] if phrase.strip() else phrase
    return first not in clean if term.match_case else first.casefold() not in folded


def refused_uses(text: str, terms: Sequence[Term]) -> Iterator[tuple[int, str, Term]]:
    """Each refused rendering in `text` as (line, text as written, term), in file order."""
    clean = prose(text)
    folded = clean.casefold()
    references = reference_lines(text)
    hits: list[tuple[int, int, str, Term]] = []
    for term in terms:
        allowed: list[tuple[int, int]] | None = None
        for refused in term.refused:
            if _absent(refused, term, clean, folded):
                continue
            for match in _whole_words(_compiled(refused, term.pattern, term.match_case), clean):
                start, end = match.span()
                line = clean.count("\n", 0, start) + 1
                if allowed is None:
                    allowed = _spans(clean, term.excepted, term.match_case)
                if any(a <= start and end <= b for a, b in allowed):
                    continue
                if term.references and line in references:
                    continue
                hits.append((start, line, " ".join(match.group().split()), term))
    for _, line, written, term in sorted(hits, key=lambda hit: hit[0]):
        yield line, written, term


def check_terms(text: str, terms: Sequence[Term], log: ProblemLog) -> None:
    """Report every refused rendering of `terms` in one file's `text`."""
    for line, written, term in refused_uses(text, terms):
        log.add(line, f"write '{term.use}' instead of '{written}': {term.reason}")
