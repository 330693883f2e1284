"""The live course and the learner's language, looked up once per request."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, g
from flask_login import current_user

from lms.auth.identity import current_account
from lms.content import LANGUAGES, Course, Module
from lms.content.model import Lesson
from lms.courses.cache import course_cache
from lms.courses.services import current_version
from lms.db import db_session
from lms.models import User


@dataclass(frozen=True)
class LiveCourse:
    """The course version learners see now."""

    version_id: int
    number: int
    course: Course


def live_course() -> LiveCourse:
    """The live course version, parsed (from the cache); 404 when no content was imported."""
    cached: LiveCourse | None = g.get("_lms_live_course")
    if cached is not None:
        return cached
    session = db_session()
    version = current_version(session)
    if version is None:
        abort(404)
    live = LiveCourse(version.id, version.number, course_cache().get(session, version.id))
    g._lms_live_course = live
    return live


def learner() -> User:
    """The signed-in account; every learning page requires one (login_required)."""
    user = current_account()
    if user is None:
        abort(401)
    return user


def content_language() -> str:
    """The language the learner reads the course in."""
    lang = getattr(current_user, "content_language", None)
    return lang if lang in LANGUAGES else LANGUAGES[0]


def module_or_404(course: Course, slug: str) -> Module:
    """The module with this slug, or a 404 page."""
    module = course.module(slug)
    if module is None:
        abort(404)
    return module


def lesson_or_404(module: Module, slug: str) -> Lesson:
    """The lesson with this slug, or a 404 page."""
    lesson = module.lesson(slug)
    if lesson is None:
        abort(404)
    return lesson
