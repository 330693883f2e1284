"""The audit log for administrators: every event, filtered by action, actor and date."""

from __future__ import annotations

import re
from datetime import date

from flask import render_template, request
from flask.typing import ResponseReturnValue

from lms import audit
from lms.auth import services as accounts
from lms.auth.access import admin_required
from lms.db import db_session
from lms.i18n import gettext as _
from lms.input_limits import parse_id
from lms.manage.views import blueprint

INVALID = 422
# "auth.sign_in" or a whole area, "auth."
ACTION_PATTERN = re.compile(r"^[a-z_]+\.[a-z_]*$")


@blueprint.get("/audit")
@admin_required
def audit_log() -> ResponseReturnValue:
    """Audit events, newest first, a page at a time, with the filters the query string gives."""
    filters, errors = _filters()
    session = db_session()
    found = audit.search(session, filters) if not errors else audit.Page([], 0, 1, 1)
    recorded = audit.actions(session)
    areas = sorted({action.split(".")[0] + "." for action in recorded})
    page = render_template(
        "manage/audit.html",
        found=found,
        filters=filters,
        values=request.args,
        errors=errors,
        actions=recorded,
        areas=areas,
    )
    return page, INVALID if errors else 200


def _filters() -> tuple[audit.Filters, dict[str, str]]:
    """The filters of the query string, and a message for each field that cannot be read."""
    args, errors = request.args, {}
    action = args.get("action", "").strip()
    if action and not ACTION_PATTERN.match(action):
        errors["action"] = _("Choose an action from the list.")
        action = ""
    actor_id = None
    email = args.get("actor", "").strip()
    if email:
        actor = accounts.find_user_by_email(db_session(), email)
        if actor is None:
            errors["actor"] = _(
                "No account has the email %(email)s. Check the spelling, or leave the field "
                "empty to see everyone's events.",
                email=email,
            )
        else:
            actor_id = actor.id
    since, until = _day("since", errors), _day("until", errors)
    if since and until and since > until:
        errors["until"] = _("The end date is before the start date.")
    page = parse_id(args.get("page", "1").strip())
    if not page:
        errors["page"] = _("The page number must be a whole number from 1.")
        page = 1
    filters = audit.Filters(action, actor_id, since, until, page)
    return filters, errors


def _day(name: str, errors: dict[str, str]) -> date | None:
    value = request.args.get(name, "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = _("Enter the date as year-month-day, for example 2026-03-01.")
        return None
