"""The signed-in floor: the least a page for a signed-in person costs on the platform's stack.

Flask-Login restores the account from Flask's signed session cookie through one SQLAlchemy read
by primary key of the platform's own `users` table (lms.models.User, an engine made as the
platform makes its own), and the page is one short line with the person's name. No templates,
no CSRF check, no compression, no second statement: every signed-in page of the platform does
at least this, so this floor's ratio to hello is the most any of them can reach here.

Signing in (untimed, as for the platform) takes any token from GET /login and finds the account
by its email on POST /login; the password is not checked.
"""

from __future__ import annotations

import os

import flask_login
from flask import Flask, abort, redirect, request
from flask.typing import ResponseReturnValue
from lmsbench import counting
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from floors.insert import ENGINE
from lms.db import make_engine
from lms.models import User

SIGN_IN_FORM = '<form method="post"><input name="csrf_token" value="floor"></form>'


def create_signed_in_app() -> Flask:
    """The app; DATABASE_URL and SECRET_KEY as for the platform."""
    app = Flask(__name__)
    app.secret_key = os.environ["SECRET_KEY"]
    engine = make_engine(os.environ["DATABASE_URL"])
    app.extensions[ENGINE] = engine  # renewed after each fork (floors.serve)
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    manager = flask_login.LoginManager(app)

    def database() -> Session:
        session: Session = sessions()
        return session

    def load_user(stored: str) -> User | None:
        user_id, _, version = stored.partition(":")  # User.get_id(), as the platform stores it
        with database() as session:
            user = session.get(User, int(user_id))
        return user if user is not None and str(user.session_version) == version else None

    manager.user_loader(load_user)

    @app.get("/")
    def ready() -> str:
        return "ready"

    @app.get("/login")
    def sign_in_form() -> str:
        return SIGN_IN_FORM

    @app.post("/login")
    def sign_in() -> ResponseReturnValue:
        with database() as session:
            user = session.scalars(select(User).where(User.email == request.form["email"])).one()
        flask_login.login_user(user)
        return redirect("/page")

    @app.get("/page")
    def page() -> str:
        if not flask_login.current_user.is_authenticated:
            abort(401)
        return f"Hello, {escape(flask_login.current_user.name)}"

    counting.install(app, engine)
    return app
