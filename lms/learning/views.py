"""Learner pages: course home, module, lesson, knowledge checks and media."""

from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.auth.access import login_required
from lms.courses.media import typed_media_response
from lms.courses.services import media_file
from lms.db import db_session
from lms.learning import services
from lms.learning.context import (
    content_language,
    learner,
    lesson_or_404,
    live_course,
    module_or_404,
)
from lms.learning.forms import responses_from_form
from lms.learning.progress import course_progress, lessons_done_in
from lms.security import revalidated

bp = Blueprint("learning", __name__, url_prefix="/learn")

# Sent by the pages' scripts when they want a fragment to put in place, not a whole page.
FRAGMENT_HEADER = "X-Requested-With"
# Sent by the offline worker when it fetches a module's pages ahead, for reading offline.
OFFLINE_COPY_HEADER = "X-Offline-Copy"


def wants_fragment() -> bool:
    """Whether the request came from a page script that replaces part of the page itself."""
    return bool(request.headers.get(FRAGMENT_HEADER))


def opened_by_learner() -> bool:
    """Whether the learner opened this page, rather than something fetching it for them.

    Opening a lesson or the quiz moves "continue where you left off" there: a deliberate write
    on GET (docs/security.md), idempotent and only ever about the learner's own place, so that
    it works without JavaScript. Fetches that nobody reads yet must not move it: the offline
    worker keeping a module ahead, a browser's speculative prefetch, a HEAD request.
    """
    if request.method != "GET" or request.headers.get(OFFLINE_COPY_HEADER):
        return False
    purpose = request.headers.get("Sec-Purpose", "") + request.headers.get("Purpose", "")
    return "prefetch" not in purpose.lower()


@bp.get("/")
@revalidated  # kept by the offline worker
@login_required
def home() -> ResponseReturnValue:
    """The course home: every module with its progress bar, and where to continue."""
    live = live_course()
    session = db_session()
    progress = course_progress(session, current_user.id, live.course)
    place = services.place_of(session, learner())
    certificate = services.certificate_of(session, current_user.id)
    return render_template(
        "learning/home.html",
        course=live.course,
        progress=progress,
        place=place,
        certificate=certificate,
        lang=content_language(),
    )


@bp.get("/<module_slug>/")
@revalidated  # kept by the offline worker
@login_required
def module(module_slug: str) -> ResponseReturnValue:
    """A module's introduction, objectives and lessons."""
    live = live_course()
    found = module_or_404(live.course, module_slug)
    progress = course_progress(db_session(), current_user.id, live.course).of(found.slug)
    return render_template(
        "learning/module.html", module=found, progress=progress, lang=content_language()
    )


@bp.get("/<module_slug>/<lesson_slug>")
@revalidated  # kept by the offline worker
@login_required
def lesson(module_slug: str, lesson_slug: str) -> ResponseReturnValue:
    """A lesson page with its knowledge checks, previous/next and the learner's answers."""
    live = live_course()
    found = module_or_404(live.course, module_slug)
    current = lesson_or_404(found, lesson_slug)
    lang = content_language()
    text = current.text(lang)
    session = db_session()
    answers = services.check_answers(session, current_user.id, [q.id for q in text.checks])
    lessons_done = lessons_done_in(session, current_user.id, found.slug)
    if opened_by_learner():
        services.remember_place(session, learner(), found.slug, current.slug)
        session.commit()
    index = found.lessons.index(current)
    return render_template(
        "learning/lesson.html",
        module=found,
        lesson=current,
        text=text,
        lang=lang,
        answers=answers,
        lessons_done=lessons_done,
        previous=found.lessons[index - 1] if index > 0 else None,
        next=found.lessons[index + 1] if index + 1 < len(found.lessons) else None,
    )


@bp.post("/<module_slug>/<lesson_slug>/complete")
@login_required
def complete(module_slug: str, lesson_slug: str) -> ResponseReturnValue:
    """Mark a lesson done and go on to the next lesson, or to the quiz after the last one."""
    live = live_course()
    found = module_or_404(live.course, module_slug)
    current = lesson_or_404(found, lesson_slug)
    session = db_session()
    services.complete_lesson(session, current_user.id, found.slug, current.slug, live.version_id)
    services.issue_certificate_if_complete(session, current_user.id, live.course, live.version_id)
    session.commit()
    index = found.lessons.index(current)
    if index + 1 < len(found.lessons):
        return redirect(
            url_for(".lesson", module_slug=found.slug, lesson_slug=found.lessons[index + 1].slug)
        )
    target = ".quiz" if found.quiz else ".module"
    return redirect(url_for(f"learning{target}", module_slug=found.slug))


@bp.post("/<module_slug>/<lesson_slug>/check/<question_id>")
@login_required
def check(module_slug: str, lesson_slug: str, question_id: str) -> ResponseReturnValue:
    """Grade a knowledge check and show its feedback in place (the page, or the check alone)."""
    live = live_course()
    found = module_or_404(live.course, module_slug)
    current = lesson_or_404(found, lesson_slug)
    question = next(
        (q for q in current.text(content_language()).checks if q.id == question_id), None
    )
    if question is None:
        abort(404)
    session = db_session()
    response = responses_from_form((question,))[question.id]
    services.answer_check(session, current_user.id, question, response, live.version_id)
    session.commit()
    if wants_fragment():
        # Answered in place by the page's script: just the check, with its feedback.
        return render_template(
            "learning/check.html",
            module=found,
            lesson=current,
            lang=content_language(),
            q=question,
            answers={question.id: response},
        )
    return redirect(
        url_for(
            ".lesson",
            module_slug=module_slug,
            lesson_slug=lesson_slug,
            _anchor=f"check-{question.id}",
        )
    )


@bp.get("/<module_slug>/media/<path:name>")
@login_required
def media(module_slug: str, name: str) -> ResponseReturnValue:
    """An image of a module, from the live course version, typed by its content."""
    live = live_course()
    found = module_or_404(live.course, module_slug)
    # The version was checked when it was parsed: its module knows each file's type.
    kind = found.media.get(f"media/{name}")
    path = f"{found.folder}/media/{name}"
    data = media_file(db_session(), live.version_id, path) if kind is not None else None
    return typed_media_response(data, kind, name.rpartition("/")[2], max_age=3600)


@bp.get("/continue")
@login_required
def resume() -> ResponseReturnValue:
    """Go back to where the learner left off (or to the first lesson)."""
    live = live_course()
    place = services.place_of(db_session(), learner())
    if place and (found := live.course.module(place.module_slug)):
        if place.lesson_slug and found.lesson(place.lesson_slug):
            return redirect(
                url_for(".lesson", module_slug=found.slug, lesson_slug=place.lesson_slug)
            )
        return redirect(url_for(".module", module_slug=found.slug))
    first = live.course.modules[0]
    return redirect(
        url_for(".module", module_slug=first.slug)
        if not first.lessons
        else url_for(".lesson", module_slug=first.slug, lesson_slug=first.lessons[0].slug)
    )
