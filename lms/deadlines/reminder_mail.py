"""The reminder email, in the learner's language, with a link to the module."""

from __future__ import annotations

from flask import Flask, url_for
from flask_babel import force_locale

from lms.deadlines import zones
from lms.deadlines.reminders import SOON, Reminder
from lms.i18n import CONTENT_LANGUAGES, known_language
from lms.i18n import gettext as _
from lms.mail.message import OutgoingMail


def module_link(app: Flask, reminder: Reminder) -> str:
    """The module's address: LMS_BASE_URL, else where the instructor reached the platform."""
    base = app.config.get("LMS_BASE_URL") or reminder.site_url or "http://localhost/"
    with app.test_request_context("/", base_url=base.rstrip("/") + "/"):
        return url_for("learning.module", module_slug=reminder.module.slug, _external=True)


def write_reminder(app: Flask, reminder: Reminder) -> OutgoingMail:
    """A short mail: which module, by when (in the cohort's zone), how far along, where to go."""
    user = reminder.user
    language = known_language(user.ui_language)
    content = user.content_language
    if content not in CONTENT_LANGUAGES:
        content = CONTENT_LANGUAGES[0]
    title = reminder.module.text(content).title
    when = zones.describe(reminder.due.at, reminder.due.zone, language)
    link = module_link(app, reminder)
    with app.test_request_context("/"), force_locale(language):
        done = _(
            "You have done %(done)s of %(total)s lessons.",
            done=reminder.lessons_done,
            total=len(reminder.module.lessons),
        )
        if reminder.kind == SOON:
            subject = _("Reminder: %(module)s is due on %(date)s", module=title, date=when)
            body = _(
                "The module %(module)s is due on %(date)s and you have not completed it yet. "
                "%(progress)s",
                module=title,
                date=when,
                progress=done,
            )
        else:
            subject = _("Missed deadline: %(module)s", module=title)
            closing = (
                _("Its quiz is now closed: if you need more time, write to your instructor.")
                if reminder.due.closes
                else _("You can still complete it; it will show as late.")
            )
            body = _(
                "The module %(module)s was due on %(date)s and is not completed. "
                "%(progress)s %(closing)s",
                module=title,
                date=when,
                progress=done,
                closing=closing,
            )
        text = _(
            "Hello %(name)s,\n\n%(body)s\n\nContinue here:\n%(link)s\n\n"
            "You receive this because you take part in %(cohort)s.",
            name=user.name,
            body=body,
            link=link,
            cohort=reminder.cohort.name,
        )
    return OutgoingMail(user.email, subject, text, None)
