"""The requests each scenario sends, the same for wrk (as Lua arguments) and for tests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from lesson_page import form_fields

from lmsbench.load import Load
from lmsbench.seed import INSTRUCTOR, LEARNER, PASSWORD, Seeded

LANG = "es"  # the learners' content language (the default)


@dataclass(frozen=True)
class PageRequest:
    """One request of a scenario and the status it must answer."""

    method: str
    path: str
    form: tuple[tuple[str, str], ...] = ()
    ajax: bool = False  # sent by the page's script (answered with a fragment)
    status: int = 200
    instructor: bool = False  # sent by the cohort's instructor, not by a learner

    @property
    def body(self) -> str:
        """The form, URL-encoded (the CSRF token and a submission key are added when sent)."""
        return urlencode(self.form)


def quiz_fields(seeded: Seeded) -> tuple[tuple[str, str], ...]:
    """Module 1's quiz as a learner sends it back with every answer right."""
    quiz = seeded.module.quiz
    assert quiz is not None
    answers = [
        pair for q in quiz.text(LANG).questions for pair in form_fields(q, q.correct_response())
    ]
    return (("version_id", str(seeded.version_id)), ("lang", LANG), *answers)


def page_requests(seeded: Seeded) -> dict[str, PageRequest]:
    """The single-page scenarios: lesson, course home, knowledge check, quiz, cohort progress."""
    module = seeded.module
    lesson = module.lessons[0]
    lesson_path = f"/learn/{module.slug}/{lesson.slug}"
    check = lesson.text(LANG).checks[0]
    return {
        "lesson": PageRequest("GET", lesson_path),
        "home": PageRequest("GET", "/learn/"),
        "check": PageRequest(
            "POST",
            f"{lesson_path}/check/{check.id}",
            tuple(form_fields(check, check.correct_response())),
            ajax=True,
        ),
        "submit": PageRequest(
            "POST", f"/learn/{module.slug}/quiz", quiz_fields(seeded), status=302
        ),
        "dashboard": PageRequest(
            "GET", f"/manage/cohorts/{seeded.cohort_id}/progress", instructor=True
        ),
    }


def lesson_paths(seeded: Seeded) -> list[str]:
    """Every lesson of the course (the mixed profile reads any of them)."""
    return [
        f"/learn/{module.slug}/{lesson.slug}"
        for module in seeded.course.modules
        for lesson in module.lessons
    ]


def signed_in(sessions: Path, instructor: bool = False) -> dict[str, str]:
    """The Lua arguments that sign each connection in as its own account."""
    return {
        "account": INSTRUCTOR if instructor else LEARNER,
        "first": "0",
        "password": PASSWORD,
        "sessions": str(sessions),
    }


def page_load(request: PageRequest, sessions: Path) -> Load:
    """wrk traffic sending `request` again and again."""
    args = {
        **signed_in(sessions, request.instructor),
        "path": request.path,
        "method": request.method,
        "expect": str(request.status),
    }
    if request.method == "POST" and request.path.endswith("/quiz"):
        return Load("quiz.lua", {**args, "form": request.body})
    if request.method == "POST":
        args |= {"form": request.body, "ajax": "1" if request.ajax else "0"}
    return Load("page.lua", args)


def mixed_load(seeded: Seeded, sessions: Path, think_ms: float = 0) -> Load:
    """85 % lessons, 10 % quiz submissions, 5 % course home; `think_ms` between requests."""
    submit = page_requests(seeded)["submit"]
    return Load(
        "mixed.lua",
        {
            **signed_in(sessions),
            "lessons": ",".join(lesson_paths(seeded)),
            "quiz": submit.path,
            "form": submit.body,
            "home": "/learn/",
            "think_ms": f"{think_ms:.1f}",
        },
    )


HELLO = Load("floor.lua", {"path": "/", "method": "GET", "expect": "200"})
SIGNED_IN_FLOOR = "signed-in"  # a second floor, measured against hello like a scenario
INSERT = Load("floor.lua", {"path": "/insert", "method": "POST", "form": "note=bench"})
INSERT = INSERT.with_args(expect="204")


def signed_in_floor_load(sessions: Path) -> Load:
    """The signed-in floor's one page, as the lesson scenario's learners (floors/signed_in.py).

    `sessions` must be a folder of its own: the floor's cookies are not the platform's.
    """
    return Load("page.lua", {**signed_in(sessions), "path": "/page", "method": "GET"})


def floors_of(names: Sequence[str]) -> dict[str, str]:
    """Each scenario's floor: writes are read against the insert, pages against hello."""
    return {name: "insert" if name in ("check", "submit") else "hello" for name in names}
