"""Helpers the question templates use to lay questions out."""

from __future__ import annotations

import random

from flask import Flask

from lms.content.questions import Question


def display_order(question: Question, count: int, seed: str) -> list[int]:
    """Indices in the order to show them: as written, or shuffled stably for this learner."""
    order = list(range(count))
    if question.shuffle:
        random.Random(f"{seed}:{question.id}").shuffle(order)
    return order


def init_app(app: Flask) -> None:
    """Make the helpers available in templates."""
    app.jinja_env.globals["display_order"] = display_order
