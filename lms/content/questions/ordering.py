"""Ordering questions: a numbered list in the right order, shown shuffled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms.content.blocks import RawQuestion
from lms.content.questions.base import BuildContext, FormValues, Grade, Question, as_index
from lms.content.questions.interaction import InteractionFormat, choice_id


@dataclass(frozen=True)
class Ordering(Question):
    """Items keyed by their sorted position, so the keys say nothing about the right order."""

    type_name = "order"
    answer_kinds = frozenset({"ordered"})
    interaction_type = "sequencing"
    items_html: tuple[str, ...] = ()  # sorted by their source text
    positions: tuple[int, ...] = ()  # positions[k]: 1-based right position of item k

    @classmethod
    def build(cls, raw: RawQuestion, ctx: BuildContext) -> Question | None:
        authored = [a.text for a in raw.answers]
        if len(authored) < 2:
            ctx.log.add(raw.line, f"question {raw.id} needs at least two numbered items")
        if len(set(authored)) != len(authored):
            ctx.log.add(raw.line, f"question {raw.id}: items must all be different")
        ordered = sorted(authored, key=str.casefold)
        return cls(
            **cls.common(raw, ctx),
            items_html=tuple(ctx.inline(i) for i in ordered),
            positions=tuple(authored.index(item) + 1 for item in ordered),
        )

    def read_response(self, values: FormValues) -> Any:
        chosen: list[int | None] = []
        for k in range(len(self.items_html)):
            given = values(self.field(str(k)))
            position = as_index(given[0], len(self.items_html) + 1) if given and given[0] else None
            chosen.append(position if position else None)
        return chosen

    def is_answered(self, response: Any) -> bool:
        return isinstance(response, list) and any(r is not None for r in response)

    def grade(self, response: Any) -> Grade:
        if not isinstance(response, list):
            return Grade(0.0, self.points)
        right = sum(
            1
            for k, want in enumerate(self.positions)
            if k < len(response)
            and response[k] is not None
            and as_index(response[k], len(self.positions) + 1) == want
        )
        return Grade(
            self.points * right / len(self.positions) if self.positions else 0.0, self.points
        )

    def answer_key(self) -> tuple[Any, ...]:
        return (len(self.items_html),)

    def correct_response(self) -> Any:
        return list(self.positions)

    def client_key(self) -> dict[str, Any]:
        return {"positions": list(self.positions)}

    def interaction_response(self, response: Any, fmt: InteractionFormat) -> str | None:
        # The items (lettered in their sorted order) listed in the order the learner gave them.
        if not isinstance(response, list):
            return None
        size = len(self.positions)
        placed = sorted(
            (position, k)
            for k, given in enumerate(response[:size])
            if given is not None and (position := as_index(given, size + 1))
        )
        return fmt.separator.join(choice_id(k) for _, k in placed) or None
