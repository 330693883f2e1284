"""Quiz item analysis: every statistic against arithmetic done by hand, and its limits."""

from __future__ import annotations

import itertools
import math
import random
import statistics

import pytest

from lms.reports.item_analysis import (
    AttemptRecord,
    Flag,
    ItemAnalysisError,
    ItemSpec,
    ItemStats,
    QuizAnalysis,
    ResponseCount,
    analyse,
    analyse_by_language,
    first_attempts,
    flags_for,
    shown,
)

QUESTIONS = [ItemSpec("q1", 1), ItemSpec("q2", 2), ItemSpec("q3", 1)]

# Six learners, one first attempt each:
#
#   user  q1 (max 1)  q2 (max 2)  q3 (max 1)  total (max 4)  percent  answer to q1
#    1        1           2           1            4           100       B
#    2        1           2           1            4           100       B
#    3        1           0           1            2            50       B
#    4        0           1           1            2            50       A
#    5        0           1           1            2            50       C
#    6        0           0           1            1            25       (none)
FIRST = [
    AttemptRecord(1, 1, {"q1": 1, "q2": 2, "q3": 1}, {"q1": "B", "q3": "True"}),
    AttemptRecord(2, 1, {"q1": 1, "q2": 2, "q3": 1}, {"q1": "B", "q3": "True"}),
    AttemptRecord(3, 1, {"q1": 1, "q2": 0, "q3": 1}, {"q1": "B", "q3": "True"}),
    AttemptRecord(4, 1, {"q1": 0, "q2": 1, "q3": 1}, {"q1": "A", "q3": "True"}),
    AttemptRecord(5, 1, {"q1": 0, "q2": 1, "q3": 1}, {"q1": "C", "q3": "True"}),
    AttemptRecord(6, 1, {"q1": 0, "q2": 0, "q3": 1}, {"q3": "True"}),
]
# Two later attempts; learner 6's second comes first in the list, as rows may.
#
#   user  number  q1  q2  q3  total  percent
#    6      2      1   1   1     3      75
#    4      2      1   2   1     4     100
LATER = [
    AttemptRecord(6, 2, {"q1": 1, "q2": 1, "q3": 1}, {"q1": "B", "q3": "True"}),
    AttemptRecord(4, 2, {"q1": 1, "q2": 2, "q3": 1}, {"q1": "B", "q3": "True"}),
]
ATTEMPTS = LATER[:1] + FIRST + LATER[1:]


def by_id(analysis: QuizAnalysis) -> dict[str, ItemStats]:
    return {item.id: item for item in analysis.items}


def test_question_one_by_hand() -> None:
    # x = 1 1 1 0 0 0; the rest of the test y = total - x = 3 3 1 2 2 1.
    # facility = 100 · (3 / 6) / 1 = 50.
    # dx = ±0.5, Σdx² = 6 · 0.25 = 1.5, V(x) = 1.5 / 5 = 0.3, sd = 100 · √0.3 / 1 = 54.772.
    # mean(y) = 12 / 6 = 2, dy = 1 1 -1 0 0 -1, Σdy² = 4, V(y) = 4 / 5 = 0.8.
    # Σdx·dy = 0.5 + 0.5 - 0.5 + 0 + 0 + 0.5 = 1, C = 1 / 5 = 0.2.
    # discrimination index = 100 · 0.2 / √(0.3 · 0.8) = 100 · 0.2 / √0.24 = 40.825.
    # Sorted: x 0 0 0 1 1 1 (dx -.5 -.5 -.5 .5 .5 .5), y 1 1 2 2 3 3 (dy -1 -1 0 0 1 1):
    # Σ = .5 + .5 + 0 + 0 + .5 + .5 = 2, Cmax = 2 / 5 = 0.4; efficiency = 100 · 0.2 / 0.4 = 50.
    q1 = by_id(analyse(QUESTIONS, ATTEMPTS))["q1"]
    assert q1.attempts == 6
    assert q1.facility == pytest.approx(50)
    assert q1.sd == pytest.approx(100 * math.sqrt(0.3)) == pytest.approx(54.772256)
    assert q1.discrimination_index == pytest.approx(100 * 0.2 / math.sqrt(0.24))
    assert q1.discrimination_index == pytest.approx(40.824829)
    assert q1.discriminative_efficiency == pytest.approx(50)
    assert q1.flags == ()


def test_question_two_by_hand() -> None:
    # x = 2 2 0 1 1 0 out of 2; the rest y = q1 + q3 = 2 2 2 1 1 1.
    # facility = 100 · (6 / 6) / 2 = 50.
    # dx = 1 1 -1 0 0 -1, Σdx² = 4, V(x) = 0.8, sd = 100 · √0.8 / 2 = 44.721.
    # mean(y) = 9 / 6 = 1.5, dy = ±0.5, V(y) = 1.5 / 5 = 0.3.
    # Σdx·dy = 0.5 + 0.5 - 0.5 + 0 + 0 + 0.5 = 1, C = 0.2; index = 100 · 0.2 / √0.24 = 40.825.
    # Sorted: x 0 0 1 1 2 2 (dx -1 -1 0 0 1 1), y 1 1 1 2 2 2 (dy -.5 -.5 -.5 .5 .5 .5):
    # Σ = .5 + .5 + 0 + 0 + .5 + .5 = 2, Cmax = 0.4; efficiency = 100 · 0.2 / 0.4 = 50.
    q2 = by_id(analyse(QUESTIONS, ATTEMPTS))["q2"]
    assert q2.facility == pytest.approx(50)
    assert q2.sd == pytest.approx(100 * math.sqrt(0.8) / 2) == pytest.approx(44.721360)
    assert q2.discrimination_index == pytest.approx(40.824829)
    assert q2.discriminative_efficiency == pytest.approx(50)
    assert q2.flags == ()


def test_question_everyone_got_right_has_no_discrimination() -> None:
    # x = 1 1 1 1 1 1: facility 100; V(x) = 0, so sd = 0 (it exists: s = 6 > 1) while
    # V(x)·V(y) = 0 and Cmax = 0 make index and efficiency not computable (Moodle's null).
    q3 = by_id(analyse(QUESTIONS, ATTEMPTS))["q3"]
    assert q3.facility == pytest.approx(100)
    assert q3.sd == 0
    assert q3.discrimination_index is None
    assert q3.discriminative_efficiency is None
    assert q3.flags == (Flag.TOO_EASY,)
    assert q3.flags == ("too easy",)


def test_whole_quiz_by_hand() -> None:
    # Percents 100 100 50 50 50 25: mean = 375 / 6 = 62.5; median = (50 + 50) / 2 = 50.
    # Deviations 37.5 37.5 -12.5 -12.5 -12.5 -37.5: squares 3 · 1406.25 + 3 · 156.25 = 4687.5,
    # sd = √(4687.5 / 5) = √937.5 = 30.619.
    quiz = analyse(QUESTIONS, ATTEMPTS)
    assert quiz.attempts_used == 6
    assert quiz.mean_percent == pytest.approx(62.5)
    assert quiz.median_percent == pytest.approx(50)
    assert quiz.sd_percent == pytest.approx(math.sqrt(937.5)) == pytest.approx(30.618622)
    assert [item.id for item in quiz.items] == ["q1", "q2", "q3"]


def test_all_attempts_count_each_attempt_as_another_learner() -> None:
    # Eight attempts. q1: x = 1 1 1 0 0 0 + 1 1 → facility = 100 · 5 / 8 = 62.5.
    # Percents 100 100 50 50 50 25 + 75 100: mean = 550 / 8 = 68.75;
    # sorted 25 50 50 50 75 100 100 100: median = (50 + 75) / 2 = 62.5.
    quiz = analyse(QUESTIONS, ATTEMPTS, first_only=False)
    assert quiz.attempts_used == 8
    assert by_id(quiz)["q1"].attempts == 8
    assert by_id(quiz)["q1"].facility == pytest.approx(62.5)
    assert quiz.mean_percent == pytest.approx(68.75)
    assert quiz.median_percent == pytest.approx(62.5)


def test_first_attempt_is_the_lowest_number_whatever_the_order() -> None:
    chosen = first_attempts(ATTEMPTS)
    assert sorted((a.user_id, a.number) for a in chosen) == [(u, 1) for u in range(1, 7)]
    # A learner whose attempt 1 is gone still counts, with the lowest number left.
    rows = [AttemptRecord(9, 3, {"q1": 1}), AttemptRecord(9, 2, {"q1": 0})]
    assert [a.number for a in first_attempts(rows)] == [2]


def test_response_counts_and_shares() -> None:
    # q1 answers: B B B A C and one without answer: 3 / 6 = 50 %, then 1 / 6 = 16.67 % each;
    # most frequent first, ties by label, no response last.
    q1 = by_id(analyse(QUESTIONS, ATTEMPTS))["q1"]
    assert [(r.label, r.count) for r in q1.responses] == [("B", 3), ("A", 1), ("C", 1), (None, 1)]
    assert [r.share for r in q1.responses] == pytest.approx([50, 100 / 6, 100 / 6, 100 / 6])
    q3 = by_id(analyse(QUESTIONS, ATTEMPTS, first_only=False))["q3"]
    assert q3.responses == (ResponseCount("True", 8, 100.0),)
    assert sum(r.share for r in q1.responses) == pytest.approx(100)


def test_negative_discrimination_and_efficiency_below_minus_one_hundred() -> None:
    # x = 1 0 0, rest y = 0 1 1: mean(x) = 1/3, mean(y) = 2/3.
    # dx = 2/3 -1/3 -1/3, dy = -2/3 1/3 1/3: Σdx² = Σdy² = 6/9, Σdx·dy = -4/9 - 1/9 - 1/9 = -6/9,
    # so index = 100 · (-6/9) / √(6/9 · 6/9) = -100 (the (s - 1) cancels).
    # Sorted: x 0 0 1 (dx -1/3 -1/3 2/3), y 0 1 1 (dy -2/3 1/3 1/3): Σ = 2/9 - 1/9 + 2/9 = 3/9,
    # efficiency = 100 · (-6/9) / (3/9) = -200: it has no lower bound of -100.
    questions = [ItemSpec("a", 1), ItemSpec("b", 1)]
    rows = [
        AttemptRecord(1, 1, {"a": 1, "b": 0}),
        AttemptRecord(2, 1, {"a": 0, "b": 1}),
        AttemptRecord(3, 1, {"a": 0, "b": 1}),
    ]
    a = by_id(analyse(questions, rows))["a"]
    assert a.facility == pytest.approx(100 / 3)
    assert a.discrimination_index == pytest.approx(-100)
    assert a.discriminative_efficiency == pytest.approx(-200)
    assert a.flags == (Flag.NEGATIVE_DISCRIMINATION, Flag.LOW_EFFICIENCY)


@pytest.mark.parametrize(
    ("questions", "rows", "expected"),
    [
        pytest.param(
            [ItemSpec("only", 1)],
            [AttemptRecord(u, 1, {"only": u % 2}) for u in range(4)],
            {"facility": 50.0, "sd": pytest.approx(100 * math.sqrt(1 / 3)), "di": None},
            id="one-question quiz: the rest of the test is always 0",
        ),
        pytest.param(
            [ItemSpec("q", 1), ItemSpec("r", 1)],
            [AttemptRecord(1, 1, {"q": 1, "r": 0})],
            {"facility": 100.0, "sd": None, "di": None},
            id="a single attempt has no sample variance",
        ),
        pytest.param(
            [ItemSpec("q", 0), ItemSpec("r", 1)],
            [AttemptRecord(1, 1, {"q": 0, "r": 0}), AttemptRecord(2, 1, {"q": 0, "r": 1})],
            {"facility": None, "sd": None, "di": None},
            id="a question worth no points",
        ),
        pytest.param(
            [ItemSpec("q", 1), ItemSpec("r", 1)],
            [AttemptRecord(u, 1, {"q": 0.1, "r": u % 2}) for u in range(3)],
            {"facility": pytest.approx(10), "sd": 0.0, "di": None},
            id="equal marks whose mean rounds: still zero variance",
        ),
        pytest.param(
            [ItemSpec("q", 1), ItemSpec("r", 1)],
            [],
            {"facility": None, "sd": None, "di": None},
            id="nobody attempted the quiz",
        ),
    ],
)
def test_statistics_that_cannot_be_computed_are_none(
    questions: list[ItemSpec], rows: list[AttemptRecord], expected: dict[str, object]
) -> None:
    item = analyse(questions, rows).items[0]
    assert item.facility == expected["facility"]
    assert item.sd == expected["sd"]
    assert item.discrimination_index is expected["di"]
    assert item.discriminative_efficiency is expected["di"]


def test_an_empty_analysis_has_no_quiz_statistics() -> None:
    quiz = analyse(QUESTIONS, [])
    assert (quiz.attempts_used, quiz.mean_percent, quiz.median_percent, quiz.sd_percent) == (
        0,
        None,
        None,
        None,
    )
    assert all(item.attempts == 0 and item.responses == () for item in quiz.items)
    one = analyse(QUESTIONS, FIRST[:1])
    assert (one.mean_percent, one.median_percent, one.sd_percent) == (100, 100, None)


def test_a_question_missing_from_an_attempt_was_not_in_it() -> None:
    # Learner 2's attempt had only q1: its percent is 0 / 1 and q2 counts 2 attempts.
    # Learner 4's attempt had none of these questions and is left out.
    # Percents: 2/2 = 100, 0/1 = 0, 1/2 = 50: mean = 50. q2: x = 1 0, facility = 50.
    questions = [ItemSpec("q1", 1), ItemSpec("q2", 1)]
    rows = [
        AttemptRecord(1, 1, {"q1": 1, "q2": 1}),
        AttemptRecord(2, 1, {"q1": 0}),
        AttemptRecord(3, 1, {"q1": 1, "q2": 0}),
        AttemptRecord(4, 1, {"elsewhere": 1}),
    ]
    quiz = analyse(questions, rows)
    assert quiz.attempts_used == 3
    assert quiz.mean_percent == pytest.approx(50)
    assert [item.attempts for item in quiz.items] == [3, 2]
    assert by_id(quiz)["q2"].facility == pytest.approx(50)


@pytest.mark.parametrize(
    ("facility", "discrimination", "efficiency", "flags"),
    [
        (50, 50, 50, ()),
        (90, 50, 50, (Flag.TOO_EASY,)),
        (89.99, 50, 50, ()),
        (10, 50, 50, (Flag.TOO_HARD,)),
        (10.01, 50, 50, ()),
        (50, 29.99, 50, (Flag.POOR_DISCRIMINATION,)),
        (50, 30, 50, ()),
        (50, 0, 50, (Flag.POOR_DISCRIMINATION,)),
        (50, -0.01, 50, (Flag.NEGATIVE_DISCRIMINATION,)),
        (50, 50, 14.99, (Flag.LOW_EFFICIENCY,)),
        (50, 50, 15, ()),
        (95, 10, 5, (Flag.TOO_EASY, Flag.POOR_DISCRIMINATION, Flag.LOW_EFFICIENCY)),
        (None, None, None, ()),
    ],
)
def test_flags_follow_moodles_thresholds(
    facility: float | None,
    discrimination: float | None,
    efficiency: float | None,
    flags: tuple[Flag, ...],
) -> None:
    assert flags_for(facility, discrimination, efficiency) == flags


def random_quiz(seed: int) -> tuple[list[ItemSpec], list[AttemptRecord]]:
    """Six attempts at three questions with partial credit, some columns constant by chance."""
    rng = random.Random(seed)
    questions = [ItemSpec("a", 1), ItemSpec("b", 2), ItemSpec("c", 3)]
    rows = [
        AttemptRecord(u, 1, {q.id: q.max_points * rng.choice([0, 0.5, 1]) for q in questions})
        for u in range(6)
    ]
    return questions, rows


@pytest.mark.parametrize("seed", range(40))
def test_discrimination_is_a_correlation_and_efficiency_uses_the_best_pairing(seed: int) -> None:
    questions, rows = random_quiz(seed)
    for item in analyse(questions, rows).items:
        marks = [r.scores[item.id] for r in rows]
        rests = [sum(r.scores.values()) - r.scores[item.id] for r in rows]
        if len(set(marks)) == 1 or len(set(rests)) == 1:
            assert item.discrimination_index is None and item.discriminative_efficiency is None
            continue
        assert item.discrimination_index is not None and item.discriminative_efficiency is not None
        assert -100 <= item.discrimination_index <= 100
        assert item.discrimination_index == pytest.approx(
            100 * statistics.correlation(marks, rests)
        )
        # Cmax by brute force: the largest covariance over every pairing of marks with rests.
        dx = [x - statistics.fmean(marks) for x in marks]
        dy = [y - statistics.fmean(rests) for y in rests]
        best = max(
            sum(a * b for a, b in zip(dx, order, strict=True))
            for order in itertools.permutations(dy)
        )
        covariance = sum(a * b for a, b in zip(dx, dy, strict=True))
        assert item.discriminative_efficiency == pytest.approx(100 * covariance / best)
        assert item.discriminative_efficiency <= 100


@pytest.mark.parametrize(
    ("questions", "rows", "where"),
    [
        ([ItemSpec("q1", 1), ItemSpec("q1", 2)], [], "Question 'q1' is listed twice"),
        ([ItemSpec("q1", -1)], [], "Question 'q1' has maximum points -1"),
        ([ItemSpec("q1", math.nan)], [], "Question 'q1' has maximum points nan"),
        (
            [ItemSpec("q1", 1), ItemSpec("q2", 1)],
            [AttemptRecord(7, 3, {"q1": 1, "q2": math.nan})],
            "Attempt 3 of learner 7 gives question 'q2' nan points",
        ),
        (
            [ItemSpec("q1", 1)],
            [AttemptRecord(7, 1, {"q1": math.inf})],
            "Attempt 1 of learner 7 gives question 'q1' inf points",
        ),
    ],
)
def test_what_cannot_be_analysed_says_where(
    questions: list[ItemSpec], rows: list[AttemptRecord], where: str
) -> None:
    with pytest.raises(ItemAnalysisError, match=where):
        analyse(questions, rows)


def test_analysis_by_language_splits_the_first_attempts() -> None:
    # Learner 1 took the quiz first in Spanish, then in English: only the Spanish attempt is a
    # first attempt. Learner 2 took it once, in English.
    rows = [
        AttemptRecord(1, 1, {"q1": 1, "q2": 0, "q3": 1}, language="es"),
        AttemptRecord(1, 2, {"q1": 1, "q2": 2, "q3": 1}, language="en"),
        AttemptRecord(2, 1, {"q1": 0, "q2": 1, "q3": 1}, language="en"),
    ]
    first = analyse_by_language(QUESTIONS, rows)
    assert list(first) == ["en", "es"]
    assert first["es"].attempts_used == 1 and first["en"].attempts_used == 1
    assert by_id(first["en"])["q1"].facility == 0
    every = analyse_by_language(QUESTIONS, rows, first_only=False)
    assert every["en"].attempts_used == 2
    assert by_id(every["en"])["q1"].facility == pytest.approx(50)


@pytest.mark.parametrize(
    ("value", "text"), [(None, "—"), (40.824829, "40.82"), (-200.0, "-200.00"), (0.0, "0.00")]
)
def test_statistics_are_shown_with_a_dash_when_not_computable(
    value: float | None, text: str
) -> None:
    assert shown(value) == text


def test_a_cohort_of_two_thousand_with_ten_attempts_each_is_analysed_whole() -> None:
    """Every attempt counts once (speed is measured by bench/, not asserted here)."""
    rng = random.Random(14)
    questions = [ItemSpec(f"q{i}", 1 + i % 3) for i in range(14)]
    rows = []
    for user in range(2000):
        ability = rng.random()
        for number in range(1, 11):
            scores = {q.id: q.max_points * (rng.random() < ability) for q in questions}
            answers = {q.id: rng.choice("ABCD") for q in questions}
            rows.append(AttemptRecord(user, number, scores, answers, rng.choice(["es", "en"])))
    rng.shuffle(rows)
    for first_only, attempts in [(True, 2000), (False, 20000)]:
        quiz = analyse(questions, rows, first_only=first_only)
        assert quiz.attempts_used == attempts
        assert all(item.attempts == attempts for item in quiz.items)
