"""Files of lms/static under content-hashed names, cached by browsers for a year.

Templates keep calling `url_for('static', filename='lms.css')`; a URL-defaults hook turns the
name into `lms.<hash>.css`, where the hash is the start of the file's SHA-256. A changed file
gets a new name, so the old one can be cached as immutable: a revisit asks nothing for it.
The names are computed once per process (per static folder), when the first URL is built.

The static view serves:
- a current hashed name: the file, `public, max-age=31536000, immutable`;
- the plain name (old pages, bookmarks) or an out-of-date hash: the file as it is now, for a
  short while (SHORT_MAX_AGE), with validators.
In debug mode URLs keep plain names, so an edited style sheet shows on reload.

Static requests open no session: a response that read the session carries "Vary: Cookie", and
browsers would then drop their year-long copies whenever the session cookie changes (a sign-in,
a message shown after a form).

A deployment replaces the files and restarts the processes; a process never re-reads them.
"""

from __future__ import annotations

import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from flask import Flask, Request, Response, current_app, request, send_from_directory
from flask.sessions import SecureCookieSession, SecureCookieSessionInterface
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import NotFound

from lms.auth.access import public

HASH_LENGTH = 12  # 48 bits of SHA-256: enough to tell versions of one file apart
ONE_YEAR = 365 * 24 * 3600
IMMUTABLE = f"public, max-age={ONE_YEAR}, immutable"
SHORT_MAX_AGE = 300
ICON_MAX_AGE = 7 * 24 * 3600

_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<hash>[0-9a-f]{{{HASH_LENGTH}}})(?P<suffix>\.[^./]+)?$")


@dataclass(frozen=True)
class StaticManifest:
    """Plain names (relative, with '/') to hashed ones and back."""

    hashed: dict[str, str]
    plain: dict[str, str]

    def hashed_name(self, name: str) -> str:
        """The hashed name of `name`, or `name` itself for a file that is not there."""
        return self.hashed.get(name, name)


def hashed_name(name: str, digest: str) -> str:
    """`editor/editor.js` with digest `ab12...` -> `editor/editor.ab12....js`."""
    path = PurePosixPath(name)
    short = digest[:HASH_LENGTH]
    if path.suffix:
        return str(path.with_name(f"{path.stem}.{short}{path.suffix}"))
    return f"{name}.{short}"


def without_hash(name: str) -> str | None:
    """The plain name a hashed-looking `name` stands for, or None when it carries no hash."""
    path = PurePosixPath(name)
    match = _HASHED.match(path.name)
    if match is None:
        return None
    return str(path.with_name(match["stem"] + (match["suffix"] or "")))


def file_digest(path: Path) -> str:
    """Hex SHA-256 of a file's bytes."""
    with path.open("rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


@functools.cache
def manifest_of(folder: str) -> StaticManifest:
    """Hash every file under `folder`: once per process, whatever the number of apps."""
    root = Path(folder)
    hashed: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            name = path.relative_to(root).as_posix()
            hashed[name] = hashed_name(name, file_digest(path))
    return StaticManifest(hashed=hashed, plain={v: k for k, v in hashed.items()})


def static_folder(app: Flask) -> str:
    """The app's static folder (it always has one: lms/static)."""
    assert app.static_folder is not None
    return app.static_folder


def add_hash_to_static_urls(endpoint: str, values: dict[str, Any]) -> None:
    """URL defaults hook: `url_for('static', filename=...)` builds the hashed name."""
    if endpoint != "static" or current_app.debug:
        return
    name = values.get("filename")
    if isinstance(name, str):
        values["filename"] = manifest_of(static_folder(current_app)).hashed_name(name)


@public("style sheets, scripts and fonts: the same for everyone")
def serve_static(filename: str) -> ResponseReturnValue:
    """The static view: hashed names for a year, plain or out-of-date ones for a short while."""
    folder = static_folder(current_app)
    files = manifest_of(folder)
    try:
        if filename in files.plain:
            response = _send(folder, files.plain[filename], ONE_YEAR)
            response.headers["Cache-Control"] = IMMUTABLE
            return response
        if filename in files.hashed:
            return _send(folder, filename, SHORT_MAX_AGE)
        # A hash of an earlier version (a page cached before a deployment): today's file.
        return _send(folder, without_hash(filename) or filename, SHORT_MAX_AGE)
    except NotFound:
        # Only pages ask for these: a short answer, not the error page (it needs a session).
        return Response("Not found\n", 404, mimetype="text/plain")


def _send(folder: str, name: str, max_age: int) -> Response:
    """The whole file, with validators; no ranges, so a compressed body is always whole."""
    response = send_from_directory(folder, name, max_age=max_age, conditional=False)
    # Bytes every file would carry for nothing: max-age says what Expires says, and inline is
    # what a browser does with a style sheet or script anyway.
    del response.headers["Expires"]
    del response.headers["Content-Disposition"]
    response.make_conditional(request)
    if response.status_code == 200:
        # Read whole (the largest file, editor.js, is 450 kB): compression keeps brotli for
        # responses that are not streamed.
        response.direct_passthrough = False
        response.make_sequence()
    return response


@public("the browser asks for an icon by itself")
def no_icon() -> ResponseReturnValue:
    """/favicon.ico, which browsers ask for by themselves: the platform has no icon.

    An empty answer that browsers keep for a week, instead of the "not found" page (2.5 kB)
    on every first visit.
    """
    response = Response(b"", status=204)
    del response.headers["Content-Type"]
    response.headers["Cache-Control"] = f"public, max-age={ICON_MAX_AGE}"
    return response


class NoSessionForStaticFiles(SecureCookieSessionInterface):
    """The cookie session, except that static files (and the icon) get none: no "Vary: Cookie"."""

    def open_session(self, app: Flask, request: Request) -> SecureCookieSession | None:
        # Runs before URL matching, so the path tells, not the endpoint; the path is relative
        # to the mount point in the plugin form.
        if request.path == "/favicon.ico" or (
            app.static_url_path and request.path.startswith(f"{app.static_url_path}/")
        ):
            return None  # Flask then uses its read-only empty session
        return super().open_session(app, request)


def init_app(app: Flask) -> None:
    """Serve lms/static under hashed names; every template keeps using url_for('static')."""
    app.url_defaults(add_hash_to_static_urls)
    app.view_functions["static"] = serve_static
    app.session_interface = NoSessionForStaticFiles()
    app.add_url_rule("/favicon.ico", "favicon", no_icon)
