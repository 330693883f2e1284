"""Matching questions: `- left -> right` pairs, each right pair earning a share of the points."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from lms.content.blocks import RawQuestion
from lms.content.questions.base import BuildContext, FormValues, Grade, Question, as_index
from lms.content.questions.interaction import InteractionFormat, choice_id


@dataclass(frozen=True)
class Matching(Question):
    """Left items in authored order; right items offered sorted, so their keys reveal nothing."""

    type_name = "matching"
    answer_kinds = frozenset({"pair"})
    interaction_type = "matching"
    lefts_html: tuple[str, ...] = ()
    rights_html: tuple[str, ...] = ()  # sorted by their source text
    key: tuple[int, ...] = ()  # key[i]: index in rights_html of the right item for left i

    @classmethod
    def build(cls, raw: RawQuestion, ctx: BuildContext) -> Question | None:
        pairs = [(a.text, a.right) for a in raw.answers]
        if len(pairs) < 2:
            ctx.log.add(raw.line, f"question {raw.id} needs at least two '- left -> right' pairs")
        rights = sorted({right for _, right in pairs}, key=str.casefold)
        if len(rights) != len(pairs):
            ctx.log.add(raw.line, f"question {raw.id}: right-hand items must all be different")
        if len({left for left, _ in pairs}) != len(pairs):
            ctx.log.add(raw.line, f"question {raw.id}: left-hand items must all be different")
        return cls(
            **cls.common(raw, ctx),
            lefts_html=tuple(ctx.inline(left) for left, _ in pairs),
            rights_html=tuple(ctx.inline(r) for r in rights),
            key=tuple(rights.index(right) for _, right in pairs),
        )

    def read_response(self, values: FormValues) -> Any:
        chosen: list[int | None] = []
        for i in range(len(self.lefts_html)):
            given = values(self.field(str(i)))
            chosen.append(as_index(given[0], len(self.rights_html)) if given and given[0] else None)
        return chosen

    def is_answered(self, response: Any) -> bool:
        return isinstance(response, list) and any(r is not None for r in response)

    def grade(self, response: Any) -> Grade:
        if not isinstance(response, list):
            return Grade(0.0, self.points)
        right = sum(
            1
            for i, want in enumerate(self.key)
            if i < len(response)
            and response[i] is not None
            and as_index(response[i], len(self.rights_html)) == want
        )
        return Grade(self.points * right / len(self.key) if self.key else 0.0, self.points)

    def answer_key(self) -> tuple[Any, ...]:
        # Right items sort differently in each language; the pairing is by position.
        return (len(self.lefts_html),)

    def correct_response(self) -> Any:
        return list(self.key)

    def client_key(self) -> dict[str, Any]:
        return {"key": list(self.key), "rights": len(self.rights_html)}

    def interaction_response(self, response: Any, fmt: InteractionFormat) -> str | None:
        # Left items are numbered from 1, right items lettered: `1.c,2.a` (2004: `1[.]c[,]2[.]a`).
        if not isinstance(response, list):
            return None
        pairs = [
            f"{i + 1}{fmt.pair}{choice_id(right)}"
            for i, given in enumerate(response[: len(self.lefts_html)])
            if given is not None and (right := as_index(given, len(self.rights_html))) is not None
        ]
        return fmt.separator.join(pairs) or None
