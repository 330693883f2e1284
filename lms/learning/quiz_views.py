"""The graded module quiz: the form, its submission and the review of each attempt."""

from __future__ import annotations

import secrets

from babel.lists import format_list
from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from lms.auth.access import login_required
from lms.content import ContentInvalid, Module
from lms.content.review import Shown, Standing
from lms.courses.cache import course_cache
from lms.db import db_session
from lms.deadlines.display import due_text
from lms.forms import csrf_token_valid
from lms.i18n import N_
from lms.input_limits import parse_id
from lms.learning import services
from lms.learning.context import content_language, learner, live_course, module_or_404
from lms.learning.forms import responses_from_form
from lms.learning.progress import ModuleProgress, course_progress
from lms.learning.views import bp, opened_by_learner
from lms.security import revalidated

# How the attempt page names the parts of a review that a later moment will show.
_PART_NAMES = {
    "correctness": N_("whether each answer is right"),
    "marks": N_("the points earned on each question"),
    "feedback": N_("the feedback on your answers"),
    "right_answer": N_("the right answers"),
    "explanation": N_("the explanations"),
}
_LATER = {
    "after_passing": N_("Once you pass this quiz, its reviews will also show %(parts)s."),
    "after_last_attempt": N_(
        "Once you have used every attempt, this quiz's reviews will also show %(parts)s."
    ),
    "after_passing_or_last_attempt": N_(
        "Once you pass this quiz or have used every attempt, its reviews will also show %(parts)s."
    ),
}


def _quiz_module(module_slug: str) -> Module:
    found = module_or_404(live_course().course, module_slug)
    if found.quiz is None:
        abort(404)
    return found


def autosave_key(user_id: int, module_slug: str, version_id: int) -> str:
    """Where the quiz page's script keeps unsent answers on the learner's device."""
    # Per course version: answers to another version's questions must not be filled in.
    return f"lms-quiz/{user_id}/{module_slug}/{version_id}"


def _render_form(
    found: Module,
    responses: dict[str, object] | None = None,
    token: str | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    live = live_course()
    session = db_session()
    progress = course_progress(session, current_user.id, live.course).of(found.slug)
    attempts = services.attempts_of(session, current_user.id, found.slug)
    lang = content_language()
    assert found.quiz is not None
    return render_template(
        "learning/quiz.html",
        module=found,
        quiz=found.quiz,
        text=found.quiz.text(lang),
        lang=lang,
        progress=progress,
        attempts=attempts,
        responses=responses or {},
        token=token or secrets.token_urlsafe(24),
        version_id=live.version_id,
        autosave_key=autosave_key(current_user.id, found.slug, live.version_id),
    ), status


@bp.get("/<module_slug>/quiz")
@revalidated  # kept by the offline worker
@login_required
def quiz(module_slug: str) -> ResponseReturnValue:
    """The quiz form (answers and feedback stay on the server until it is submitted)."""
    found = _quiz_module(module_slug)
    if opened_by_learner():
        session = db_session()
        services.remember_place(session, learner(), found.slug, None)
        session.commit()
    return _render_form(found)


@bp.post("/<module_slug>/quiz")
@login_required
def submit(module_slug: str) -> ResponseReturnValue:
    """Grade a submitted quiz once, however often the form is resent, and show the review."""
    found = _quiz_module(module_slug)
    session = db_session()
    version_id, taken = _version_taken(found, request.form.get("version_id", ""))
    assert taken.quiz is not None
    lang = request.form.get("lang", "")
    lang = lang if lang in taken.quiz.texts else content_language()
    responses = responses_from_form(taken.quiz.text(lang).questions)
    token = request.form.get("submission_token", "")[:64]
    if not csrf_token_valid():
        # An expired token must not cost a long quiz: show it again, filled in, with a new token.
        flash(
            _(
                "Your session's security check expired. Your answers are kept: "
                "please submit them again."
            ),
            "warning",
        )
        return _render_form(found, responses, token or None, 400)
    if not token:
        abort(400)
    try:
        attempt = services.submit_quiz(
            session, current_user.id, taken, services.Submission(token, version_id, lang, responses)
        )
    except services.QuizClosed as closed:
        # The answers stay in the form and on the device, for when an instructor extends it.
        flash(
            _(
                "This quiz closed on %(date)s, so your answers were not recorded. They are "
                "kept below: ask your instructor for an extension and submit them then.",
                date=due_text(closed.due.at, closed.due.zone),
            ),
            "warning",
        )
        return _render_form(found, responses, token, 403)
    except services.NoAttemptsLeft:
        flash(_("You have used every attempt allowed for this quiz."), "warning")
        return redirect(url_for(".quiz", module_slug=found.slug))
    except services.AttemptConflict:
        session.rollback()
        flash(
            _("Another attempt was being saved at the same moment. Please submit again."), "warning"
        )
        return _render_form(found, responses, None, 409)
    live = live_course()
    services.issue_certificate_if_complete(session, current_user.id, live.course, live.version_id)
    session.commit()
    return redirect(url_for(".attempt", module_slug=found.slug, number=attempt.number))


def _version_taken(live_module: Module, raw_version: str) -> tuple[int, Module]:
    """The course version the form was shown from, so the quiz is graded as it was taken."""
    live = live_course()
    version_id = parse_id(raw_version)
    if version_id is None:
        return live.version_id, live_module
    if version_id == live.version_id:
        return version_id, live_module
    try:
        module = course_cache().get(db_session(), version_id).module(live_module.slug)
    except ContentInvalid:
        module = None
    if module is None or module.quiz is None:
        return live.version_id, live_module
    return version_id, module


@bp.get("/<module_slug>/quiz/attempts/<int:number>")
@login_required
def attempt(module_slug: str, number: int) -> ResponseReturnValue:
    """One of the learner's own attempts, reviewed as far as the quiz's review options allow now."""
    found = _quiz_module(module_slug)
    session = db_session()
    record = services.attempt_by_number(session, current_user.id, found.slug, number)
    if record is None:
        abort(404)
    graded_in = course_cache().get(session, record.version_id).module(found.slug) or found
    assert graded_in.quiz is not None
    progress = course_progress(session, current_user.id, live_course().course).of(found.slug)
    return render_template(
        "learning/attempt.html",
        module=found,
        quiz=graded_in.quiz,
        text=graded_in.quiz.text(record.lang),
        record=record,
        progress=progress,
        shows=review_shown(found, progress),
        review_notes=review_notes(found, progress),
        lang=record.lang,
        autosave_key=autosave_key(current_user.id, found.slug, record.version_id),
    )


def _standing(progress: ModuleProgress) -> Standing:
    return Standing(passed=progress.quiz_passed, attempts_left=progress.attempts_left)


def review_shown(found: Module, progress: ModuleProgress) -> Shown:
    """The parts of the learner's reviews of this quiz they may see now.

    The live quiz's review options and where the learner stands today decide, for every attempt
    alike (as in Moodle): passing later shows the right answers of earlier attempts too, and an
    instructor's extra attempts hide again what only running out of attempts had shown.
    """
    assert found.quiz is not None
    return found.quiz.review.shown(_standing(progress))


def review_notes(found: Module, progress: ModuleProgress) -> list[str]:
    """Sentences telling the learner which hidden parts of the review they will see, and when."""
    assert found.quiz is not None
    locale = get_locale() or "en"
    return [
        _(_LATER[moment], parts=format_list([_(_PART_NAMES[p]) for p in parts], locale=locale))
        for moment, parts in found.quiz.review.coming(_standing(progress))
    ]
