"""Outgoing mails and the MIME messages built from them."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

# Bodies go out as quoted-printable or base64, whichever is shorter, so the message is 7-bit
# clean and any server accepts it, 8BITMIME or not. Lines end in CRLF as SMTP wants.
POLICY = policy.SMTP.clone(cte_type="7bit")
DOMAIN = re.compile(
    r"[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*"
)


class InvalidMail(ValueError):
    """A mail that cannot be sent as it is: a header that is not one line or not one address."""


@dataclass(frozen=True)
class OutgoingMail:
    """One mail to one person, in plain text and optionally in HTML."""

    to: str
    subject: str
    text: str
    html: str | None = None
    reply_to: str | None = None


def build_message(
    mail: OutgoingMail,
    *,
    sender: str,
    message_id_domain: str,
    message_id: str | None = None,
) -> EmailMessage:
    """Return the MIME message for `mail` from `sender`, ready for `lms.mail.smtp.deliver`.

    Pass the `message_id` stored with the outbox row to keep it the same across retries;
    without one a new id ending in `message_id_domain` is made.
    """
    message = EmailMessage(policy=POLICY)
    message["From"] = single_address("sender", sender)
    message["To"] = single_address("to", mail.to)
    if mail.reply_to is not None:
        message["Reply-To"] = single_address("reply_to", mail.reply_to)
    message["Subject"] = single_line("subject", mail.subject)
    message["Date"] = format_datetime(datetime.now(UTC))
    if not DOMAIN.fullmatch(message_id_domain):
        raise InvalidMail(
            f"The Message-ID domain {message_id_domain!r} is not a domain name: give one such "
            "as example.org (the domain of the sender's address)."
        )
    message["Message-ID"] = single_line(
        "message_id", message_id or make_msgid(domain=message_id_domain)
    )
    # Asks out-of-office responders not to answer a mail that no person wrote (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    return message


def single_line(field: str, value: str) -> str:
    """Return `value` when it holds no line break or other control character."""
    for character in value:
        # Any line break would let the value start a header of its own (or end the headers).
        if unicodedata.category(character) in {"Cc", "Zl", "Zp"}:
            raise InvalidMail(
                f"The mail's {field} must be one line of text, but it contains "
                f"{character!r}: remove line breaks and control characters from it."
            )
    return value


def single_address(field: str, value: str) -> Address:
    """Return the one email address in `value`, e.g. `ana@example.org` or `Ana <ana@...>`."""
    single_line(field, value)
    probe = EmailMessage(policy=POLICY)
    try:
        probe["To"] = value
        addresses = probe["To"].addresses
        defects = probe["To"].defects
    except (ValueError, IndexError) as error:  # the parser raises IndexError on "ana@"
        raise _not_an_address(field, value) from error
    if len(addresses) != 1 or defects or not addresses[0].domain:
        raise _not_an_address(field, value)
    address: Address = addresses[0]
    return address


def _not_an_address(field: str, value: str) -> InvalidMail:
    return InvalidMail(
        f"The mail's {field} {value!r} is not one email address: give a single address "
        "such as ana@example.org or Ana Pérez <ana@example.org>."
    )
