"""A host Flask application that serves the course platform under /lms.

Run it from a checkout:  python examples/host_app.py  and open http://127.0.0.1:8000/
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from flask import Flask, session

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


if __name__ == "__main__":
    from lms.bootstrap import bootstrap
    from lms.instance import ensure_secret_key

    host_app = create_host_app()
    lms_app: Flask = host_app.extensions["lms"]
    # First start: secret key and database in the LMS instance folder, and an admin account.
    ensure_secret_key(lms_app)
    report = bootstrap(lms_app)
    if report.admin_password:
        print(f"LMS admin: {report.admin_email} / {report.admin_password}")
    host_app.run(host="127.0.0.1", port=8000)
