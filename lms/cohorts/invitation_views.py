"""Personal invitations: upload a learner list, preview it, invite, resend, revoke, accept."""

from __future__ import annotations

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from lms.auth.access import public
from lms.auth.identity import current_account
from lms.cohorts import invitations
from lms.cohorts.forms import SignupForm
from lms.cohorts.roster import read_roster
from lms.cohorts.views import (
    INVALID,
    MANAGE,
    blueprint,
    cohort_or_404,
    cohort_staff_required,
    sign_up_and_join,
)
from lms.db import db_session
from lms.i18n import gettext as _
from lms.i18n import known_language, ngettext
from lms.input_limits import body_limit, roster_body
from lms.mail.message import OutgoingMail
from lms.models import Cohort, Invitation, RosterUpload, User
from lms.reports.spreadsheets import content_disposition, csv_stream
from lms.urls import home_url

INVITATIONS = f"{MANAGE}/<int:cohort_id>/invitations"


def _link(token: str) -> str:
    return url_for("cohorts.accept_invitation", token=token, _external=True)


def _mail_for(cohort: Cohort) -> invitations.MailMaker:
    """The invitation email, written in the invited person's language."""

    def make(invitation: Invitation, link: str) -> OutgoingMail:
        with force_locale(known_language(invitation.language)):
            subject = _("Invitation: %(cohort)s", cohort=cohort.name)
            text = _(
                "Hello %(name)s,\n\nYou are invited to the pre-course modules of the "
                "Inter-American Course on International Migration (%(cohort)s).\n\n"
                "Open this personal link to create your account and start:\n%(link)s\n\n"
                "The link works once and until %(date)s. If it has expired, ask the course "
                "coordinators for a new one.",
                name=invitation.name,
                cohort=cohort.name,
                link=link,
                date=invitation.expires_at.date().isoformat(),
            )
        return OutgoingMail(invitation.email, subject, text, None)

    return make


@blueprint.get(INVITATIONS)
@cohort_staff_required
def invitation_list(cohort_id: int) -> ResponseReturnValue:
    """Every invitation of the cohort with its state and whether its email was delivered."""
    cohort = cohort_or_404(cohort_id)
    rows = invitations.invitations_of(db_session(), cohort)
    return render_template("cohorts/invitations.html", cohort=cohort, rows=rows, link=_link)


@blueprint.get(f"{INVITATIONS}.csv")
@cohort_staff_required
def invitation_links(cohort_id: int) -> ResponseReturnValue:
    """The invitation links as a spreadsheet, for sending them by other means."""
    cohort = cohort_or_404(cohort_id)
    rows = invitations.invitations_of(db_session(), cohort)
    header = [_("Name"), _("Email"), _("State"), _("Personal link")]
    # Built here, in the request: the response body is read after the request context is gone.
    body = [
        [r.invitation.name, r.invitation.email, r.state, _link(r.invitation.token)] for r in rows
    ]
    response = Response(csv_stream(header, body), mimetype="text/csv")
    response.headers["Content-Disposition"] = content_disposition(f"{cohort.name}.csv")
    return response


@blueprint.route(f"{INVITATIONS}/upload", methods=["GET", "POST"])
@body_limit(roster_body)
@cohort_staff_required
def upload_roster(cohort_id: int) -> ResponseReturnValue:
    """Take a CSV or XLSX list of learners and show its preview."""
    cohort = cohort_or_404(cohort_id)
    if request.method == "GET":
        return render_template("cohorts/upload.html", cohort=cohort)
    upload = request.files.get("roster")
    if upload is None or not upload.filename:
        flash(_("Choose a CSV or Excel (.xlsx) file to upload."), "error")
        return render_template("cohorts/upload.html", cohort=cohort), INVALID
    account = current_account()
    assert account is not None
    kept = invitations.keep_upload(db_session(), cohort, upload.filename, upload.read(), account.id)
    db_session().commit()
    return redirect(url_for(".roster_preview", cohort_id=cohort.id, upload_id=kept.id))


def _upload_or_404(cohort: Cohort, upload_id: int) -> RosterUpload:
    upload = db_session().get(RosterUpload, upload_id)
    if upload is None or upload.cohort_id != cohort.id:
        abort(404)
    return upload


@blueprint.route(f"{INVITATIONS}/upload/<int:upload_id>", methods=["GET", "POST"])
@cohort_staff_required
def roster_preview(cohort_id: int, upload_id: int) -> ResponseReturnValue:
    """Every row with its problems; confirming invites the rows that have none."""
    cohort = cohort_or_404(cohort_id)
    upload = _upload_or_404(cohort, upload_id)
    session = db_session()
    roster = read_roster(bytes(upload.data), upload.filename)
    checks = invitations.check_rows(session, cohort, roster)
    ready = [check.row for check in checks if check.ok]
    if request.method == "GET":
        return render_template(
            "cohorts/roster_preview.html",
            cohort=cohort,
            upload=upload,
            roster=roster,
            checks=checks,
            ready=ready,
        ), (INVALID if roster.blocked else 200)
    if roster.blocked or not invitations.take_upload(session, upload):
        session.rollback()
        flash(_("This list was used already: its invitations are below."), "info")
        return redirect(url_for(".invitation_list", cohort_id=cohort.id))
    account = current_account()
    assert account is not None
    created = invitations.invite(
        session,
        cohort,
        ready,
        default_language=account.ui_language,
        invited_by=account.id,
        link=_link,
        mail=_mail_for(cohort),
    )
    session.commit()
    flash(
        ngettext(
            "%(num)s invitation created; its email is on its way.",
            "%(num)s invitations created; their emails are on their way.",
            len(created),
        ),
        "success",
    )
    return redirect(url_for(".invitation_list", cohort_id=cohort.id))


def _actor_id() -> int | None:
    actor = current_account()
    return actor.id if actor is not None else None


def _invitation_or_404(cohort: Cohort, invitation_id: int) -> Invitation:
    found = db_session().get(Invitation, invitation_id)
    if found is None or found.cohort_id != cohort.id:
        abort(404)
    return found


@blueprint.post(f"{INVITATIONS}/<int:invitation_id>/resend")
@cohort_staff_required
def resend_invitation(cohort_id: int, invitation_id: int) -> ResponseReturnValue:
    """Send the invitation again, valid for another full period."""
    cohort = cohort_or_404(cohort_id)
    invitation = _invitation_or_404(cohort, invitation_id)
    try:
        invitations.resend(
            db_session(), invitation, link=_link, mail=_mail_for(cohort), actor_id=_actor_id()
        )
    except invitations.InvitationUnusable:
        flash(_("%(name)s has accepted already.", name=invitation.name), "info")
    else:
        db_session().commit()
        flash(_("The invitation to %(email)s was sent again.", email=invitation.email), "success")
    return redirect(url_for(".invitation_list", cohort_id=cohort.id))


@blueprint.post(f"{INVITATIONS}/<int:invitation_id>/revoke")
@cohort_staff_required
def revoke_invitation(cohort_id: int, invitation_id: int) -> ResponseReturnValue:
    """Make an invitation link stop working."""
    cohort = cohort_or_404(cohort_id)
    invitation = _invitation_or_404(cohort, invitation_id)
    invitations.revoke(db_session(), invitation, _actor_id())
    db_session().commit()
    flash(_("The invitation to %(email)s no longer works.", email=invitation.email), "success")
    return redirect(url_for(".invitation_list", cohort_id=cohort.id))


@blueprint.route("/invitation/<token>", methods=["GET", "POST"])
@public("a personal invitation link: the invited person creates their account through it")
def accept_invitation(token: str) -> ResponseReturnValue:
    """A personal link: create the account (or use the signed-in one) and join the cohort."""
    session = db_session()
    invitation = invitations.find(session, token)
    if invitation is None:
        return render_template("cohorts/invitation_unusable.html", state="unknown"), 404
    try:
        invitations.usable_or_raise(invitation)
    except invitations.InvitationUnusable as unusable:
        return render_template("cohorts/invitation_unusable.html", state=unusable.state), 410
    cohort = session.get(Cohort, invitation.cohort_id)
    assert cohort is not None
    user = current_account()
    if user is not None:
        if request.method == "POST":
            invitations.accept(session, invitation, user)
            session.commit()
            flash(_("Welcome to %(cohort)s.", cohort=cohort.name), "success")
            return redirect(home_url())
        return render_template("cohorts/invitation_join.html", cohort=cohort, invitation=invitation)
    return _sign_up_with(invitation, cohort)


def _sign_up_with(invitation: Invitation, cohort: Cohort) -> ResponseReturnValue:
    """The sign-up form for the invited address; the account joins the cohort at once."""
    form = SignupForm(
        data={"name": invitation.name, "email": invitation.email}
        if request.method == "GET"
        else None
    )
    form.email.data = invitation.email  # the invitation is for this address only

    def join(user: User) -> None:
        if invitation.language in ("es", "en", "pt"):
            user.ui_language = invitation.language
        invitations.accept(db_session(), invitation, user)

    return sign_up_and_join(
        cohort,
        form,
        join,
        action=url_for("cohorts.accept_invitation", token=invitation.token),
        fixed_email=True,
    )
