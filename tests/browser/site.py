"""A lived-in platform for the page-wide browser checks: the real course, every role, records.

Built once per test module (publishing the six modules takes a second) and served by a live
server of its own, so that a dozen page-wide sweeps share one setup.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from werkzeug.serving import make_server

from lms.auth import reset
from lms.authoring import drafts
from lms.cohorts import invitations
from lms.cohorts import services as cohorts
from lms.content import read_tree
from lms.courses.cache import course_cache
from lms.courses.services import publish
from lms.db import db_session, get_engine
from lms.deadlines import services as deadlines
from lms.learning import services as learning
from lms.models import Invitation, Role, User
from lms.models.types import utcnow
from tests.browser.pages import TOO_LARGE
from tests.conftest import DEFAULT_PASSWORD, is_postgres, make_test_app

REPOSITORY = Path(__file__).resolve().parents[2]
MODULES = REPOSITORY / "modules"
AXE = REPOSITORY / "node_modules" / "axe-core" / "axe.min.js"
FIRST_MODULE = "understanding-migration"
FIRST_FOLDER = "01-understanding-migration"
FIRST_LESSON = "key-concepts"
ROSTER = "name,email,country\nMarta Gómez,marta@example.org,AR\nSin correo,,CL\n"


@dataclass
class Site:
    """Where everything is: the base URL, the people (by role) and the ids pages need."""

    app: Flask
    base_url: str
    people: dict[str, User]
    cohort_id: int
    upload_id: int
    invitation_token: str
    expired_invitation_token: str
    join_token: str
    reset_token: str
    certificate_code: str
    attempt_number: int

    @property
    def password(self) -> str:
        return DEFAULT_PASSWORD

    def new_learner(self, email: str, ui_language: str = "en", content_language: str = "") -> User:
        """Another learner with no progress yet; `content_language` chosen apart if given."""
        from lms.auth import services as accounts

        with self.app.app_context():
            user = _user(email.split("@")[0].title(), email, Role.LEARNER, ui_language)
            if content_language:
                accounts.set_content_language(db_session(), user, content_language)
            db_session().commit()
            db_session().refresh(user)
            db_session().expunge(user)
            return user

    def ids(self) -> dict[str, Any]:
        """Values for the placeholders of the page inventory's addresses."""
        return inventory_ids(vars(self))


def inventory_ids(records: Mapping[str, Any]) -> dict[str, Any]:
    """Values for the placeholders of the page inventory's addresses, from what `build_site`
    returns (or an object holding the same names)."""
    return {
        "cohort": records["cohort_id"],
        "learner": records["people"]["learner"].id,
        "upload": records["upload_id"],
        "invitation": records["invitation_token"],
        "expired_invitation": records["expired_invitation_token"],
        "join": records["join_token"],
        "reset": records["reset_token"],
        "code": records["certificate_code"],
        "attempt": records["attempt_number"],
        "module": FIRST_MODULE,
        "lesson": FIRST_LESSON,
        "folder": FIRST_FOLDER,
    }


def _user(name: str, email: str, role: Role, ui_language: str = "es") -> User:
    from lms.auth import services as accounts

    user = accounts.create_user(
        db_session(),
        email=email,
        name=name,
        password=DEFAULT_PASSWORD,
        role=role,
        ui_language=ui_language,
        min_password_length=1,
    )
    db_session().flush()
    return user


def _pass_everything(user: User, version_id: int) -> None:
    """Every lesson read and every quiz passed at the first try: the certificate is due."""
    session = db_session()
    course = course_cache().get(session, version_id)
    for module in course.modules:
        for lesson in module.lessons:
            learning.complete_lesson(session, user.id, module.slug, lesson.slug, version_id)
        if module.quiz is not None:
            right = {q.id: q.correct_response() for q in module.quiz.text("es").questions}
            submission = learning.Submission(
                f"pass-{user.id}-{module.slug}", version_id, "es", right
            )
            learning.submit_quiz(session, user.id, module, submission)
    learning.issue_certificate_if_complete(session, user.id, course, version_id)


def _start_module_one(user: User, version_id: int) -> int:
    """Two lessons read, a knowledge check answered, a failed quiz attempt: returns its number."""
    session = db_session()
    module = course_cache().get(session, version_id).module(FIRST_MODULE)
    assert module is not None and module.quiz is not None
    for lesson in module.lessons[:2]:
        learning.complete_lesson(session, user.id, module.slug, lesson.slug, version_id)
    check = module.lessons[0].text("es").checks[0]
    learning.answer_check(session, user.id, check, check.correct_response(), version_id)
    half = {q.id: q.correct_response() for q in module.quiz.text("es").questions[:5]}
    attempt = learning.Submission(f"half-{user.id}", version_id, "es", half)
    return learning.submit_quiz(session, user.id, module, attempt).number


def _invitations(cohort: Any, admin: User) -> tuple[str, str]:
    """An open invitation and one that has expired; returns their tokens."""
    session = db_session()
    tokens = []
    for email, expires in (
        ("nuevo@example.org", utcnow() + timedelta(days=7)),
        ("tarde@example.org", utcnow() - timedelta(days=1)),
    ):
        invitation = Invitation(
            cohort_id=cohort.id,
            email=email,
            name="Persona Invitada",
            country="PE",
            institution="Superintendencia Nacional de Migraciones",
            language="es",
            token=f"token-{email.split('@')[0]}",
            expires_at=expires,
            created_by_id=admin.id,
            created_at=utcnow(),
        )
        session.add(invitation)
        tokens.append(invitation.token)
    return tokens[0], tokens[1]


def _edit_the_draft(author: User) -> None:
    """An unpublished change, so that the editor has differences to show."""
    session = db_session()
    path = f"{FIRST_FOLDER}/02-global-numbers.es.md"
    text = bytes(drafts.get_file(session, path).data).decode() + "\nUn borrador sin publicar.\n"
    drafts.save_text(session, path, text, 0, author.id, max_bytes=1_000_000)


def build_site(app: Flask) -> dict[str, Any]:
    """Publish the course twice, add people, a cohort and what they did; returns the ids."""
    files = read_tree(MODULES)
    with app.app_context():
        session = db_session()
        first = publish(session, files).version.id
        changed = dict(files)
        lesson_path = f"{FIRST_FOLDER}/01-key-concepts.es.md"
        changed[lesson_path] = files[lesson_path] + "\nUn párrafo nuevo.\n".encode()
        version = publish(session, changed, note="Párrafo nuevo").version.id
        assert version != first
        people = {
            "admin": _user("Adela Administradora", "admin@example.org", Role.ADMIN),
            "instructor": _user("Iván Instructor", "instructor@example.org", Role.INSTRUCTOR),
            "learner": _user("Lucía Fernández", "lucia@example.org", Role.LEARNER),
            "graduate": _user("José Núñez Graduado", "jose@example.org", Role.LEARNER),
        }
        cohort = cohorts.create_cohort(session, "Edición 2027", created_by=people["instructor"])
        cohorts.create_cohort(session, "Edición 2028")
        for learner in (people["learner"], people["graduate"]):
            cohorts.enroll(session, learner, cohort)
        attempt = _start_module_one(people["learner"], version)
        _pass_everything(people["graduate"], version)
        deadlines.save_deadlines(
            session,
            cohort,
            [deadlines.DeadlineChange(FIRST_MODULE, utcnow() + timedelta(days=10), True)],
            actor_id=people["admin"].id,
            site_url="http://localhost",
        )
        upload = invitations.keep_upload(
            session, cohort, "lista.csv", ROSTER.encode(), people["instructor"].id
        )
        open_token, expired_token = _invitations(cohort, people["admin"])
        _edit_the_draft(people["instructor"])
        certificate = learning.certificate_of(session, people["graduate"].id)
        assert certificate is not None
        ids = {
            "people": people,
            "cohort_id": cohort.id,
            "upload_id": upload.id,
            "invitation_token": open_token,
            "expired_invitation_token": expired_token,
            "join_token": cohort.invite_token,
            "reset_token": reset.token_for(people["learner"], app.config["SECRET_KEY"]),
            "certificate_code": certificate.code,
            "attempt_number": attempt,
        }
        session.commit()
        for person in people.values():
            session.refresh(person)
            session.expunge(person)
        return ids


@pytest.fixture(scope="module")
def site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Site]:
    """The lived-in platform, served on a free local port for the tests of one module."""
    folder = tmp_path_factory.mktemp("site")
    url = _module_database(request, folder)
    # Real form tokens, as in production: the error page of an expired form is one of the pages.
    app = make_test_app(
        folder,
        url,
        WTF_CSRF_ENABLED=True,
        PROPAGATE_EXCEPTIONS=False,  # the error page, not the traceback
        # Every sweep signs the same people in anew, many times a minute.
        LMS_SIGN_IN_LIMIT_PER_ADDRESS="1000 per minute",
        LMS_SIGN_IN_LIMIT_PER_EMAIL="1000 per minute",
        # Small enough for the page of a request too large to be reached with a small file.
        MAX_CONTENT_LENGTH=TOO_LARGE - 1,
    )
    app.add_url_rule("/__fails", "fails", _fail)
    ids = build_site(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(app=app, base_url=f"http://127.0.0.1:{server.server_port}", **ids)
    server.shutdown()
    thread.join(timeout=5)
    get_engine(app).dispose()


def _fail() -> str:
    """A page that fails, to show the server-error page."""
    raise RuntimeError("a failure the error page must hide")


def _module_database(request: pytest.FixtureRequest, folder: Path) -> str:
    """An empty database with the schema, as the `database_url` fixture gives one test."""
    import shutil

    from tests.conftest import TEST_DATABASE_URL, _empty_tables

    if TEST_DATABASE_URL is None or not is_postgres():
        template: Path = request.getfixturevalue("_sqlite_template")
        path = folder / "site.sqlite3"
        shutil.copyfile(template, path)
        return f"sqlite:///{path}"
    _empty_tables(request.getfixturevalue("_server_database"))
    return TEST_DATABASE_URL


@contextmanager
def page_as(
    browser: Any, site: Site, person: str | User, language: str = "", **options: Any
) -> Iterator[Page]:
    """A page of a fresh context signed in as `person` and, if given, switched to `language`.

    `person` is "anonymous", a key of `site.people` or a user. axe-core is in every page
    before the page's own scripts (outside its security policy, compiled once per context).
    Service workers are off: reading offline would fetch whole modules in the background of
    every page these checks open. A script error in any page fails the test at the end.
    """
    options = {"locale": "es-AR", "service_workers": "block", **options}
    context = browser.new_context(base_url=site.base_url, **options)
    context.set_default_timeout(15_000)
    context.add_init_script(path=str(AXE))
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto("/login")
    user = site.people[person] if isinstance(person, str) and person != "anonymous" else person
    if isinstance(user, User):
        page.fill("#email", user.email)
        page.fill("#password", site.password)
        page.click("main form button[type=submit]")
        page.wait_for_url(re.compile(r"^(?!.*/login)"))
    if language:
        page.select_option("#language-select", language)
        page.click("form.language-switch button[type=submit]")
        expect(page.locator("html")).to_have_attribute("lang", language)
    yield page
    context.close()
    assert errors == [], f"the pages' scripts threw errors: {errors}"
