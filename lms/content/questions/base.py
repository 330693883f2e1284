"""What every question type shares: its parsed form, its grade and how it is built."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar

from lms.content.blocks import AnswerLine, RawQuestion
from lms.content.problems import ProblemLog
from lms.content.questions.interaction import InteractionFormat
from lms.content.render import LinkStyle, render_inline, render_markdown

FormValues = Callable[[str], list[str]]
"""Reads every value a submitted form holds under a field name (werkzeug's `getlist`)."""

EPSILON = 1e-9


@dataclass(frozen=True)
class Grade:
    """Points earned on one question, with the feedback of what the learner chose."""

    score: float
    max_score: float
    feedback_html: tuple[str, ...] = ()

    @property
    def correct(self) -> bool:
        """Full marks."""
        return self.score >= self.max_score - EPSILON

    @property
    def fraction(self) -> float:
        """Share of the points earned, from 0 to 1."""
        return self.score / self.max_score if self.max_score else 0.0


@dataclass(frozen=True)
class BuildContext:
    """What a question type needs while it is built: language, link style and the problem log."""

    lang: str
    log: ProblemLog
    style: LinkStyle

    def inline(self, text: str) -> str:
        """Render an option, a pair or a feedback line."""
        return render_inline(text, self.lang, self.style)

    def block(self, text: str) -> str:
        """Render the stem, a hint or the explanation."""
        return render_markdown(text, self.lang, self.style) if text else ""


@dataclass(frozen=True)
class Question:
    """A parsed question; subclasses add their answer key and grading rule."""

    type_name: ClassVar[str]
    answer_kinds: ClassVar[frozenset[str]]
    interaction_type: ClassVar[str]  # the SCORM cmi.interactions.n.type
    id: str
    line: int
    points: float
    shuffle: bool
    stem_html: str
    hints_html: tuple[str, ...]
    explanation_html: str

    @classmethod
    def build(cls, raw: RawQuestion, ctx: BuildContext) -> Question | None:
        """Build the question from its block, or report why it cannot be built."""
        raise NotImplementedError

    @staticmethod
    def common(raw: RawQuestion, ctx: BuildContext) -> dict[str, Any]:
        """The fields every type takes from its block."""
        points = 1.0
        if "points" in raw.attrs:
            try:
                points = float(raw.attrs["points"])
                if points <= 0:
                    raise ValueError
            except ValueError:
                ctx.log.add(
                    raw.line, f"points must be a positive number, not '{raw.attrs['points']}'"
                )
                points = 1.0
        if not raw.stem:
            ctx.log.add(raw.line, f"question {raw.id} has no text before its answers")
        return {
            "id": raw.id,
            "line": raw.line,
            "points": points,
            "shuffle": "shuffle" in raw.flags,
            "stem_html": ctx.block(raw.stem),
            "hints_html": tuple(ctx.block(h) for h in raw.hints),
            "explanation_html": ctx.block(raw.explanation),
        }

    def field(self, suffix: str = "") -> str:
        """The form field name that carries this question's answer."""
        return f"q-{self.id}{'-' + suffix if suffix else ''}"

    def read_response(self, values: FormValues) -> Any:
        """Turn submitted form values into this type's JSON-ready response."""
        raise NotImplementedError

    def is_answered(self, response: Any) -> bool:
        """Whether the learner gave any answer at all."""
        return response not in (None, "", [], {})

    def grade(self, response: Any) -> Grade:
        """Score a response; malformed or missing responses score zero."""
        raise NotImplementedError

    def answer_key(self) -> tuple[Any, ...]:
        """What must be identical between language versions of this question."""
        raise NotImplementedError

    def correct_response(self) -> Any:
        """A response that earns full marks (used by tests and exports)."""
        raise NotImplementedError

    def client_data(self) -> dict[str, Any]:
        """What a browser needs to grade this question exactly as `grade` does (JSON-ready)."""
        return {"id": self.id, "type": self.type_name, "points": self.points, **self.client_key()}

    def client_key(self) -> dict[str, Any]:
        """This type's answer key, as `client_data` carries it."""
        raise NotImplementedError

    def interaction_response(self, response: Any, fmt: InteractionFormat) -> str | None:
        """A response written as this type's SCORM interaction response; None if there is none."""
        raise NotImplementedError

    def interaction_patterns(self, fmt: InteractionFormat) -> tuple[str, ...]:
        """The SCORM correct-response patterns of this question."""
        pattern = self.interaction_response(self.correct_response(), fmt)
        return (pattern,) if pattern else ()


def feedback_html(answer: AnswerLine, ctx: BuildContext) -> str:
    """Render the feedback written under an answer line."""
    return ctx.block("\n".join(answer.feedback).strip()) if answer.feedback else ""


def as_index(value: Any, size: int) -> int | None:
    """A response index within range, or None for anything else."""
    if isinstance(value, bool) or not isinstance(value, int):
        try:
            value = int(str(value))
        except ValueError:
            return None
    return value if 0 <= value < size else None
