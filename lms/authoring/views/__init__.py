"""The editor's pages: one blueprint, with its views split by area."""

from __future__ import annotations

from flask import Blueprint

blueprint = Blueprint("authoring", __name__, url_prefix="/manage/editor")

# The view modules register their routes on the blueprint when imported.
from lms.authoring.views import editor, history, publishing, structure  # noqa: E402, F401
