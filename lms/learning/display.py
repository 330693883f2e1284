"""Helpers the question templates use to lay questions out."""

from __future__ import annotations

import random

from flask import Flask

from lms.content.questions import Question


def display_order(question: Question, count: int, seed: str) -> list[int]:
    """Indices in the order to show them: as written, or shuffled stably for this learner."""
    order = list(range(count))
    if question.shuffle:
        shuffler = random.Random(f"{seed}:{question.id}")  # nosec B311  # not a secret
        shuffler.shuffle(order)  # the same order for this learner every time
    return order


def init_app(app: Flask) -> None:
    """Make the helpers available in templates."""
    app.jinja_env.globals["display_order"] = display_order
