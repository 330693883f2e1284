"""Delivering one message to the mail server over SMTP, and what its failures mean."""

from __future__ import annotations

import contextlib
import smtplib
import socket
import ssl
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any, Literal, TypeVar, cast, get_args

from lms.mail.message import InvalidMail, single_address

Security = Literal["none", "starttls", "ssl"]
Stage = Literal["connect", "starttls", "login", "send"]
Number = TypeVar("Number", int, float)

DEFAULT_PORT = 587
DEFAULT_SSL_PORT = 465
DEFAULT_SECURITY: Security = "starttls"
DEFAULT_TIMEOUT = 10.0
STAGE_NAMES: Mapping[Stage, str] = {
    "connect": "the connection",
    "starttls": "STARTTLS",
    "login": "the sign-in",
    "send": "the message",
}
NOT_ASCII_CREDENTIALS = (
    "LMS_SMTP_USERNAME or LMS_SMTP_PASSWORD holds a character outside ASCII (such as an accent), "
    "which SMTP sign-in cannot send: use a password made of ASCII letters, digits and symbols."
)
# Room enough for a server's reply, small enough for a status column.
REASON_MAX_LENGTH = 200


class DeliveryFailure(Exception):
    """The mail server did not take the message; `reason` says why in a line."""

    def __init__(self, reason: str) -> None:
        reason = " ".join(reason.split())
        if len(reason) > REASON_MAX_LENGTH:
            reason = reason[: REASON_MAX_LENGTH - 1] + "…"
        super().__init__(reason)
        self.reason = reason


class TemporaryFailure(DeliveryFailure):
    """The same message may go through later: a busy or unreachable server, a 4xx reply."""


class PermanentFailure(DeliveryFailure):
    """The server refused this message for good (5xx): sending it again cannot help."""


class ConfigurationFailure(TemporaryFailure):
    """Our mail settings do not work with this server; every message fails until they are fixed.

    A temporary failure, so messages wait for the fix instead of being dropped; a worker should
    also stop its round (the next message would fail the same way) and tell an administrator.
    """


class MailSettingsError(ValueError):
    """A mail setting holds a value that cannot work."""


@dataclass(frozen=True)
class SmtpSettings:
    """How to reach the mail server, and the address mails come from."""

    host: str
    port: int
    username: str | None
    password: str | None = field(repr=False)
    security: Security
    timeout: float
    sender: str

    @property
    def sender_domain(self) -> str:
        """The domain of the sender's address, e.g. for Message-IDs: `example.org`."""
        domain: str = single_address("sender", self.sender).domain
        return domain


def settings_from_config(config: Mapping[str, Any]) -> SmtpSettings | None:
    """Return the SMTP settings in `config`, or None when no mail server is configured.

    - LMS_SMTP_HOST: name or address of the mail server; unset or empty means no mail is sent.
    - LMS_SMTP_PORT: its port; 587 (submission), or 465 when LMS_SMTP_SECURITY is ssl.
    - LMS_SMTP_USERNAME, LMS_SMTP_PASSWORD: sign-in at the server; both or neither.
    - LMS_SMTP_SECURITY: "starttls" (default: plain connection upgraded to TLS, usually port
      587), "ssl" (TLS from the start, usually 465) or "none" (no encryption: only for a server
      on the same machine or a trusted network). The server's certificate is always checked
      against the system's trusted authorities (SSL_CERT_FILE adds a private one).
    - LMS_SMTP_TIMEOUT: seconds to wait for the server at each step (10).
    - LMS_MAIL_SENDER: the From address, e.g. `Curso OIM <cursos@example.org>`; required.
    """
    host = _text(config.get("LMS_SMTP_HOST"))
    if host is None:
        return None
    security = _text(config.get("LMS_SMTP_SECURITY")) or DEFAULT_SECURITY
    if security not in get_args(Security):
        raise MailSettingsError(
            f"LMS_SMTP_SECURITY is {security!r}: set it to starttls, ssl or none."
        )
    default_port = DEFAULT_SSL_PORT if security == "ssl" else DEFAULT_PORT
    port = _number("LMS_SMTP_PORT", config.get("LMS_SMTP_PORT"), int, default_port)
    if not 0 < port < 65536:
        raise MailSettingsError(f"LMS_SMTP_PORT is {port}: give a port from 1 to 65535.")
    timeout = _number("LMS_SMTP_TIMEOUT", config.get("LMS_SMTP_TIMEOUT"), float, DEFAULT_TIMEOUT)
    if timeout <= 0:
        raise MailSettingsError(f"LMS_SMTP_TIMEOUT is {timeout}: give a number of seconds above 0.")
    username = _text(config.get("LMS_SMTP_USERNAME"))
    # Spaces may belong to a password: only an empty one counts as unset.
    password = str(config.get("LMS_SMTP_PASSWORD") or "") or None
    if (username is None) != (password is None):
        raise MailSettingsError(
            "Only one of LMS_SMTP_USERNAME and LMS_SMTP_PASSWORD is set: set both to sign in "
            "at the mail server, or neither."
        )
    if not f"{username}{password}".isascii():
        raise MailSettingsError(NOT_ASCII_CREDENTIALS)
    sender = _text(config.get("LMS_MAIL_SENDER"))
    if sender is None:
        raise MailSettingsError(
            "LMS_MAIL_SENDER is not set: set it to the address mails come from, "
            "e.g. Curso OIM <cursos@example.org>."
        )
    try:
        single_address("sender", sender)
    except InvalidMail as error:
        raise MailSettingsError(f"LMS_MAIL_SENDER: {error}") from error
    return SmtpSettings(
        host=host,
        port=port,
        username=username,
        password=password,
        security=cast(Security, security),
        timeout=timeout,
        sender=sender,
    )


def deliver(settings: SmtpSettings, message: EmailMessage) -> None:
    """Hand `message` to the mail server, or raise TemporaryFailure or PermanentFailure.

    ConfigurationFailure, a TemporaryFailure, means the settings do not work with the server.
    The timeout applies to each step (connecting, each reply), not to the whole delivery.
    """
    sender = single_address("sender", settings.sender).addr_spec
    recipient = single_address("to", str(message["To"] or "")).addr_spec
    stage: Stage = "connect"
    try:
        client = _connect(settings)
        try:
            client.ehlo_or_helo_if_needed()
            if settings.security == "starttls":
                stage = "starttls"
                code, reply = client.starttls(context=ssl.create_default_context())
                # smtplib carries on unencrypted after a refusal; we never do.
                if code != 220:
                    raise smtplib.SMTPResponseException(code, reply)
            if settings.username is not None:
                stage = "login"
                _login(client, settings)
            stage = "send"
            client.send_message(message, from_addr=sender, to_addrs=[recipient])
        except BaseException:
            client.close()
            raise
    except (smtplib.SMTPException, OSError) as error:
        raise classify(error, stage=stage, settings=settings) from error
    # The message is accepted: a server that hangs up before QUIT's reply changes nothing.
    with contextlib.suppress(smtplib.SMTPException, OSError):
        client.quit()
    client.close()


def classify(error: OSError, *, stage: Stage, settings: SmtpSettings) -> DeliveryFailure:
    """Return the failure that `error`, raised at `stage` of a delivery, stands for."""
    where = f"{settings.host}:{settings.port}"
    if isinstance(error, smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused):
        return _refusal(error, stage, where)
    # smtplib reports a reply that never came as a disconnection caused by the timeout.
    if isinstance(error, TimeoutError) or isinstance(error.__context__, TimeoutError):
        return TemporaryFailure(
            f"no answer from the mail server at {where} within {settings.timeout:g} s"
        )
    if isinstance(error, smtplib.SMTPException):
        return _protocol_failure(error, stage, where)
    return _network_failure(error, settings.host, where)


def _refusal(
    error: smtplib.SMTPResponseException | smtplib.SMTPRecipientsRefused, stage: Stage, where: str
) -> DeliveryFailure:
    """A reply with a code: 4xx is temporary, 5xx is the message's fault or ours."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(error.recipients.values()), (-1, b""))
        # RFC 5321 4.5.3.1.10: a 552 answer to RCPT means "too many recipients" for now.
        failure = PermanentFailure if _is_permanent(code) and code != 552 else TemporaryFailure
        return failure(f"{code} {_text_of(reply)}")
    if not _is_permanent(error.smtp_code):
        return TemporaryFailure(_reply(error))
    if isinstance(error, smtplib.SMTPSenderRefused):
        return ConfigurationFailure(
            f"the mail server refused the sender {_text_of(error.sender)}: {_reply(error)}; "
            "check LMS_MAIL_SENDER"
        )
    if isinstance(error, smtplib.SMTPAuthenticationError):
        return ConfigurationFailure(
            f"the mail server refused the sign-in: {_reply(error)}; "
            "check LMS_SMTP_USERNAME and LMS_SMTP_PASSWORD"
        )
    if stage == "send":
        return PermanentFailure(_reply(error))
    return ConfigurationFailure(
        f"the mail server at {where} refused {STAGE_NAMES[stage]}: {_reply(error)}"
    )


def _protocol_failure(error: smtplib.SMTPException, stage: Stage, where: str) -> DeliveryFailure:
    """An SMTP failure without a reply code: a hang-up, or something the server lacks."""
    if isinstance(error, smtplib.SMTPServerDisconnected):
        return TemporaryFailure(f"the mail server at {where} closed the connection")
    if stage == "starttls":
        return ConfigurationFailure(
            f"the mail server at {where} does not offer STARTTLS; set LMS_SMTP_SECURITY to ssl "
            "if it takes TLS connections (usually port 465), or to none for a server on this "
            "machine"
        )
    if stage == "login":
        # No AUTH at all, or no sign-in method that both sides know.
        return ConfigurationFailure(
            f"the mail server at {where} offers no sign-in we can use ({error}); "
            "use LMS_SMTP_SECURITY starttls or ssl, or leave LMS_SMTP_USERNAME empty"
        )
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return PermanentFailure(f"the mail server cannot take this message: {error}")
    return TemporaryFailure(f"the mail server at {where} failed: {error}")


def _network_failure(error: OSError, host: str, where: str) -> DeliveryFailure:
    """A failure below SMTP: name lookup, connection or TLS."""
    if isinstance(error, ssl.SSLCertVerificationError):
        detail = getattr(error, "verify_message", None) or error
        return ConfigurationFailure(
            f"the certificate of the mail server at {where} is not trusted ({detail}); "
            "check LMS_SMTP_HOST"
        )
    if isinstance(error, ssl.SSLEOFError | ssl.SSLZeroReturnError):
        return TemporaryFailure(f"the mail server at {where} closed the connection during TLS")
    if isinstance(error, ssl.SSLError):
        detail = getattr(error, "reason", None) or error
        return ConfigurationFailure(
            f"no TLS connection to the mail server at {where} ({detail}); "
            "check LMS_SMTP_SECURITY and LMS_SMTP_PORT (ssl: usually 465, starttls: 587)"
        )
    if isinstance(error, socket.gaierror):
        return TemporaryFailure(f"cannot find the mail server {host}: {error.strerror}")
    if isinstance(error, ConnectionRefusedError):
        return TemporaryFailure(f"the mail server at {where} refused the connection")
    return TemporaryFailure(f"talking to the mail server at {where} failed: {error}")


def _login(client: smtplib.SMTP, settings: SmtpSettings) -> None:
    """Sign in at the server with the configured user name and password."""
    assert settings.username is not None
    try:
        client.login(settings.username, settings.password or "")
    except UnicodeEncodeError as error:
        # smtplib sends credentials as ASCII only.
        raise ConfigurationFailure(NOT_ASCII_CREDENTIALS) from error


def _connect(settings: SmtpSettings) -> smtplib.SMTP:
    """Open a connection to the server and read its greeting."""
    if settings.security == "ssl":
        return smtplib.SMTP_SSL(
            settings.host,
            settings.port,
            timeout=settings.timeout,
            context=ssl.create_default_context(),
        )
    return smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)


def _is_permanent(code: int) -> bool:
    return 500 <= code < 600


def _reply(error: smtplib.SMTPResponseException) -> str:
    return f"{error.smtp_code} {_text_of(error.smtp_error)}"


def _text_of(value: bytes | str) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


def _text(value: Any) -> str | None:
    """Return a setting as text, None when unset or blank."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _number(name: str, value: Any, kind: Callable[[Any], Number], default: Number) -> Number:
    """Return a numeric setting, `default` when unset or blank."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return default
    try:
        return kind(value)
    except (TypeError, ValueError) as error:
        raise MailSettingsError(f"{name} is {value!r}: give a number.") from error
