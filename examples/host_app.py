"""A host Flask application that serves the course platform under /lms.

Try it from a checkout:   python examples/host_app.py   and open http://127.0.0.1:8000/
Serve it in production:   gunicorn --preload --chdir examples 'host_app:create_production_app()'
(docs/plugin.md, "Serving").
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from typing import Any

from flask import Flask, session

from lms.bootstrap import bootstrap
from lms.db import get_engine
from lms.instance import ensure_secret_key
from lms.plugin import mount


def create_host_app(lms_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the host site and mount the LMS at /lms."""
    host = Flask(__name__)
    host.config["SECRET_KEY"] = os.environ.get("HOST_SECRET_KEY", "change me: host secret")

    @host.route("/")
    def index() -> str:
        visits = session["visits"] = session.get("visits", 0) + 1
        return (
            "<h1>Ministry training portal</h1>"
            f"<p>Your visits to the host site: {visits}.</p>"
            '<p><a href="/lms/">Go to the migration course</a></p>'
        )

    host.extensions["lms"] = mount(host, "/lms", lms_config)
    return host


def prepare(host: Flask) -> None:
    """First start and upgrades: database, course, first admin (its password is printed)."""
    lms_app: Flask = host.extensions["lms"]
    ensure_secret_key(lms_app)
    report = bootstrap(lms_app)
    if report.admin_password:
        print(f"LMS admin: {report.admin_email} / {report.admin_password}", file=sys.stderr)
    # Under `gunicorn --preload` this ran before the workers fork: they must not share the
    # connections it opened, so none is kept.
    get_engine(lms_app).dispose()


def create_production_app() -> Flask:
    """The host app, prepared once: gunicorn's application factory (use it with --preload)."""
    host = create_host_app()
    prepare(host)
    return host


if __name__ == "__main__":
    host_app = create_production_app()
    host_app.run(host="127.0.0.1", port=8000)
