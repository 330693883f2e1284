"""The certificate as a PDF: learners download their own, staff those of their learners."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from sqlalchemy.orm import Session

from lms.auth.access import Scope, login_required, role_required
from lms.auth.identity import current_account
from lms.cohorts.services import cohorts_of, runs
from lms.db import db_session
from lms.i18n import gettext as _
from lms.learning import services
from lms.learning.certificate_pdf import (
    CertificateFacts,
    CertificateLabels,
    UnprintableCharacters,
    render_certificate_pdf,
)
from lms.learning.views import bp
from lms.models import Certificate, Role, User
from lms.reports.spreadsheets import content_disposition

# The learning blueprint lives under /learn; the staff download belongs with the other
# management pages, so it has a blueprint of its own that comes with the learning one.
staff = Blueprint("learner_certificates", __name__, url_prefix="/manage/learners")
bp.record_once(lambda state: state.app.register_blueprint(staff))


@bp.get("/certificate.pdf")
@login_required
def certificate_pdf() -> ResponseReturnValue:
    """The signed-in learner's certificate as a PDF; 404 until it is issued."""
    learner = current_account()
    assert learner is not None
    issued = services.certificate_of(db_session(), learner.id)
    if issued is None:
        abort(404)
    return _pdf_or_explain(learner, issued, url_for("learning.certificate"))


def _teaches_user(viewer: User, user_id: int) -> bool:
    learner = db_session().get(User, user_id)
    return learner is not None and teaches(db_session(), viewer, learner)


TEACHES_LEARNER = Scope("user_id", _teaches_user, "only learners of cohorts the instructor runs")


@staff.get("/<int:user_id>/certificate.pdf")
@role_required(Role.INSTRUCTOR, Role.ADMIN, scope=TEACHES_LEARNER)
def learner_pdf(user_id: int) -> ResponseReturnValue:
    """A learner's certificate as a PDF, for administrators and the instructors of their cohort."""
    session = db_session()
    viewer = current_account()
    learner = session.get(User, user_id)
    issued = services.certificate_of(session, user_id) if learner else None
    if viewer is None or learner is None or issued is None:
        abort(404)
    if not teaches(session, viewer, learner):
        abort(404)  # as if absent: an instructor learns nothing about other cohorts' learners
    return _pdf_or_explain(learner, issued, url_for("cohorts.index"))


def teaches(session: Session, viewer: User, learner: User) -> bool:
    """Whether `viewer` administers the platform or runs a cohort `learner` is enrolled in."""
    if viewer.role == Role.ADMIN:
        return True
    return any(runs(session, viewer, cohort) for cohort in cohorts_of(session, learner))


def certificate_language(learner: User) -> str:
    """The learner's content language (es or en), or Portuguese if that is their interface."""
    if learner.ui_language == "pt":
        return "pt"
    return "en" if learner.content_language == "en" else "es"


def certificate_facts(learner: User, issued: Certificate) -> CertificateFacts:
    """What the learner's certificate says, in their language."""
    language = certificate_language(learner)
    with force_locale(language):
        labels = CertificateLabels(
            title=_("Certificate of completion"),
            certifies=_("This certifies that"),
            completed=_("completed the online pre-course modules of the"),
            issued_on=_("Issued on"),
            code=_("Verification code"),
            verify_at=_("Anyone can check it at"),
        )
        course_title = _("Inter-American Course on International Migration")
    return CertificateFacts(
        name=learner.name,
        course_title=course_title,
        completed_on=issued.issued_at.date(),
        code=issued.code,
        verify_url=url_for("learning.verify", code=issued.code, _external=True),
        language=language,
        labels=labels,
    )


def _pdf_or_explain(learner: User, issued: Certificate, back: str) -> ResponseReturnValue:
    """The PDF as a download, or back to `back` with what keeps it from printing."""
    facts = certificate_facts(learner, issued)
    try:
        pdf = render_certificate_pdf(facts)
    except UnprintableCharacters as error:
        if error.field != "name":
            raise  # our own words: a translation to fix, not something the user can change
        flash(
            _(
                "The PDF certificate cannot print these characters of the name %(name)s: "
                "%(characters)s. Ask the course team to write the name in Latin letters.",
                name=learner.name,
                characters=" ".join(error.characters),
            ),
            "error",
        )
        return redirect(back)
    with force_locale(facts.language):
        filename = f"{_('Certificate')} {learner.name}.pdf"
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = content_disposition(filename)
    return response
