"""Single-choice `( )/(x)` and multiple-choice `[ ]/[x]` questions."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms.content.blocks import RawQuestion
from lms.content.questions.base import (
    BuildContext,
    FormValues,
    Grade,
    Question,
    as_index,
    feedback_html,
)
from lms.content.questions.interaction import InteractionFormat, choice_id


@dataclass(frozen=True)
class Option:
    """One option as shown, whether it is right, and what to say when it is chosen."""

    html: str
    correct: bool
    feedback_html: str


def build_options(raw: RawQuestion, ctx: BuildContext) -> tuple[Option, ...]:
    """The options of a choice question, with their feedback."""
    return tuple(Option(ctx.inline(a.text), a.marked, feedback_html(a, ctx)) for a in raw.answers)


@dataclass(frozen=True)
class SingleChoice(Question):
    """Exactly one right option; full points for it, none otherwise."""

    type_name = "single"
    answer_kinds = frozenset({"radio"})
    interaction_type = "choice"
    options: tuple[Option, ...] = ()

    @classmethod
    def build(cls, raw: RawQuestion, ctx: BuildContext) -> Question | None:
        options = build_options(raw, ctx)
        right = sum(o.correct for o in options)
        if len(options) < 2:
            ctx.log.add(raw.line, f"question {raw.id} needs at least two options")
        if right != 1:
            ctx.log.add(
                raw.line, f"question {raw.id} must mark exactly one option '(x)', it marks {right}"
            )
        return cls(**cls.common(raw, ctx), options=options)

    def read_response(self, values: FormValues) -> Any:
        chosen = values(self.field())
        return as_index(chosen[0], len(self.options)) if chosen else None

    def grade(self, response: Any) -> Grade:
        index = as_index(response, len(self.options)) if response is not None else None
        if index is None:
            return Grade(0.0, self.points)
        option = self.options[index]
        return Grade(
            self.points if option.correct else 0.0,
            self.points,
            (option.feedback_html,) if option.feedback_html else (),
        )

    def answer_key(self) -> tuple[Any, ...]:
        return (len(self.options), tuple(o.correct for o in self.options))

    def correct_response(self) -> Any:
        return next(i for i, o in enumerate(self.options) if o.correct)

    def client_key(self) -> dict[str, Any]:
        return {"correct": [o.correct for o in self.options]}

    def interaction_response(self, response: Any, fmt: InteractionFormat) -> str | None:
        index = as_index(response, len(self.options)) if response is not None else None
        return None if index is None else choice_id(index)


@dataclass(frozen=True)
class MultipleChoice(Question):
    """Several right options; each right tick earns a share, each wrong tick takes one away."""

    type_name = "multiple"
    answer_kinds = frozenset({"check"})
    interaction_type = "choice"
    options: tuple[Option, ...] = ()

    @classmethod
    def build(cls, raw: RawQuestion, ctx: BuildContext) -> Question | None:
        options = build_options(raw, ctx)
        if len(options) < 2:
            ctx.log.add(raw.line, f"question {raw.id} needs at least two options")
        if not any(o.correct for o in options):
            ctx.log.add(
                raw.line, f"question {raw.id} has no correct answer: mark one or more options '[x]'"
            )
        return cls(**cls.common(raw, ctx), options=options)

    def read_response(self, values: FormValues) -> Any:
        picked = {as_index(v, len(self.options)) for v in values(self.field())}
        return sorted(i for i in picked if i is not None)

    def _picked(self, response: Any) -> list[int]:
        """The distinct valid options of a response, in order."""
        if not isinstance(response, list):
            return []
        return sorted({i for v in response if (i := as_index(v, len(self.options))) is not None})

    def grade(self, response: Any) -> Grade:
        picked = self._picked(response)
        right = sum(o.correct for o in self.options) or 1
        share = self.points / right
        # Summed in option order, so the browser's grader adds the same floats in the same order.
        earned = sum(share if self.options[i].correct else -share for i in picked)
        feedback = tuple(
            self.options[i].feedback_html for i in picked if self.options[i].feedback_html
        )
        return Grade(max(0.0, min(self.points, earned)), self.points, feedback)

    def answer_key(self) -> tuple[Any, ...]:
        return (tuple(o.correct for o in self.options),)

    def correct_response(self) -> Any:
        return [i for i, o in enumerate(self.options) if o.correct]

    def client_key(self) -> dict[str, Any]:
        return {"correct": [o.correct for o in self.options]}

    def interaction_response(self, response: Any, fmt: InteractionFormat) -> str | None:
        picked = self._picked(response)
        return fmt.separator.join(choice_id(i) for i in picked) if picked else None
