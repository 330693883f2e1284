"""How responses are written as SCORM interactions: the formats of SCORM 1.2 and 2004.

The SCO's JavaScript (scorm_export/sco/runtime/grade.js) writes learner responses with the same
rules; tests/fixtures/grading_cases.json holds the cases both must agree on.
"""

from __future__ import annotations

import html
import math
import re
from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class InteractionFormat:
    """The separators and limits of one SCORM version's interaction responses."""

    version: str
    separator: str  # between the items of a list
    pair: str  # between the two sides of a matching pair
    range: str  # between the bounds of a numeric range; SCORM 1.2 has none
    true: str
    false: str
    text_limit: int  # characters of a fill-in response
    integer_digits: int | None  # of a numeric response (Moodle's 2004 decimal: at most 5)


SCORM12 = InteractionFormat("1.2", ",", ".", "", "t", "f", 255, None)
SCORM2004 = InteractionFormat("2004", "[,]", "[.]", "[:]", "true", "false", 250, 5)
FORMATS = {f.version: f for f in (SCORM12, SCORM2004)}

_LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")
_BREAK = re.compile(r"<(?:br|/p|/li|/h[1-6]|/div|/blockquote|/td|/th)\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def choice_id(index: int) -> str:
    """The identifier of an option or item: a, b, c… (letters only, which every LMS accepts)."""
    return chr(ord("a") + index) if index < 26 else f"o{index + 1}"


def decimal_text(value: float, integer_digits: int | None = None) -> str | None:
    """A number as SCORM writes decimals: positional, leading digit, no exponent; None if it
    does not fit (more integer digits than allowed, or more than 18 decimals)."""
    if not math.isfinite(value):
        return None
    if value == 0:
        return "0"
    # repr gives the shortest digits that read back as the same float, as JavaScript does.
    text = format(Decimal(repr(value)), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    integer, _, fraction = text.lstrip("-").partition(".")
    if len(fraction) > 18 or (integer_digits is not None and len(integer) > integer_digits):
        return None
    return text


def fill_in_text(text: str, fmt: InteractionFormat) -> str:
    """Free text made safe for a fill-in response: one line, no list separator, no leading `{`
    (which would read as a language tag), within the length limit."""
    text = _LINE_BREAKS.sub(" ", text)
    if fmt.separator != ",":
        text = text.replace(fmt.separator, ",")
    text = text.lstrip("{")
    return _utf16_prefix(text, fmt.text_limit)


def _utf16_prefix(text: str, limit: int) -> str:
    """The longest prefix of `text` within `limit` UTF-16 units (how LMSs count characters)."""
    used = 0
    for index, char in enumerate(text):
        used += 2 if ord(char) > 0xFFFF else 1
        if used > limit:
            return text[:index]
    return text


def plain_text(markup: str, limit: int) -> str:
    """Visible text of rendered HTML on one line, cut to `limit` UTF-16 units with an ellipsis."""
    text = html.unescape(_TAG.sub("", _BREAK.sub(" ", markup)))
    text = " ".join(text.split()).lstrip("{")
    if len(text.encode("utf-16-le")) // 2 <= limit:
        return text
    return _utf16_prefix(text, limit - 1).rstrip() + "…"
