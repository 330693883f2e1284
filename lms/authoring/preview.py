"""The editor's preview: one file checked and rendered exactly as learners will get it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import render_template

from lms.authoring.publishing import DRAFT_LABEL
from lms.content import Problem
from lms.content.preview import FilePreview, preview_file


@dataclass(frozen=True)
class RenderedPreview:
    """The preview's HTML and the problems of the file and of its other-language pair."""

    html: str
    problems: tuple[Problem, ...]
    pair_problems: tuple[Problem, ...]

    def problem_dicts(self) -> list[dict[str, Any]]:
        """The problems as the editor's script reads them; `here` is false for the pair's."""
        return [
            {
                "path": content_path(problem.path),
                "line": problem.line,
                "message": problem.message,
                "here": here,
            }
            for here, group in ((True, self.problems), (False, self.pair_problems))
            for problem in group
        ]


def content_path(problem_path: str) -> str:
    """A problem's path as the editor names files (without the `modules/` label)."""
    return problem_path.removeprefix(DRAFT_LABEL + "/")


def check_preview(files: Mapping[str, bytes], path: str, text: str) -> FilePreview:
    """Check one file as typed against the rest of the draft (UnknownFile outside the layout)."""
    return preview_file(files, path, text, label=DRAFT_LABEL)


def render_preview(files: Mapping[str, bytes], path: str, text: str) -> RenderedPreview:
    """Check and render one file as typed (needs an app context for the template)."""
    checked = check_preview(files, path, text)
    html = render_template("authoring/_preview.html", preview=checked)
    return RenderedPreview(html, tuple(checked.problems), tuple(checked.pair_problems))
