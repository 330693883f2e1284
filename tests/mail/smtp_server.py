"""A real SMTP server on 127.0.0.1 for tests: records what it receives, fails or stalls on demand.

Fixtures: `smtp_server` (plain SMTP, the one most tests want), `smtp_server_starttls` (offers
STARTTLS) and `smtps_server` (TLS from the first byte), the last two with a self-signed
certificate for 127.0.0.1 that clients trust only after `trust(certificate, monkeypatch)`.
Every server also offers AUTH without TLS and accepts the one login given to `accept_login`.
"""

from __future__ import annotations

import asyncio
import email
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Literal

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from lms.mail.smtp import Security, SmtpSettings

HOST = "127.0.0.1"
SENDER = "Curso OIM <cursos@example.org>"
Stage = Literal["RCPT", "DATA"]


@dataclass(frozen=True)
class Received:
    """One message as the server took it: envelope, raw bytes, and whether TLS carried it."""

    mail_from: str
    rcpt_tos: list[str]
    data: bytes
    tls: bool

    @property
    def message(self) -> EmailMessage:
        """The message parsed back, headers decoded."""
        parsed: EmailMessage = email.message_from_bytes(self.data, policy=policy.default)
        return parsed


@dataclass
class Failure:
    """A reply the server gives instead of accepting, `times` more times (None: always)."""

    code: int
    text: str
    stage: Stage
    times: int | None


@dataclass
class RecordingHandler:
    """aiosmtpd handler: refuses or stalls as told, records every message it accepts."""

    received: list[Received] = field(default_factory=list)
    failures: dict[str, Failure] = field(default_factory=dict)
    delay_seconds: float = 0.0
    login: tuple[str, str] | None = None
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self,
        server: SMTP,
        session: Session,
        envelope: Envelope,
        address: str,
        rcpt_options: list[str],
    ) -> str:
        refusal = self._refusal(address, "RCPT")
        if refusal is not None:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.delay_seconds:
            # Cancelled when the client hangs up, so a message given up on is not recorded.
            await asyncio.sleep(self.delay_seconds)
        for address in envelope.rcpt_tos:
            refusal = self._refusal(address, "DATA")
            if refusal is not None:
                return refusal
        assert isinstance(envelope.content, bytes)
        received = Received(
            mail_from=envelope.mail_from or "",
            rcpt_tos=list(envelope.rcpt_tos),
            data=envelope.content,
            tls=_over_tls(server, session),
        )
        with self.lock:
            self.received.append(received)
        return "250 Message accepted for delivery"

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: Any
    ) -> AuthResult:
        given = (
            (auth_data.login.decode(), auth_data.password.decode())
            if isinstance(auth_data, LoginPassword)
            else None
        )
        # handled=False: aiosmtpd answers a refusal with 535 itself.
        return AuthResult(success=self.login is not None and given == self.login, handled=False)

    def _refusal(self, address: str, stage: Stage) -> str | None:
        with self.lock:
            failure = self.failures.get(address.lower())
            if failure is None or failure.stage != stage:
                return None
            if failure.times is not None:
                failure.times -= 1
                if failure.times <= 0:
                    del self.failures[address.lower()]
            return f"{failure.code} {failure.text}"


def _over_tls(server: SMTP, session: Session) -> bool:
    """True when the session runs over TLS: after STARTTLS, or from the start."""
    if session.ssl is not None:
        return True
    return (
        server.transport is not None and server.transport.get_extra_info("ssl_object") is not None
    )


class SmtpServer:
    """A running test server: where it listens, what it received, and how it misbehaves."""

    host = HOST

    def __init__(self, controller: Controller, handler: RecordingHandler, security: Security):
        self._controller, self._handler, self._security = controller, handler, security
        self._running = True
        self.port: int = controller.port

    @property
    def received(self) -> list[Received]:
        """Every accepted message with its envelope, oldest first."""
        with self._handler.lock:
            return list(self._handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        """Every accepted message, parsed back, oldest first."""
        return [received.message for received in self.received]

    def fail_with(
        self,
        recipient: str,
        code: int,
        text: str,
        *,
        times: int | None = None,
        stage: Stage = "RCPT",
    ) -> None:
        """Answer `code text` for `recipient` at RCPT (or after DATA), `times` times or always."""
        with self._handler.lock:
            self._handler.failures[recipient.lower()] = Failure(code, text, stage, times)

    def delay(self, seconds: float) -> None:
        """Wait `seconds` before answering each message's DATA (0: answer at once)."""
        self._handler.delay_seconds = seconds

    def accept_login(self, username: str, password: str) -> None:
        """Accept AUTH with exactly these credentials (any other login gets 535)."""
        self._handler.login = (username, password)

    def settings(self, **changes: Any) -> SmtpSettings:
        """SmtpSettings that reach this server, with `changes` applied."""
        values: dict[str, Any] = {
            "host": HOST,
            "port": self.port,
            "username": None,
            "password": None,
            "security": self._security,
            "timeout": 5.0,
            "sender": SENDER,
        }
        return SmtpSettings(**(values | changes))

    def stop(self) -> None:
        """Stop listening: connections are refused from now on."""
        if self._running:
            self._running = False
            self._controller.stop()


@dataclass(frozen=True)
class Certificate:
    """A self-signed certificate for 127.0.0.1 and its key, as PEM files."""

    certificate: Path
    key: Path

    def server_context(self) -> ssl.SSLContext:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(self.certificate, self.key)
        return context


def trust(certificate: Certificate, monkeypatch: pytest.MonkeyPatch) -> None:
    """Make clients in this test trust `certificate`, as SSL_CERT_FILE does for a private CA."""
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate.certificate))


def free_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_server(
    security: Security = "none", certificate: Certificate | None = None
) -> Iterator[SmtpServer]:
    """Run a recording server for the duration of the block."""
    handler = RecordingHandler()
    tls: dict[str, Any] = {}
    if security != "none":
        assert certificate is not None, "a TLS server needs a certificate"
        key = "ssl_context" if security == "ssl" else "tls_context"
        tls[key] = certificate.server_context()
    controller = Controller(
        handler,
        hostname=HOST,
        port=free_port(),
        server_hostname="mail.example.test",  # spares a reverse DNS lookup at every start
        authenticator=handler.authenticate,
        auth_require_tls=False,
        **tls,
    )
    controller.start()
    server = SmtpServer(controller, handler, security)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def tls_certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1, made once per run with the openssl command."""
    folder = tmp_path_factory.mktemp("tls")
    certificate = Certificate(folder / "cert.pem", folder / "key.pem")
    command = [
        "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
        "-nodes", "-days", "2", "-subj", f"/CN={HOST}", "-addext", f"subjectAltName=IP:{HOST}",
        "-keyout", str(certificate.key), "-out", str(certificate.certificate),
    ]  # fmt: skip
    try:
        subprocess.run(command, check=True, capture_output=True)
    except FileNotFoundError:
        pytest.skip("the openssl command is not installed")
    return certificate


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A plain SMTP server (no TLS) that records messages; stopped after the test."""
    with running_server() as server:
        yield server


@pytest.fixture
def smtp_server_starttls(tls_certificate: Certificate) -> Iterator[SmtpServer]:
    """An SMTP server that offers STARTTLS with the self-signed test certificate."""
    with running_server("starttls", tls_certificate) as server:
        yield server


@pytest.fixture
def smtps_server(tls_certificate: Certificate) -> Iterator[SmtpServer]:
    """An SMTP server that speaks TLS from the start (port 465 style)."""
    with running_server("ssl", tls_certificate) as server:
        yield server
