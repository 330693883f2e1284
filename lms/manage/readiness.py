"""`/ready`: may a load balancer or container runtime send this process traffic?

Answers without a session or a sign-in, so a probe never touches the users table: 200 when the
database answers a trivial query, 503 (with `Retry-After`) when it does not. It says nothing
else, so it tells an outsider nothing; the administrators' health page has the details.
"""

from __future__ import annotations

from flask import Blueprint, Response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from lms.auth.access import public
from lms.db import db_session

blueprint = Blueprint("readiness", __name__)
RETRY_SECONDS = 5


@blueprint.route("/ready", methods=["GET", "HEAD"])
@public("load balancers and container runtimes ask it without signing in; it reveals nothing")
def ready() -> Response:
    """200 "ready" when the database answers, else 503 "not ready"."""
    try:
        db_session().execute(text("SELECT 1"))
    except SQLAlchemyError:
        db_session().rollback()
        response = Response("not ready\n", 503, mimetype="text/plain")
        response.headers["Retry-After"] = str(RETRY_SECONDS)
        return response
    return Response("ready\n", 200, mimetype="text/plain")
