"""Where the answer keys of a graded quiz sit: a learner must not score by position or length.

A test-wise learner picks "always B", "the longest option" or "always two boxes". The quiz fails
the check when one of these habits would score on more than half of the items it applies to;
docs/authoring.md ("Balanced answer keys") says why each threshold is where it is.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

from lms.content.model import QuizText
from lms.content.problems import ProblemLog
from lms.content.questions.choice import MultipleChoice, Option, SingleChoice

MIN_POSITION_ITEMS = 3  # single-choice items without shuffle, before position is judged
MIN_LONGEST_ITEMS = 4  # single-choice items, before "the key is the longest" is judged
MIN_MULTIPLE_ITEMS = 3  # multiple-response items, before their number of right answers is judged
LONGER_BY = 0.10  # the key counts as longest when it beats every other option by over 10 %
_TAG = re.compile(r"<[^>]*>")


def option_text(option: Option) -> str:
    """The text of an option as a learner reads it (markup removed)."""
    return " ".join(html.unescape(_TAG.sub("", option.html)).split())


def key_is_longest(question: SingleChoice) -> bool:
    """Whether the right option is longer than every other by more than LONGER_BY."""
    lengths = [len(option_text(o)) for o in question.options]
    keys = [i for i, o in enumerate(question.options) if o.correct]
    if len(keys) != 1 or len(lengths) < 2:
        return False
    key = lengths[keys[0]]
    return all(key > length * (1 + LONGER_BY) for i, length in enumerate(lengths) if i != keys[0])


@dataclass(frozen=True)
class KeyBalance:
    """The answer-key figures of one quiz file."""

    path: str
    positions: Counter[int]  # 1-based key position -> single-choice items, as written
    fixed_positions: Counter[int]  # the same, for the items shown in written order (no shuffle)
    longest: int  # single-choice items whose key is the longest option
    singles: int
    right_counts: Counter[int]  # right answers -> multiple-response items

    @property
    def fixed(self) -> int:
        """Single-choice items shown in written order."""
        return sum(self.fixed_positions.values())

    def summary(self) -> str:
        """One line for `lms check --stats`."""

        def spread(counts: Counter[int]) -> str:
            return " ".join(f"{k}:{n}" for k, n in sorted(counts.items())) or "-"

        return (
            f"{self.path}: single choice {self.singles} ({self.singles - self.fixed} shuffled), "
            f"key position {spread(self.positions)} (unshuffled {spread(self.fixed_positions)}), "
            f"key longest {self.longest}/{self.singles}; "
            f"multiple response {sum(self.right_counts.values())}, "
            f"right answers {spread(self.right_counts)}"
        )


def key_balance(quiz: QuizText) -> KeyBalance:
    """Count where the keys of `quiz` are."""
    singles = [q for q in quiz.questions if isinstance(q, SingleChoice)]
    positions = Counter(p for q in singles if (p := _key_position(q)))
    fixed = Counter(p for q in singles if not q.shuffle and (p := _key_position(q)))
    multiples = [q for q in quiz.questions if isinstance(q, MultipleChoice)]
    return KeyBalance(
        quiz.path,
        positions,
        fixed,
        sum(key_is_longest(q) for q in singles),
        len(singles),
        Counter(sum(o.correct for o in q.options) for q in multiples),
    )


def _key_position(question: SingleChoice) -> int | None:
    """The 1-based position of the right option as written (None if not exactly one)."""
    keys = [i for i, o in enumerate(question.options) if o.correct]
    return keys[0] + 1 if len(keys) == 1 else None


def _first_with_key_at(quiz: QuizText, position: int) -> int:
    return next(
        q.line
        for q in quiz.questions
        if isinstance(q, SingleChoice) and not q.shuffle and _key_position(q) == position
    )


def check_key_balance(quiz: QuizText, log: ProblemLog) -> KeyBalance:
    """Report the habits that would score on `quiz`; return its figures."""
    balance = key_balance(quiz)
    line = min((q.line for q in quiz.questions), default=1)
    if balance.fixed >= MIN_POSITION_ITEMS:
        position, count = balance.fixed_positions.most_common(1)[0]
        if count * 2 > balance.fixed:
            log.add(
                _first_with_key_at(quiz, position),
                f"the key is option {position} in {count} of the {balance.fixed} single-choice "
                "questions without shuffle: move some keys to other positions or add shuffle",
            )
    if balance.singles >= MIN_LONGEST_ITEMS and balance.longest * 2 > balance.singles:
        log.add(
            line,
            f"the key is the longest option in {balance.longest} of the {balance.singles} "
            "single-choice questions: lengthen some wrong options or shorten the keys",
        )
    multiples = sum(balance.right_counts.values())
    if multiples >= MIN_MULTIPLE_ITEMS and len(balance.right_counts) == 1:
        (right,) = balance.right_counts
        log.add(
            line,
            f"all {multiples} multiple-response questions have {right} right answer(s): "
            "vary the number of right answers",
        )
    return balance
