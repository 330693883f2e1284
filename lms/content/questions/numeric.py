"""Numeric questions: `= 1951`, `= 3.7 ± 0.05` or `= 3.5..4.0`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from lms.content.blocks import RawQuestion
from lms.content.questions.base import EPSILON, BuildContext, FormValues, Grade, Question
from lms.content.questions.interaction import InteractionFormat, decimal_text

_NUMBER = r"-?\d+(?:[.,]\d+)?"
_EXACT = re.compile(rf"^(?P<value>{_NUMBER})(?:\s*(?:±|\+-)\s*(?P<tolerance>{_NUMBER}))?$")
_RANGE = re.compile(rf"^(?P<low>{_NUMBER})\s*\.\.\s*(?P<high>{_NUMBER})$")


def _number(text: str) -> float:
    return float(text.replace(",", "."))


def parse_interval(text: str) -> tuple[float, float] | None:
    """The closed interval an answer line accepts, or None if it is not numeric."""
    text = text.strip()
    exact = _EXACT.match(text)
    if exact:
        value = _number(exact["value"])
        tolerance = abs(_number(exact["tolerance"])) if exact["tolerance"] else 0.0
        return (value - tolerance, value + tolerance)
    ranged = _RANGE.match(text)
    if ranged:
        low, high = _number(ranged["low"]), _number(ranged["high"])
        return (min(low, high), max(low, high))
    return None


def parse_learner_number(text: str) -> float | None:
    """Read what a learner typed: spaces and a final % ignored, comma or point as decimal mark."""
    cleaned = re.sub(r"[\s\u00a0\u202f%]", "", text)
    if not re.fullmatch(_NUMBER, cleaned):
        return None
    return _number(cleaned)


@dataclass(frozen=True)
class Numeric(Question):
    """A value inside any accepted interval earns full points."""

    type_name = "numeric"
    answer_kinds = frozenset({"value"})
    interaction_type = "numeric"
    intervals: tuple[tuple[float, float], ...] = ()

    @staticmethod
    def looks_like(raw: RawQuestion) -> bool:
        """Whether every `=` line of a block is a number, tolerance or range."""
        return bool(raw.answers) and all(parse_interval(a.text) for a in raw.answers)

    @classmethod
    def build(cls, raw: RawQuestion, ctx: BuildContext) -> Question | None:
        intervals = []
        for answer in raw.answers:
            interval = parse_interval(answer.text)
            if interval is None:
                ctx.log.add(
                    answer.line,
                    f"'{answer.text}' is not a number, 'number ± tolerance' or 'low..high'",
                )
            else:
                intervals.append(interval)
        if not raw.answers:
            ctx.log.add(raw.line, f"question {raw.id} has no correct answer")
        return cls(**cls.common(raw, ctx), intervals=tuple(intervals))

    def read_response(self, values: FormValues) -> Any:
        given = values(self.field())
        return given[0].strip()[:50] if given else ""

    def grade(self, response: Any) -> Grade:
        value = parse_learner_number(response) if isinstance(response, str) else None
        right = value is not None and any(
            low - EPSILON <= value <= high + EPSILON for low, high in self.intervals
        )
        return Grade(self.points if right else 0.0, self.points)

    def answer_key(self) -> tuple[Any, ...]:
        return self.intervals

    def correct_response(self) -> Any:
        low, high = self.intervals[0]
        middle = (low + high) / 2
        return f"{middle:g}"

    def client_key(self) -> dict[str, Any]:
        return {"intervals": [list(interval) for interval in self.intervals]}

    def interaction_response(self, response: Any, fmt: InteractionFormat) -> str | None:
        value = parse_learner_number(response) if isinstance(response, str) else None
        return None if value is None else decimal_text(value, fmt.integer_digits)

    def interaction_patterns(self, fmt: InteractionFormat) -> tuple[str, ...]:
        if fmt.range:
            # SCORM 2004 allows one numeric pattern, `low[:]high`: the first interval.
            if not self.intervals:
                return ()
            low, high = (decimal_text(b, fmt.integer_digits) for b in self.intervals[0])
            if low is None or high is None:
                return ()
            return (low if low == high else f"{low}{fmt.range}{high}",)
        # SCORM 1.2 patterns are single numbers: the middle of each interval is a right answer.
        middles = (decimal_text((low + high) / 2) for low, high in self.intervals)
        return tuple(dict.fromkeys(m for m in middles if m))
