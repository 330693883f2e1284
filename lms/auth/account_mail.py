"""The mails about a person's own account, each in its reader's interface language.

Built during a request (links need its host); queued through the outbox by the services.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import url_for
from flask_babel import force_locale

from lms.i18n import gettext as _
from lms.i18n import known_language
from lms.mail.message import OutgoingMail
from lms.models import User


@contextmanager
def _language_of(user: User) -> Iterator[None]:
    with force_locale(known_language(user.ui_language)):
        yield


def email_confirm(user: User, new_email: str, token: str) -> OutgoingMail:
    """To the new address: the link that makes it the account's sign-in address."""
    link = url_for("auth.confirm_email", token=token, _external=True)
    with _language_of(user):
        subject = _("Confirm your new email address")
        text = _(
            "Hello %(name)s,\n\nYou asked to sign in to the pre-course platform of the "
            "Inter-American Course on International Migration with this address from now on.\n\n"
            "Open this link within 24 hours to confirm it; it works once:\n%(link)s\n\n"
            "Until you do, your account keeps its current address. If you did not ask for "
            "this, ignore this email.",
            name=user.name,
            link=link,
        )
    return OutgoingMail(new_email, subject, text)


def email_taken(owner: User, address: str) -> OutgoingMail:
    """To an address that already has an account: someone else asked to use it; nothing changed."""
    with _language_of(owner):
        subject = _("Your email address was not added to another account")
        text = _(
            "Hello %(name)s,\n\nSomeone signed in to another account of the pre-course "
            "platform of the Inter-American Course on International Migration asked to use "
            "%(email)s as its address. This address already belongs to your account, so "
            "nothing was changed.\n\nIf it was you, keep using this account, or write to the "
            "course administrators if you need the two accounts joined.",
            name=owner.name,
            email=address,
        )
    return OutgoingMail(address, subject, text)


def email_notice(user: User, new_email: str) -> OutgoingMail:
    """To the current address: a change to another one was asked for."""
    link = url_for("auth.forgot_password", _external=True)
    with _language_of(user):
        subject = _("A change of your email address was requested")
        text = _(
            "Hello %(name)s,\n\nSomeone signed in to your account asked to change its email "
            "address to %(email)s. The change happens only when the link sent to that address "
            "is opened, within 24 hours.\n\nIf this was you, there is nothing to do. If not, "
            "choose a new password now: that cancels the change and signs out every device.\n"
            "%(link)s",
            name=user.name,
            email=new_email,
            link=link,
        )
    return OutgoingMail(user.email, subject, text)


def deletion_declined(user: User, reason: str) -> OutgoingMail:
    """To the person: their account stays, and why."""
    link = url_for("auth.account", _external=True)
    with _language_of(user):
        subject = _("Your account was not deleted")
        text = _(
            "Hello %(name)s,\n\nAn administrator declined your request to delete your account "
            "on the pre-course platform of the Inter-American Course on International "
            "Migration, for this reason:\n\n%(reason)s\n\nYour account and your progress stay as "
            "they were. You can ask again from your account page:\n%(link)s",
            name=user.name,
            reason=reason,
            link=link,
        )
    return OutgoingMail(user.email, subject, text)


def account_deleted(user: User) -> OutgoingMail:
    """To the person: their account and its data are gone (no name: it is deleted too)."""
    with _language_of(user):
        subject = _("Your account has been deleted")
        text = _(
            "Hello,\n\nAs you asked, your account on the pre-course platform of the "
            "Inter-American Course on International Migration has been deleted, with your "
            "progress, quiz attempts, certificate and the other data about you. Its "
            "certificate code no longer verifies.\n\nThis is the last email you receive from "
            "the platform."
        )
    return OutgoingMail(user.email, subject, text)
