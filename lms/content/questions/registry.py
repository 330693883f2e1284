"""The question-type registry: one class per type, found by name or by the answers' shape."""

from __future__ import annotations

from lms.content.blocks import RawQuestion
from lms.content.questions.base import BuildContext, Question
from lms.content.questions.choice import MultipleChoice, SingleChoice
from lms.content.questions.matching import Matching
from lms.content.questions.numeric import Numeric
from lms.content.questions.ordering import Ordering
from lms.content.questions.text import ShortText
from lms.content.questions.truefalse import TrueFalse

QUESTION_TYPES: dict[str, type[Question]] = {}


def register(question_type: type[Question]) -> type[Question]:
    """Make a question type available to content; a new type is one class and this call."""
    QUESTION_TYPES[question_type.type_name] = question_type
    return question_type


for _type in (SingleChoice, MultipleChoice, TrueFalse, ShortText, Numeric, Matching, Ordering):
    register(_type)


def _infer(raw: RawQuestion) -> str | None:
    kinds = {a.kind for a in raw.answers}
    if kinds == {"radio"}:
        return "single"
    if kinds == {"check"}:
        return "multiple"
    if kinds == {"pair"}:
        return "matching"
    if kinds == {"ordered"}:
        return "order"
    if kinds == {"value"}:
        if TrueFalse.looks_like(raw):
            return "truefalse"
        return "numeric" if Numeric.looks_like(raw) else "text"
    return None


def build_question(raw: RawQuestion, ctx: BuildContext) -> Question | None:
    """Build a question of the declared or inferred type, reporting what does not fit."""
    if not raw.answers:
        ctx.log.add(
            raw.line,
            f"question {raw.id} has no answers: see docs/authoring.md for "
            "the answer syntax of each type",
        )
        return None
    name = raw.attrs.get("type") or _infer(raw)
    if name is None:
        kinds = ", ".join(sorted({a.kind for a in raw.answers}))
        ctx.log.add(
            raw.line,
            f"question {raw.id} mixes kinds of answers ({kinds}); use one kind per question",
        )
        return None
    question_type = QUESTION_TYPES.get(name)
    if question_type is None:
        ctx.log.add(
            raw.line, f"unknown question type '{name}' (known: {', '.join(sorted(QUESTION_TYPES))})"
        )
        return None
    wrong = [a for a in raw.answers if a.kind not in question_type.answer_kinds]
    for answer in wrong:
        ctx.log.add(answer.line, f"this line does not belong in a '{name}' question")
    return None if wrong else question_type.build(raw, ctx)
