"""Default settings and the environment variables that override them."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

SECRET_KEY_FILE = "secret_key"
SHIPPED_COURSE = Path(__file__).resolve().parent.parent / "modules"
SQLITE_FILE = "lms.sqlite3"
TWO_WEEKS = timedelta(days=14)


def defaults(instance_path: str) -> dict[str, Any]:
    """Return the built-in settings; every key is documented in docs/configuration.md."""
    return {
        "DATABASE_URL": f"sqlite:///{Path(instance_path) / SQLITE_FILE}",
        "SQLALCHEMY_ECHO": False,
        "SECRET_KEY": None,
        "LMS_REDIS_URL": None,
        # Sign-in attempts (limits syntax: "N per minute; M per hour"). Per address is looser:
        # a whole class may sign in from one office network at the start of a session.
        "LMS_SIGN_IN_LIMIT_PER_EMAIL": "5 per minute; 20 per hour",
        "LMS_SIGN_IN_LIMIT_PER_ADDRESS": "30 per minute; 200 per hour",
        # Starts every rate-limit key, so installations can share one Redis.
        "LMS_RATE_LIMIT_PREFIX": "lms",
        "LMS_SECURE_COOKIES": False,
        # Proxies in front of the app whose X-Forwarded-* headers are believed (lms.proxies).
        "LMS_TRUSTED_PROXIES": 0,
        "LMS_HOME_ENDPOINT": "learning.home",
        # The course published on first start when the database holds none (`lms serve`): the
        # checkout's modules/ folder, wherever the server is started from.
        "LMS_CONTENT_PATH": str(SHIPPED_COURSE),
        "LMS_DEFAULT_LANGUAGE": "es",
        # The web editor: largest Markdown file it saves, largest image it accepts.
        "LMS_EDITOR_MAX_FILE_BYTES": 1_000_000,
        "LMS_MEDIA_MAX_BYTES": 5 * 1024 * 1024,
        # Largest body of any other request (forms, quiz answers), and of a learner list upload.
        "LMS_FORM_MAX_BYTES": 1024 * 1024,
        "LMS_ROSTER_MAX_BYTES": 5 * 1024 * 1024,
        # Mail (invitations, password resets) goes through the outbox; without a host it waits.
        "LMS_SMTP_HOST": None,
        "LMS_SMTP_PORT": None,
        "LMS_SMTP_USERNAME": None,
        "LMS_SMTP_PASSWORD": None,
        "LMS_SMTP_SECURITY": "starttls",
        "LMS_SMTP_TIMEOUT": 10.0,
        "LMS_MAIL_SENDER": None,
        # Public address of the platform (mount prefix included) for links in mail the worker
        # writes, such as reminders; unset: the address an instructor used to set the dates.
        "LMS_BASE_URL": None,
        "LMS_MIN_PASSWORD_LENGTH": 12,
        "LMS_LANGUAGE_COOKIE": "lang",
        "BABEL_DEFAULT_LOCALE": "es",
        "SESSION_COOKIE_NAME": "lms_session",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": False,
        "SESSION_COOKIE_PATH": None,
        "REMEMBER_COOKIE_NAME": "lms_remember",
        "REMEMBER_COOKIE_DURATION": TWO_WEEKS,
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_PATH": "/",
        "WTF_CSRF_TIME_LIMIT": 3600,
    }


def parse_bool(value: str) -> bool:
    """Read yes/no style environment values; anything unknown is an error, not a silent False."""
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"expected true or false, got {value!r}")


def parse_limits(value: str) -> str:
    """Check a limits string such as "5 per minute; 20 per hour" now, not at the first sign-in."""
    from limits import parse_many

    parse_many(value)  # raises ValueError naming what it could not read
    return value.strip()


# Environment variable -> (setting, parser). Only these are read, so a stray variable in the
# server's environment cannot change behaviour by accident.
ENVIRONMENT: Mapping[str, tuple[str, Callable[[str], Any]]] = {
    "DATABASE_URL": ("DATABASE_URL", str),
    "SECRET_KEY": ("SECRET_KEY", str),
    "LMS_REDIS_URL": ("LMS_REDIS_URL", str),
    # Every process and machine of a site needs the same limits and prefix (a shared Redis).
    "LMS_SIGN_IN_LIMIT_PER_EMAIL": ("LMS_SIGN_IN_LIMIT_PER_EMAIL", parse_limits),
    "LMS_SIGN_IN_LIMIT_PER_ADDRESS": ("LMS_SIGN_IN_LIMIT_PER_ADDRESS", parse_limits),
    "LMS_RATE_LIMIT_PREFIX": ("LMS_RATE_LIMIT_PREFIX", str),
    "LMS_SECURE_COOKIES": ("LMS_SECURE_COOKIES", parse_bool),
    "LMS_TRUSTED_PROXIES": ("LMS_TRUSTED_PROXIES", int),
    "LMS_HOME_ENDPOINT": ("LMS_HOME_ENDPOINT", str),
    "LMS_CONTENT_PATH": ("LMS_CONTENT_PATH", os.path.abspath),
    "LMS_EDITOR_MAX_FILE_BYTES": ("LMS_EDITOR_MAX_FILE_BYTES", int),
    "LMS_MEDIA_MAX_BYTES": ("LMS_MEDIA_MAX_BYTES", int),
    "LMS_FORM_MAX_BYTES": ("LMS_FORM_MAX_BYTES", int),
    "LMS_ROSTER_MAX_BYTES": ("LMS_ROSTER_MAX_BYTES", int),
    "LMS_SMTP_HOST": ("LMS_SMTP_HOST", str),
    "LMS_SMTP_PORT": ("LMS_SMTP_PORT", int),
    "LMS_SMTP_USERNAME": ("LMS_SMTP_USERNAME", str),
    "LMS_SMTP_PASSWORD": ("LMS_SMTP_PASSWORD", str),
    "LMS_SMTP_SECURITY": ("LMS_SMTP_SECURITY", str),
    "LMS_SMTP_TIMEOUT": ("LMS_SMTP_TIMEOUT", float),
    "LMS_MAIL_SENDER": ("LMS_MAIL_SENDER", str),
    "LMS_BASE_URL": ("LMS_BASE_URL", str),
}


def from_environment(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Return the settings given by environment variables."""
    environ = os.environ if environ is None else environ
    settings: dict[str, Any] = {}
    for variable, (name, parse) in ENVIRONMENT.items():
        raw = environ.get(variable)
        if raw is None or raw == "":
            continue
        try:
            settings[name] = parse(raw)
        except ValueError as error:
            raise ValueError(f"Environment variable {variable}: {error}.") from error
    return settings


def read_secret_key(instance_path: str) -> str | None:
    """Return the secret key stored by `lms init`, or None when the file does not exist."""
    path = Path(instance_path) / SECRET_KEY_FILE
    if not path.is_file():
        return None
    key = path.read_text(encoding="utf-8").strip()
    return key or None


def apply_derived(config: dict[str, Any]) -> None:
    """Set the settings that follow from others.

    LMS_SECURE_COOKIES turns on both Secure flags. MAX_CONTENT_LENGTH is the ceiling of every
    request body: what the largest upload needs (an image, a learner list, or an edited file
    sent as a form). Each request gets its own lower limit (lms.input_limits), so an oversized
    body is refused before it is read into memory.
    """
    from lms.input_limits import editor_body, media_body, roster_body

    if config["LMS_SECURE_COOKIES"]:
        config["SESSION_COOKIE_SECURE"] = True
        config["REMEMBER_COOKIE_SECURE"] = True
    if config.get("MAX_CONTENT_LENGTH") is None:
        config["MAX_CONTENT_LENGTH"] = max(
            config["LMS_FORM_MAX_BYTES"],
            media_body(config),
            editor_body(config),
            roster_body(config),
        )
