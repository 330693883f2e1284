"""Building messages and delivering them to a real SMTP server, and what each failure means."""

from __future__ import annotations

import smtplib
import socket
import ssl
from typing import Any

import pytest

from lms.mail.message import InvalidMail, OutgoingMail, build_message
from lms.mail.smtp import (
    REASON_MAX_LENGTH,
    ConfigurationFailure,
    DeliveryFailure,
    MailSettingsError,
    PermanentFailure,
    SmtpSettings,
    Stage,
    TemporaryFailure,
    classify,
    deliver,
    settings_from_config,
)
from tests.mail.smtp_server import HOST, SENDER, Certificate, SmtpServer, free_port, trust

pytest_plugins = ["tests.mail.smtp_server"]

SUBJECT = "Invitación al módulo 3 — migração, ação e coração"
TEXT = (
    "Hola, Ana Pérez:\n\nTe invitamos al módulo «Migración y desarrollo». Año 2025, señal ñ.\n"
    "Olá! Você foi convidada; a lição começa às 9h — atenção às instruções.\n"
)
HTML = "<p>Hola, <strong>Ana Pérez</strong>: módulo «Migración», lição às 9h.</p>\n"


def mail(to: str = "Ana Pérez <ana@example.org>", **changes: Any) -> OutgoingMail:
    values: dict[str, Any] = {"to": to, "subject": SUBJECT, "text": TEXT, "html": None}
    return OutgoingMail(**(values | changes))


def send(settings: SmtpSettings, outgoing: OutgoingMail | None = None) -> None:
    message = build_message(
        outgoing or mail(), sender=settings.sender, message_id_domain=settings.sender_domain
    )
    deliver(settings, message)


# Building messages


def test_spanish_and_portuguese_arrive_intact(smtp_server: SmtpServer) -> None:
    send(smtp_server.settings(), mail(reply_to="Secretaría <secretaria@example.org>"))

    [received] = smtp_server.received
    assert received.mail_from == "cursos@example.org"
    assert received.rcpt_tos == ["ana@example.org"]
    received.data.decode("ascii")  # 7-bit clean: any server takes it, 8BITMIME or not
    assert b"=?utf-8?" in received.data.split(b"\r\n\r\n")[0]  # RFC 2047 encoded headers
    message = received.message
    assert message["Subject"] == SUBJECT
    assert message["To"].addresses[0].display_name == "Ana Pérez"
    assert message["From"] == SENDER
    assert message["Reply-To"] == "Secretaría <secretaria@example.org>"
    assert message["Message-ID"].endswith("@example.org>")
    assert message["Date"].datetime.utcoffset().total_seconds() == 0
    assert message["Auto-Submitted"] == "auto-generated"
    assert message.get_content_type() == "text/plain"
    assert message["Content-Transfer-Encoding"] in {"quoted-printable", "base64"}
    # Text travels in MIME's canonical form, lines ending in CRLF.
    assert message.get_content().splitlines() == TEXT.splitlines()


def test_html_goes_as_an_alternative_to_the_text(smtp_server: SmtpServer) -> None:
    send(smtp_server.settings(), mail(html=HTML))

    [message] = smtp_server.messages
    assert message.get_content_type() == "multipart/alternative"
    plain, html = message.get_body(("plain",)), message.get_body(("html",))
    assert plain is not None and html is not None
    assert plain.get_content().splitlines() == TEXT.splitlines()
    assert html.get_content().splitlines() == HTML.splitlines()


def test_a_message_id_given_is_kept() -> None:
    message = build_message(
        mail(), sender=SENDER, message_id_domain="example.org", message_id="<outbox-7@example.org>"
    )
    assert message["Message-ID"] == "<outbox-7@example.org>"


@pytest.mark.parametrize("breaker", ["\r", "\n", "\r\n", "\u2028", "\x85", "\x00"])
@pytest.mark.parametrize("field", ["to", "subject", "reply_to"])
def test_a_line_break_in_a_header_is_refused(field: str, breaker: str) -> None:
    values = {"to": "ana@example.org", "subject": "Hola", "reply_to": "s@example.org"}
    values[field] += f"{breaker}Bcc: everyone@example.org"
    with pytest.raises(InvalidMail, match=field):
        build_message(mail(**values), sender=SENDER, message_id_domain="example.org")


@pytest.mark.parametrize(
    "to",
    ["ana@example.org, luis@example.org", "ana@", "ana", "<>", "ana@exa mple.org", ""],
)
def test_to_must_be_one_address(to: str) -> None:
    with pytest.raises(InvalidMail, match="not one email address"):
        build_message(mail(to), sender=SENDER, message_id_domain="example.org")


@pytest.mark.parametrize("domain", ["example.org>", "", "a b", "example.org\nX: y"])
def test_the_message_id_domain_must_be_a_domain(domain: str) -> None:
    with pytest.raises(InvalidMail, match="Message-ID"):
        build_message(mail(), sender=SENDER, message_id_domain=domain)


def test_invalid_mail_is_a_value_error() -> None:
    assert issubclass(InvalidMail, ValueError)


# Replies from the server


@pytest.mark.parametrize(
    ("code", "stage", "failure"),
    [
        (451, "RCPT", TemporaryFailure),
        (450, "RCPT", TemporaryFailure),
        (550, "RCPT", PermanentFailure),
        (553, "RCPT", PermanentFailure),
        (552, "RCPT", TemporaryFailure),  # RFC 5321: "too many recipients", try later
        (452, "DATA", TemporaryFailure),
        (554, "DATA", PermanentFailure),
    ],
)
def test_refusals_are_classified_by_their_code(
    smtp_server: SmtpServer, code: int, stage: Any, failure: type[DeliveryFailure]
) -> None:
    smtp_server.fail_with("ana@example.org", code, "5.1.1 no such mailbox", stage=stage)

    with pytest.raises(DeliveryFailure) as raised:
        send(smtp_server.settings())

    assert type(raised.value) is failure
    assert raised.value.reason == f"{code} 5.1.1 no such mailbox"
    assert smtp_server.received == []


def test_a_temporary_refusal_then_delivery(smtp_server: SmtpServer) -> None:
    smtp_server.fail_with("ana@example.org", 451, "4.3.0 try again later", times=1)

    with pytest.raises(TemporaryFailure):
        send(smtp_server.settings())
    send(smtp_server.settings())

    assert len(smtp_server.messages) == 1


def test_other_recipients_are_not_refused(smtp_server: SmtpServer) -> None:
    smtp_server.fail_with("luis@example.org", 550, "no such mailbox")
    send(smtp_server.settings())
    assert len(smtp_server.messages) == 1


# Unreachable, slow and misconfigured servers


def test_a_port_nobody_listens_on_is_temporary() -> None:
    settings = SmtpSettings(HOST, free_port(), None, None, "none", 5.0, SENDER)
    with pytest.raises(TemporaryFailure, match="refused the connection") as raised:
        send(settings)
    assert type(raised.value) is TemporaryFailure


def test_a_stopped_server_is_temporary(smtp_server: SmtpServer) -> None:
    settings = smtp_server.settings()
    smtp_server.stop()
    with pytest.raises(TemporaryFailure, match="refused the connection"):
        send(settings)


def test_a_server_slower_than_the_timeout_is_temporary(smtp_server: SmtpServer) -> None:
    smtp_server.delay(5)
    with pytest.raises(TemporaryFailure, match=r"no answer .* within 0\.5 s") as raised:
        send(smtp_server.settings(timeout=0.5))
    assert type(raised.value) is TemporaryFailure


def test_starttls_not_offered_is_a_configuration_failure(smtp_server: SmtpServer) -> None:
    with pytest.raises(ConfigurationFailure, match="does not offer STARTTLS"):
        send(smtp_server.settings(security="starttls"))
    assert smtp_server.received == []


def test_a_configuration_failure_keeps_the_message_for_later() -> None:
    assert issubclass(ConfigurationFailure, TemporaryFailure)


def test_ssl_against_a_plain_server_is_a_configuration_failure(smtp_server: SmtpServer) -> None:
    with pytest.raises(ConfigurationFailure, match="LMS_SMTP_SECURITY and LMS_SMTP_PORT"):
        send(smtp_server.settings(security="ssl"))


def test_an_untrusted_certificate_is_refused(smtp_server_starttls: SmtpServer) -> None:
    with pytest.raises(ConfigurationFailure, match=r"certificate .* is not trusted"):
        send(smtp_server_starttls.settings())
    assert smtp_server_starttls.received == []


def test_delivery_over_starttls(
    smtp_server_starttls: SmtpServer, tls_certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust(tls_certificate, monkeypatch)
    send(smtp_server_starttls.settings())
    [received] = smtp_server_starttls.received
    assert received.tls
    assert received.message["Subject"] == SUBJECT


def test_delivery_over_ssl(
    smtps_server: SmtpServer, tls_certificate: Certificate, monkeypatch: pytest.MonkeyPatch
) -> None:
    trust(tls_certificate, monkeypatch)
    send(smtps_server.settings())
    [received] = smtps_server.received
    assert received.tls


def test_sign_in(smtp_server: SmtpServer) -> None:
    smtp_server.accept_login("cursos", "clave secreta")
    send(smtp_server.settings(username="cursos", password="clave secreta"))
    assert len(smtp_server.messages) == 1


def test_a_password_with_accents_is_a_configuration_failure(smtp_server: SmtpServer) -> None:
    with pytest.raises(ConfigurationFailure, match="outside ASCII"):
        send(smtp_server.settings(username="cursos", password="contraseña"))


def test_a_wrong_password_is_a_configuration_failure(smtp_server: SmtpServer) -> None:
    smtp_server.accept_login("cursos", "clave secreta")
    with pytest.raises(ConfigurationFailure, match="refused the sign-in: 535"):
        send(smtp_server.settings(username="cursos", password="otra"))
    assert smtp_server.received == []


# Errors that a local server cannot produce, classified directly


def disconnected_by(cause: OSError) -> smtplib.SMTPServerDisconnected:
    """Return the error smtplib raises when reading a reply fails with `cause`."""
    try:
        try:
            raise cause
        except OSError as error:
            message = f"Connection unexpectedly closed: {error}"
            raise smtplib.SMTPServerDisconnected(message) from error
    except smtplib.SMTPServerDisconnected as disconnected:
        return disconnected


LOCAL = SmtpSettings("mail.example.org", 587, None, None, "starttls", 10.0, SENDER)


@pytest.mark.parametrize(
    ("error", "stage", "failure", "reason"),
    [
        (
            socket.gaierror(socket.EAI_NONAME, "Name or service not known"),
            "connect",
            TemporaryFailure,
            "cannot find the mail server mail.example.org: Name or service not known",
        ),
        (TimeoutError("timed out"), "send", TemporaryFailure, "within 10 s"),
        (disconnected_by(TimeoutError("timed out")), "send", TemporaryFailure, "within 10 s"),
        (ConnectionResetError(104, "reset"), "send", TemporaryFailure, "failed: [Errno 104]"),
        (smtplib.SMTPServerDisconnected("gone"), "send", TemporaryFailure, "closed"),
        (smtplib.SMTPConnectError(421, b"busy"), "connect", TemporaryFailure, "421 busy"),
        (smtplib.SMTPConnectError(554, b"no"), "connect", ConfigurationFailure, "connection"),
        (smtplib.SMTPHeloError(501, b"bad name"), "connect", ConfigurationFailure, "501"),
        (smtplib.SMTPResponseException(454, b"TLS later"), "starttls", TemporaryFailure, "454"),
        (smtplib.SMTPAuthenticationError(454, b"later"), "login", TemporaryFailure, "454 later"),
        (smtplib.SMTPAuthenticationError(535, b"bad"), "login", ConfigurationFailure, "535"),
        (smtplib.SMTPNotSupportedError("no AUTH"), "login", ConfigurationFailure, "sign-in"),
        (smtplib.SMTPException("no method"), "login", ConfigurationFailure, "sign-in"),
        (smtplib.SMTPSenderRefused(553, b"not yours", "c@x"), "send", ConfigurationFailure, "553"),
        (smtplib.SMTPSenderRefused(451, b"later", "c@x"), "send", TemporaryFailure, "451 later"),
        (smtplib.SMTPNotSupportedError("SMTPUTF8"), "send", PermanentFailure, "SMTPUTF8"),
        (
            smtplib.SMTPRecipientsRefused({"a@x": (550, b"5.1.1 unknown")}),
            "send",
            PermanentFailure,
            "550 5.1.1 unknown",
        ),
        (
            smtplib.SMTPRecipientsRefused({"a@x": (421, b"closing")}),
            "send",
            TemporaryFailure,
            "421 closing",
        ),
        (smtplib.SMTPDataError(552, b"too big"), "send", PermanentFailure, "552 too big"),
        (ssl.SSLError(1, "WRONG_VERSION_NUMBER"), "connect", ConfigurationFailure, "no TLS"),
        (ssl.SSLEOFError(8, "EOF"), "starttls", TemporaryFailure, "closed the connection during"),
        (smtplib.SMTPNotSupportedError("no TLS"), "starttls", ConfigurationFailure, "STARTTLS"),
    ],
)
def test_classify(
    error: OSError, stage: Stage, failure: type[DeliveryFailure], reason: str
) -> None:
    result = classify(error, stage=stage, settings=LOCAL)
    assert type(result) is failure
    assert reason in result.reason


def test_a_reason_fits_a_status_column() -> None:
    reply = "550 " + "mailbox\n   unavailable " * 50
    reason = PermanentFailure(reply).reason
    assert len(reason) == REASON_MAX_LENGTH
    assert reason.startswith("550 mailbox unavailable mailbox")
    assert reason.endswith("…")


# Settings


def test_no_host_means_no_mail() -> None:
    assert settings_from_config({}) is None
    assert settings_from_config({"LMS_SMTP_HOST": "", "LMS_MAIL_SENDER": SENDER}) is None


def test_defaults() -> None:
    settings = settings_from_config(
        {"LMS_SMTP_HOST": "mail.example.org", "LMS_MAIL_SENDER": SENDER}
    )
    assert settings == SmtpSettings("mail.example.org", 587, None, None, "starttls", 10.0, SENDER)
    assert settings.sender_domain == "example.org"


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"LMS_SMTP_SECURITY": "ssl"}, {"security": "ssl", "port": 465}),
        ({"LMS_SMTP_SECURITY": "ssl", "LMS_SMTP_PORT": 2465}, {"port": 2465}),
        ({"LMS_SMTP_SECURITY": "none", "LMS_SMTP_PORT": "25"}, {"security": "none", "port": 25}),
        ({"LMS_SMTP_TIMEOUT": "2.5"}, {"timeout": 2.5}),
        ({"LMS_SMTP_USERNAME": "cursos", "LMS_SMTP_PASSWORD": "s"}, {"username": "cursos"}),
        ({"LMS_SMTP_USERNAME": "", "LMS_SMTP_PASSWORD": ""}, {"username": None}),
        ({"LMS_SMTP_USERNAME": "c", "LMS_SMTP_PASSWORD": " s p "}, {"password": " s p "}),
    ],
)
def test_settings(changes: dict[str, Any], expected: dict[str, Any]) -> None:
    config = {"LMS_SMTP_HOST": "mail.example.org", "LMS_MAIL_SENDER": SENDER} | changes
    settings = settings_from_config(config)
    assert settings is not None
    for name, value in expected.items():
        assert getattr(settings, name) == value


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"LMS_SMTP_SECURITY": "tls"}, "LMS_SMTP_SECURITY is 'tls': set it to starttls"),
        ({"LMS_SMTP_PORT": "smtp"}, "LMS_SMTP_PORT is 'smtp': give a number"),
        ({"LMS_SMTP_PORT": 70000}, "LMS_SMTP_PORT is 70000"),
        ({"LMS_SMTP_TIMEOUT": "0"}, "LMS_SMTP_TIMEOUT is 0.0"),
        ({"LMS_SMTP_USERNAME": "cursos"}, "Only one of LMS_SMTP_USERNAME and LMS_SMTP_PASSWORD"),
        ({"LMS_SMTP_PASSWORD": "s"}, "Only one of"),
        ({"LMS_MAIL_SENDER": None}, "LMS_MAIL_SENDER is not set"),
        ({"LMS_MAIL_SENDER": "a@example.org, b@example.org"}, "LMS_MAIL_SENDER: .* not one"),
        ({"LMS_SMTP_USERNAME": "cursos", "LMS_SMTP_PASSWORD": "contraseña"}, "outside ASCII"),
    ],
)
def test_settings_that_cannot_work(changes: dict[str, Any], message: str) -> None:
    config = {"LMS_SMTP_HOST": "mail.example.org", "LMS_MAIL_SENDER": SENDER} | changes
    with pytest.raises(MailSettingsError, match=message):
        settings_from_config(config)


def test_the_password_stays_out_of_logs() -> None:
    settings = SmtpSettings("mail.example.org", 587, "cursos", "s3cr3t", "ssl", 10.0, SENDER)
    assert "s3cr3t" not in repr(settings)
