"""Quiz item analysis: Moodle's quiz statistics for every question of a quiz.

The definitions are those of Moodle's quiz statistics report, as its code computes them:
`question/classes/statistics/questions/calculator.php` (per question),
`mod/quiz/report/statistics/classes/calculator.php` (whole quiz) and
`mod/quiz/report/statistics/statistics_table.php` (how each is shown), which implement the
MoodleDocs page "Quiz statistics calculations":
https://docs.moodle.org/dev/Quiz_statistics_calculations

For one question: the s attempts that include it; x_a the points attempt a earned on it; max the
question's maximum points; T_a the attempt's total over the analysed questions; and
y_a = T_a - x_a, the attempt's score on the rest of the test.

    mean(x)     = Σ x_a / s
    facility    = 100 · mean(x) / max                          None if max = 0 or s = 0
    V(x)        = Σ (x_a - mean(x))² / (s - 1)                 the sample variance
    sd          = 100 · √V(x) / max                            None if s < 2 or max = 0
    C(x, y)     = Σ (x_a - mean(x)) · (y_a - mean(y)) / (s - 1)
    Cmax(x, y)  = Σ (x_(k) - mean(x)) · (y_(k) - mean(y)) / (s - 1)
                  where x_(k) and y_(k) are the k-th smallest x and the k-th smallest y: the
                  largest covariance these same marks could have, best paired with best
    discrimination index      = 100 · C(x, y) / √(V(x) · V(y))   None if s < 2 or V(x)·V(y) = 0
    discriminative efficiency = 100 · C(x, y) / Cmax(x, y)       None if s < 2 or Cmax = 0

The discrimination index is a correlation, so it lies in [-100, 100]. The efficiency is at most
100 but has no lower bound of -100: a badly paired skewed item can fall below it. Cmax is zero
exactly when V(x) or V(y) is (by the rearrangement inequality), so both are None together.
None stands where Moodle stores null and shows an empty cell; here it is shown as "—". One
difference: a question nobody attempted has facility None here, where Moodle divides 0 by max.

For the whole quiz, each attempt's percent is its total over the most its questions give; the
report gives their mean, median (the mean of the two middle ones for an even count) and sample
standard deviation (None below two attempts), as Moodle's quiz calculator does.

Flags: too easy, too hard, negative or poor discrimination and low efficiency, at the thresholds
below (each with its source); a statistic that is None raises no flag.

Attempts: by default each learner's first attempt only (the one with the lowest number), as
Moodle recommends, because later attempts build on earlier ones; `first_only=False` treats every
attempt as if a different learner made it.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import repeat
from operator import mul, sub
from typing import cast

TOO_EASY_FROM = 90.0
"""Facility (%) from which a question is too easy.

From the facility table of the Open University, which wrote Moodle's statistics report
(https://www.open.edu/openlearncreate/mod/oucontent/view.php?id=52746&section=4.2, the guidance
MoodleDocs' "Quiz report statistics" page summarises): 90-94 very easy, 95-100 extremely easy.
"""

TOO_HARD_UP_TO = 10.0
"""Facility (%) up to which a question is too hard: the same table's 6-10 very difficult and
5 or less "extremely difficult or something wrong with the question"."""

POOR_DISCRIMINATION_BELOW = 30.0
"""Discrimination index below which a question discriminates poorly.

Moodle's question bank shows "Needs checking? Very likely" below 30
(`NEED_FOR_REVISION_LOWER_THRESHOLD`, `question/bank/statistics/classes/helper.php`), and its
discrimination filter names 20-29 weak, 0-19 very weak and below 0 "question probably invalid".
"""

LOW_EFFICIENCY_BELOW = 15.0
"""Discriminative efficiency below which Moodle's report highlights a question as dubious
(`is_dubious_question` in `mod/quiz/report/statistics/statistics_table.php`)."""

NOT_COMPUTABLE = "—"
"""How a statistic that cannot be computed (None) is shown."""


class ItemAnalysisError(ValueError):
    """The questions or attempts given cannot be analysed as they are."""


class Flag(StrEnum):
    """A reason for an instructor to look at a question again."""

    TOO_EASY = "too easy"
    TOO_HARD = "too hard"
    NEGATIVE_DISCRIMINATION = "negative discrimination"
    POOR_DISCRIMINATION = "discriminates poorly"
    LOW_EFFICIENCY = "low discriminative efficiency"


@dataclass(frozen=True, slots=True)
class ItemSpec:
    """A question of the quiz and the most points it gives."""

    id: str
    max_points: float


@dataclass(frozen=True, slots=True)
class AttemptRecord:
    """One submitted attempt: points per question id and a short label of each answer given.

    A question missing from `scores` was not part of this attempt; an unanswered question that
    was part of it must be scored 0. A question missing from `responses` counts as no response.
    """

    user_id: int
    number: int
    scores: Mapping[str, float]
    responses: Mapping[str, str] = field(default_factory=dict)
    language: str = ""


@dataclass(frozen=True, slots=True)
class ResponseCount:
    """How often one answer was given; `label` None means no response, `share` is a percent."""

    label: str | None
    count: int
    share: float


@dataclass(frozen=True, slots=True)
class ItemStats:
    """Moodle's statistics for one question; every number is a percent, None if not computable."""

    id: str
    attempts: int
    facility: float | None
    sd: float | None
    discrimination_index: float | None
    discriminative_efficiency: float | None
    responses: tuple[ResponseCount, ...]
    flags: tuple[Flag, ...]


@dataclass(frozen=True, slots=True)
class QuizAnalysis:
    """The attempts analysed, the spread of their percents, and each question in quiz order."""

    attempts_used: int
    mean_percent: float | None
    median_percent: float | None
    sd_percent: float | None
    items: tuple[ItemStats, ...]


def analyse(
    questions: Sequence[ItemSpec], attempts: Iterable[AttemptRecord], *, first_only: bool = True
) -> QuizAnalysis:
    """Analyse the attempts at one quiz: each learner's first, or all of them."""
    checked = _checked(questions)
    chosen = first_attempts(attempts) if first_only else list(attempts)
    return _analyse(checked, chosen)


def analyse_by_language(
    questions: Sequence[ItemSpec], attempts: Iterable[AttemptRecord], *, first_only: bool = True
) -> dict[str, QuizAnalysis]:
    """Analyse the attempts at one quiz separately for each language they were taken in."""
    checked = _checked(questions)
    # The first attempt is chosen before grouping: a learner's second attempt, in another
    # language, still builds on the first one.
    chosen = first_attempts(attempts) if first_only else list(attempts)
    groups: dict[str, list[AttemptRecord]] = {}
    for attempt in chosen:
        groups.setdefault(attempt.language, []).append(attempt)
    return {language: _analyse(checked, groups[language]) for language in sorted(groups)}


def first_attempts(attempts: Iterable[AttemptRecord]) -> list[AttemptRecord]:
    """Each learner's attempt with the lowest number, in the order learners first appear."""
    first: dict[int, AttemptRecord] = {}
    for attempt in attempts:
        kept = first.get(attempt.user_id)
        if kept is None or attempt.number < kept.number:
            first[attempt.user_id] = attempt
    return list(first.values())


def flags_for(
    facility: float | None, discrimination: float | None, efficiency: float | None
) -> tuple[Flag, ...]:
    """The reasons to review a question with these statistics; None raises no flag."""
    flags: list[Flag] = []
    if facility is not None and facility >= TOO_EASY_FROM:
        flags.append(Flag.TOO_EASY)
    if facility is not None and facility <= TOO_HARD_UP_TO:
        flags.append(Flag.TOO_HARD)
    if discrimination is not None and discrimination < 0:
        flags.append(Flag.NEGATIVE_DISCRIMINATION)
    elif discrimination is not None and discrimination < POOR_DISCRIMINATION_BELOW:
        flags.append(Flag.POOR_DISCRIMINATION)
    if efficiency is not None and efficiency < LOW_EFFICIENCY_BELOW:
        flags.append(Flag.LOW_EFFICIENCY)
    return tuple(flags)


def shown(value: float | None, decimals: int = 2) -> str:
    """A statistic as text with fixed decimals, or the dash where it cannot be computed."""
    return NOT_COMPUTABLE if value is None else f"{value:.{decimals}f}"


def _checked(questions: Sequence[ItemSpec]) -> list[ItemSpec]:
    """The questions, once each, every maximum a finite number of points, zero or more."""
    seen: set[str] = set()
    for question in questions:
        if question.id in seen:
            raise ItemAnalysisError(
                f"Question {question.id!r} is listed twice: list each question of the quiz once."
            )
        seen.add(question.id)
        if not math.isfinite(question.max_points) or question.max_points < 0:
            raise ItemAnalysisError(
                f"Question {question.id!r} has maximum points {question.max_points!r}: "
                "give it a number of points of zero or more."
            )
    return list(questions)


def _analyse(questions: list[ItemSpec], attempts: list[AttemptRecord]) -> QuizAnalysis:
    """Gather each attempt's points, answers and total, then the statistics per question."""
    ids = [question.id for question in questions]
    # map() over the ids looks the values up in C, one attempt's dictionaries at a time: with
    # 20,000 attempts a Python expression per value costs several times as much.
    points = [list(map(attempt.scores.get, ids)) for attempt in attempts]
    answers = [list(map(attempt.responses.get, ids)) for attempt in attempts]
    point_columns = list(zip(*points, strict=True)) if points else [()] * len(ids)
    answer_columns = list(zip(*answers, strict=True)) if answers else [()] * len(ids)
    full = math.fsum(question.max_points for question in questions)
    totals: list[float] = []
    percents: list[float] = []
    used = 0
    for attempt, row in zip(attempts, points, strict=True):
        if row and None not in row:
            total, possible = sum(cast(list[float], row)), full
        else:  # some questions were not part of this attempt
            given = [
                (p, q.max_points) for p, q in zip(row, questions, strict=True) if p is not None
            ]
            if not given:
                totals.append(0.0)  # never read: no analysed question was in this attempt
                continue
            total = sum(p for p, _ in given)
            possible = math.fsum(top for _, top in given)
        # NaN and infinity carry into the total, so one test per attempt finds them all.
        if not math.isfinite(total):
            raise ItemAnalysisError(_not_finite(attempt, ids, row))
        used += 1
        totals.append(total)
        if possible > 0:
            percents.append(100 * total / possible)
    items = tuple(
        _item(question, column, labels, totals)
        for question, column, labels in zip(questions, point_columns, answer_columns, strict=True)
    )
    mean, median, sd = _spread(percents)
    return QuizAnalysis(used, mean, median, sd, items)


def _item(
    question: ItemSpec,
    column: Sequence[float | None],
    answers: Sequence[str | None],
    totals: list[float],
) -> ItemStats:
    """Facility, SD, discrimination index and efficiency of one question, as Moodle has them."""
    marks, rests, labels = _present(column, answers, totals)
    s = len(marks)
    top = question.max_points
    facility = 100 * sum(marks) / s / top if s and top else None
    sd, discrimination, efficiency = _discrimination(marks, rests, top)
    return ItemStats(
        id=question.id,
        attempts=s,
        facility=facility,
        sd=sd,
        discrimination_index=discrimination,
        discriminative_efficiency=efficiency,
        responses=_counts(Counter(labels), s),
        flags=flags_for(facility, discrimination, efficiency),
    )


def _discrimination(
    marks: list[float], rests: list[float], top: float
) -> tuple[float | None, float | None, float | None]:
    """SD of the marks, and how they go with the rest of the test: index and efficiency."""
    s = len(marks)
    if s < 2:
        return None, None, None
    if not _varies(marks):
        # Equal marks have no spread. Saying so outright avoids the rounding of a mean such as
        # (0.1 + 0.1 + 0.1) / 3, which would turn zero into noise and a meaningless ratio.
        return (0.0 if top else None), None, None
    mean_x = sum(marks) / s
    dx = list(map(sub, marks, repeat(mean_x, s)))
    var_x = sum(map(mul, dx, dx)) / (s - 1)
    sd = 100 * math.sqrt(var_x) / top if top else None
    if not _varies(rests):
        return sd, None, None
    mean_y = sum(rests) / s
    dy = list(map(sub, rests, repeat(mean_y, s)))
    var_y = sum(map(mul, dy, dy)) / (s - 1)
    cov = sum(map(mul, dx, dy)) / (s - 1)
    # Sorting the deviations sorts the marks: the k-th smallest of each, paired.
    cov_max = sum(map(mul, sorted(dx), sorted(dy))) / (s - 1)
    # Clamped only against rounding: a perfect correlation can come out as 100.0000001.
    discrimination = max(-100.0, min(100.0, 100 * cov / math.sqrt(var_x * var_y)))
    return sd, discrimination, min(100.0, 100 * cov / cov_max)


def _present(
    column: Sequence[float | None], answers: Sequence[str | None], totals: list[float]
) -> tuple[list[float], list[float], Sequence[str | None]]:
    """The question's marks, rest-of-test scores and answers in the attempts that include it."""
    if None not in column:  # the usual case, kept to C-level loops
        marks = cast(list[float], list(column))
        return marks, list(map(sub, totals, marks)), answers
    kept = [i for i, p in enumerate(column) if p is not None]
    marks = [cast(float, column[i]) for i in kept]
    return (
        marks,
        [totals[i] - m for i, m in zip(kept, marks, strict=True)],
        [answers[i] for i in kept],
    )


def _not_finite(attempt: AttemptRecord, ids: list[str], row: list[float | None]) -> str:
    """Say which attempt holds a score that is not a finite number, and which question."""
    where = f"Attempt {attempt.number} of learner {attempt.user_id}"
    for qid, points in zip(ids, row, strict=True):
        if points is not None and not math.isfinite(points):
            return f"{where} gives question {qid!r} {points!r} points: record a finite number."
    return f"{where} has a total too large to add up: check the points recorded for it."


def _varies(values: list[float]) -> bool:
    """Whether the values are not all the same."""
    return min(values) != max(values)


def _counts(answers: Counter[str | None], attempts: int) -> tuple[ResponseCount, ...]:
    """Each answer given with its count and percent: the most frequent first, then by label."""
    ordered = sorted(answers.items(), key=lambda pair: (-pair[1], pair[0] is None, pair[0] or ""))
    return tuple(ResponseCount(label, count, 100 * count / attempts) for label, count in ordered)


def _spread(percents: list[float]) -> tuple[float | None, float | None, float | None]:
    """Mean, median and sample standard deviation of the attempts' percents."""
    n = len(percents)
    if not n:
        return None, None, None
    mean = math.fsum(percents) / n
    ordered = sorted(percents)
    middle = n // 2
    median = ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2
    sd = math.sqrt(math.fsum((p - mean) ** 2 for p in percents) / (n - 1)) if n > 1 else None
    return mean, median, sd
