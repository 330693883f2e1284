"""What the review of a quiz attempt shows the learner, and from when: a quiz's review options.

A quiz's front matter may say, for each part of the review, from which moment the learner sees
it (Moodle's "review options", with moments that suit a quiz without a closing date):

    review:
      correctness: immediately
      marks: immediately
      feedback: immediately
      right_answer: after_passing_or_last_attempt
      explanation: after_passing_or_last_attempt

The rule is applied whenever a review is shown, to every attempt alike: a learner who passes on
the third attempt then sees the right answers of the first two as well. The SCO's runtime
(scorm_export/sco/runtime/review.js) applies the same rule; tests/fixtures/review_cases.json
holds the cases both must agree on.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from lms.content.problems import ProblemLog

ITEMS = ("correctness", "marks", "feedback", "right_answer", "explanation")
"""The parts of a review, as the front matter names them:

- correctness: whether each question (and each chosen option, pair or item) is right;
- marks: the points the learner earned on each question;
- feedback: the feedback written under the options and answers the learner gave;
- right_answer: the right options, accepted answers, pairs or order;
- explanation: each question's general explanation (its `> [!NOTE]`).
"""

MOMENTS = (
    "immediately",
    "after_passing",
    "after_last_attempt",
    "after_passing_or_last_attempt",
    "never",
)
"""From when a part is shown:

- immediately: from the moment an attempt is submitted;
- after_passing: once the learner has passed the quiz (any attempt reached the pass mark);
- after_last_attempt: once the learner has no attempt left (with extra attempts an instructor
  granted counted in; a quiz with unlimited attempts never gets there);
- after_passing_or_last_attempt: whichever of the two comes first;
- never.
"""

REVIEW_FIELD = "review"


@dataclass(frozen=True)
class Standing:
    """Where a learner stands in a quiz when a review is shown."""

    passed: bool
    attempts_left: int | None  # None: unlimited


def reached(moment: str, standing: Standing) -> bool:
    """Whether a learner at `standing` has reached `moment`."""
    out_of_attempts = standing.attempts_left == 0
    return {
        "immediately": True,
        "after_passing": standing.passed,
        "after_last_attempt": out_of_attempts,
        "after_passing_or_last_attempt": standing.passed or out_of_attempts,
        "never": False,
    }[moment]


@dataclass(frozen=True)
class Shown:
    """Which parts of a review may be on the page; a part not shown is left out of the HTML."""

    correctness: bool = True
    marks: bool = True
    feedback: bool = True
    right_answer: bool = True
    explanation: bool = True

    @property
    def names(self) -> tuple[str, ...]:
        """The parts shown, in ITEMS order."""
        return tuple(item for item in ITEMS if getattr(self, item))


EVERYTHING = Shown()
"""What instructors and knowledge checks show: every part."""


@dataclass(frozen=True)
class ReviewOptions:
    """From when each part of a quiz's review is shown (the default when the quiz says nothing)."""

    correctness: str = "immediately"
    marks: str = "immediately"
    feedback: str = "immediately"
    right_answer: str = "after_passing_or_last_attempt"
    explanation: str = "after_passing_or_last_attempt"

    def shown(self, standing: Standing) -> Shown:
        """The parts a learner at `standing` sees."""
        return Shown(**{item: reached(getattr(self, item), standing) for item in ITEMS})

    def coming(self, standing: Standing) -> tuple[tuple[str, tuple[str, ...]], ...]:
        """The parts hidden now that a later moment will show, grouped by that moment.

        Each moment is named as the learner will reach it: "after_passing" (by passing),
        "after_last_attempt" (by using every attempt) or "after_passing_or_last_attempt"; a
        part that no moment can show any more (never, or out of attempts without passing, or
        the last attempt of a quiz with unlimited attempts) is not listed.
        """
        can_pass = not standing.passed and standing.attempts_left != 0
        unlimited = standing.attempts_left is None
        later: dict[str, list[str]] = {}
        for item in ITEMS:
            moment = getattr(self, item)
            if reached(moment, standing) or moment == "never":
                continue
            if moment == "after_passing_or_last_attempt" and unlimited:
                moment = "after_passing"
            if moment == "after_passing" and not can_pass:
                continue
            if moment == "after_last_attempt" and unlimited:
                continue
            later.setdefault(moment, []).append(item)
        return tuple((moment, tuple(later[moment])) for moment in MOMENTS if moment in later)

    def as_dict(self) -> dict[str, str]:
        """Item → moment, in ITEMS order (JSON-ready, as the SCO's runtime reads it)."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


DEFAULT_REVIEW = ReviewOptions()


def _suggestion(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def read_review(meta: Mapping[str, Any], lines: list[str], log: ProblemLog) -> ReviewOptions:
    """The quiz's review options from its front matter, reporting anything the checker refuses.

    `lines` are the file's lines, so that a problem points at the line that has it.
    """
    raw = meta.get(REVIEW_FIELD)
    if raw is None:
        return DEFAULT_REVIEW
    review_line = field_line(lines)
    if not isinstance(raw, dict):
        log.add(
            review_line,
            "front matter: under 'review:' write one indented 'item: when' line per part of the "
            f"review, such as '  right_answer: after_passing' (items: {', '.join(ITEMS)})",
        )
        return DEFAULT_REVIEW
    chosen: dict[str, str] = {}
    for item, moment in raw.items():
        line = _line_of(lines, str(item), review_line, indented=True) or review_line
        if item not in ITEMS:
            log.add(
                line,
                f"front matter: unknown review item '{item}'{_suggestion(str(item), ITEMS)}: "
                f"write one of {', '.join(ITEMS)}",
            )
        elif moment not in MOMENTS:
            log.add(
                line,
                f"front matter: review '{item}' cannot be shown '{moment}'"
                f"{_suggestion(str(moment), MOMENTS)}: write one of {', '.join(MOMENTS)}",
            )
        else:
            chosen[item] = moment
    return ReviewOptions(**chosen)


def field_line(lines: list[str]) -> int:
    """The line of a file's front matter where 'review:' is written (1 if it is not)."""
    return _line_of(lines, REVIEW_FIELD, 0, indented=False) or 1


def _line_of(lines: list[str], key: str, after: int, *, indented: bool) -> int | None:
    """The 1-based line of the front matter that starts `key:` (below line `after`), if any."""
    for number, line in enumerate(lines[after:], start=after + 1):
        stripped = line.lstrip()
        if number > 1 and stripped.rstrip() == "---":
            return None  # the end of the front matter
        if indented and stripped and stripped == line:
            return None  # the end of the indented block
        if (stripped != line) == indented and stripped.split(":", 1)[0].strip() == key:
            return number
    return None


def describe_difference(mine: ReviewOptions, theirs: ReviewOptions) -> str:
    """The items whose moment differs, as `item: here / there`."""
    return ", ".join(
        f"{item}: {getattr(mine, item)} here, {getattr(theirs, item)} there"
        for item in ITEMS
        if getattr(mine, item) != getattr(theirs, item)
    )
