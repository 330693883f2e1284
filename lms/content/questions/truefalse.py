"""True/false questions: `= true` or `= false`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms.content.blocks import RawQuestion
from lms.content.questions.base import BuildContext, FormValues, Grade, Question, feedback_html
from lms.content.questions.interaction import InteractionFormat


@dataclass(frozen=True)
class TrueFalse(Question):
    """A statement that is either true or false."""

    type_name = "truefalse"
    answer_kinds = frozenset({"value"})
    interaction_type = "true-false"
    answer: bool = True
    feedback_right_html: str = ""

    @classmethod
    def build(cls, raw: RawQuestion, ctx: BuildContext) -> Question | None:
        if len(raw.answers) != 1 or raw.answers[0].text.lower() not in ("true", "false"):
            ctx.log.add(
                raw.line,
                f"question {raw.id}: a true/false question has one line '= true' or '= false'",
            )
            return None
        answer = raw.answers[0]
        return cls(
            **cls.common(raw, ctx),
            answer=answer.text.lower() == "true",
            feedback_right_html=feedback_html(answer, ctx),
        )

    @staticmethod
    def looks_like(raw: RawQuestion) -> bool:
        """Whether a block of `=` lines is a true/false question."""
        return len(raw.answers) == 1 and raw.answers[0].text.lower() in ("true", "false")

    def read_response(self, values: FormValues) -> Any:
        chosen = values(self.field())
        return {"true": True, "false": False}.get(chosen[0]) if chosen else None

    def grade(self, response: Any) -> Grade:
        if not isinstance(response, bool):
            return Grade(0.0, self.points)
        right = response == self.answer
        feedback = (self.feedback_right_html,) if right and self.feedback_right_html else ()
        return Grade(self.points if right else 0.0, self.points, feedback)

    def answer_key(self) -> tuple[Any, ...]:
        return (self.answer,)

    def correct_response(self) -> Any:
        return self.answer

    def client_key(self) -> dict[str, Any]:
        return {"answer": self.answer}

    def interaction_response(self, response: Any, fmt: InteractionFormat) -> str | None:
        if not isinstance(response, bool):
            return None
        return fmt.true if response else fmt.false
