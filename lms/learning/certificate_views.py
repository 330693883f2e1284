"""The learner's certificate and its public verification page."""

from __future__ import annotations

from flask import render_template
from flask.typing import ResponseReturnValue
from flask_login import current_user

from lms.auth.access import login_required, public
from lms.db import db_session
from lms.learning import services
from lms.learning.context import content_language, live_course
from lms.learning.progress import course_progress
from lms.learning.views import bp
from lms.models import User


@bp.get("/certificate")
@login_required
def certificate() -> ResponseReturnValue:
    """The learner's certificate, or what is still missing to earn it."""
    live = live_course()
    session = db_session()
    issued = services.certificate_of(session, current_user.id)
    progress = course_progress(session, current_user.id, live.course)
    return render_template(
        "learning/certificate.html", certificate=issued, progress=progress, lang=content_language()
    )


@bp.get("/verify/<code>")
@public("anyone given a certificate's code may check it")
def verify(code: str) -> ResponseReturnValue:
    """Public page anyone can use to check that a certificate code is genuine."""
    session = db_session()
    issued = services.certificate_by_code(session, code)
    holder = session.get(User, issued.user_id) if issued else None
    return render_template("learning/verify.html", certificate=issued, holder=holder, code=code), (
        200 if issued else 404
    )
