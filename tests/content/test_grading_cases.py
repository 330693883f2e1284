"""The Python graders give the scores and SCORM responses of the shared fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from lms.content.questions.interaction import FORMATS
from tests.grading_cases import case_question, grading_cases

CASES = grading_cases()["cases"]
RESPONSES = [
    pytest.param(case, answer, id=f"{case['name'][:40]}-{i}")
    for case in CASES
    for i, answer in enumerate(case["responses"])
]


def test_the_fixtures_cover_every_question_type() -> None:
    from lms.content.questions import QUESTION_TYPES

    covered = {case_question(case).type_name for case in CASES}
    assert covered == set(QUESTION_TYPES)


@pytest.mark.parametrize(("case", "answer"), RESPONSES)
def test_python_grade_and_interaction_response(
    case: dict[str, Any], answer: dict[str, Any]
) -> None:
    q = case_question(case)
    grade = q.grade(answer["response"])
    assert grade.score == answer["score"]
    assert grade.max_score == q.points
    for version, fmt in FORMATS.items():
        assert q.interaction_response(answer["response"], fmt) == answer[version], version


@pytest.mark.parametrize("case", CASES, ids=lambda c: c["name"][:40])
def test_correct_response_patterns(case: dict[str, Any]) -> None:
    q = case_question(case)
    for version, fmt in FORMATS.items():
        assert list(q.interaction_patterns(fmt)) == case["patterns"][version], version
    assert q.grade(q.correct_response()).correct


@pytest.mark.parametrize("total", grading_cases()["percent"], ids=str)
def test_percent_rule_of_the_platform(total: dict[str, Any]) -> None:
    # lms/learning/services.py submit_quiz: round(100 * score / total, 2), 0 without points.
    score, points = total["score"], total["total"]
    assert (round(100 * score / points, 2) if points else 0.0) == total["percent"]
