"""The shared grading fixtures: question blocks, responses and what the platform makes of them."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from lms.content.questions import Question
from tests.content.helpers import question

CASES_FILE = Path(__file__).resolve().parent / "fixtures" / "grading_cases.json"


@cache
def grading_cases() -> dict[str, Any]:
    """The fixture file, parsed."""
    data: dict[str, Any] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    return data


def case_question(case: dict[str, Any]) -> Question:
    """The question a case's block builds (it must build without problems)."""
    return question(case["block"])
