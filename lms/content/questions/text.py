"""Short-text questions: several accepted `= answer` lines, matched loosely by default."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any

from lms.content.blocks import RawQuestion
from lms.content.questions.base import BuildContext, FormValues, Grade, Question
from lms.content.questions.interaction import InteractionFormat, fill_in_text

MAX_RESPONSE_LENGTH = 500
_TRAILING = re.compile(r"[\s.,;:!?¡¿\"'«»“”]+$")
_LEADING = re.compile(r"^[\s¡¿\"'«»“”]+")


def loose(text: str) -> str:
    """Fold case, accents, spacing and surrounding punctuation, so 'Asílo.' matches 'asilo'."""
    decomposed = unicodedata.normalize("NFKD", text)
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    bare = _TRAILING.sub("", _LEADING.sub("", bare))
    return " ".join(bare.casefold().split())


@dataclass(frozen=True)
class ShortText(Question):
    """Any accepted answer earns full points."""

    type_name = "text"
    answer_kinds = frozenset({"value"})
    interaction_type = "fill-in"
    accepted: tuple[str, ...] = ()
    exact: bool = False

    @classmethod
    def build(cls, raw: RawQuestion, ctx: BuildContext) -> Question | None:
        accepted = tuple(a.text for a in raw.answers if a.text)
        if len(accepted) != len(raw.answers) or not accepted:
            ctx.log.add(
                raw.line, f"question {raw.id} has an empty accepted answer: write '= answer'"
            )
        match = raw.attrs.get("match", "loose")
        if match not in ("loose", "exact"):
            ctx.log.add(raw.line, f"match must be 'loose' or 'exact', not '{match}'")
        return cls(**cls.common(raw, ctx), accepted=accepted, exact=match == "exact")

    def _key(self, text: str) -> str:
        return text.strip() if self.exact else loose(text)

    def read_response(self, values: FormValues) -> Any:
        given = values(self.field())
        return given[0].strip()[:MAX_RESPONSE_LENGTH] if given else ""

    def grade(self, response: Any) -> Grade:
        if not isinstance(response, str) or not response.strip():
            return Grade(0.0, self.points)
        right = self._key(response) in {self._key(a) for a in self.accepted}
        return Grade(self.points if right else 0.0, self.points)

    def answer_key(self) -> tuple[Any, ...]:
        # Accepted answers are words of each language; only the matching rule must agree.
        return (self.exact,)

    def correct_response(self) -> Any:
        return self.accepted[0] if self.accepted else ""

    def client_key(self) -> dict[str, Any]:
        return {"accepted": list(self.accepted), "exact": self.exact}

    def interaction_response(self, response: Any, fmt: InteractionFormat) -> str | None:
        if not isinstance(response, str) or not response.strip():
            return None
        return fill_in_text(response.strip(), fmt) or None

    def interaction_patterns(self, fmt: InteractionFormat) -> tuple[str, ...]:
        # One pattern per accepted answer: any of them is a correct response.
        patterns = (self.interaction_response(a, fmt) for a in self.accepted)
        return tuple(dict.fromkeys(p for p in patterns if p))
