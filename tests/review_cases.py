"""The shared review fixtures: when each part of a quiz's review is shown."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from lms.content.review import ITEMS, MOMENTS, Standing

CASES_FILE = Path(__file__).resolve().parent / "fixtures" / "review_cases.json"


@cache
def review_cases() -> dict[str, Any]:
    """The fixture file, parsed."""
    data: dict[str, Any] = json.loads(CASES_FILE.read_text(encoding="utf-8"))
    return data


def standing(name: str) -> Standing:
    """A standing of the fixtures, by its name."""
    raw = review_cases()["standings"][name]
    return Standing(passed=raw["passed"], attempts_left=raw["attemptsLeft"])


def reached(moment: str, name: str) -> bool:
    """Whether the fixtures say the standing called `name` has reached `moment`."""
    return name in review_cases()["moments"][moment]


def alone(item: str, moment: str) -> dict[str, str]:
    """A whole review setting that shows `item` at `moment` and nothing else, ever."""
    return {other: (moment if other == item else "never") for other in ITEMS}


def every_item_moment_and_standing() -> list[tuple[str, str, str]]:
    """Each item × moment × standing of the fixtures."""
    return [
        (item, moment, name)
        for item in ITEMS
        for moment in MOMENTS
        for name in review_cases()["standings"]
    ]
