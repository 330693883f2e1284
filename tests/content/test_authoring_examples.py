"""Every question example in docs/authoring.md parses cleanly: the guide cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from lms.content.questions import QUESTION_TYPES

from .helpers import parse_question

GUIDE = Path(__file__).resolve().parents[2] / "docs" / "authoring.md"
EXAMPLES = re.findall(
    r"```markdown\n(::: quiz \{#(?:example|ejemplo)-.*?\n:::)\n```",
    GUIDE.read_text(encoding="utf-8"),
    re.DOTALL,
)


@pytest.mark.parametrize("block", EXAMPLES)
def test_example_parses_without_problems(block: str) -> None:
    built, problems = parse_question(block)
    assert built is not None and not problems, problems
    assert built.grade(built.correct_response()).correct


def test_guide_shows_every_question_type_in_both_languages() -> None:
    types = {}
    for block in EXAMPLES:
        built, _ = parse_question(block)
        assert built is not None
        lang = "es" if "{#ejemplo-" in block else "en"
        types.setdefault(lang, set()).add(built.type_name)
    assert types.get("en") == set(QUESTION_TYPES)
    assert types.get("es") == set(QUESTION_TYPES), "the Spanish guide lacks examples"
