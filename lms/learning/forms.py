"""Reading question answers out of submitted forms."""

from __future__ import annotations

from typing import Any

from flask import request

from lms.content.questions import Question


def responses_from_form(questions: tuple[Question, ...]) -> dict[str, Any]:
    """Each question's response from the current request's form."""
    return {q.id: q.read_response(request.form.getlist) for q in questions}
