"""Every route declares who may open it, and every route answers each kind of visitor as declared.

The routes come from `app.url_map`, so a new route is covered (or fails for want of a policy)
without touching this file. Each route is requested with each of its methods as five visitors:
anonymous, a learner, an instructor who does not run the cohort in the URL, the instructor who
runs it, and an administrator, against a database seeded with real records (ids are read back,
never written here). Whether a refusal came from the policy is read from `access_refused`.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.routing import Rule

from lms.auth import reset
from lms.auth.access import Policy, access_refused, policy_of
from lms.cohorts import invitations
from lms.cohorts import services as cohorts
from lms.courses.cache import course_cache
from lms.courses.services import publish
from lms.db import db_session
from lms.learning import services as learning
from lms.models import Role, User
from tests.browser.site import _pass_everything, _start_module_one
from tests.conftest import DEFAULT_PASSWORD, make_test_app
from tests.content.helpers import lesson, small_course

MODULE = "understanding-migration"
FOLDER = "01-understanding-migration"
LESSON = "key-concepts"
ROSTER = b"name,email,country\nMarta Gomez,marta@example.org,AR\n"
VISITORS = ("anonymous", "learner", "other_instructor", "instructor", "admin")
ROLE_OF = {
    "learner": Role.LEARNER,
    "other_instructor": Role.INSTRUCTOR,
    "instructor": Role.INSTRUCTOR,
    "admin": Role.ADMIN,
}
# Addresses of a visitor's own records: who of the visitors has one. The others get 404 from
# the view (nothing of theirs there), which the policy's refusal signal tells apart.
OWN_RECORDS: dict[str, set[str]] = {
    "learning.attempt": {"learner"},  # staff have taken no quiz
    "learning.certificate_pdf": set(),  # only the graduate, who is not a visitor here, has one
}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (4, 3), (20, 90, 160)).save(out, "PNG")
    return out.getvalue()


def course_files() -> dict[str, bytes]:
    """The small course with a second lesson and an image, so every learning route has a target."""
    pictured = "Text.\n\n![Routes](media/routes.png)\n"
    files = small_course(
        **{
            "02-global-numbers.es.md": lesson("Cifras", pictured),
            "02-global-numbers.en.md": lesson("Numbers", pictured),
        }
    )
    files[f"{FOLDER}/media/routes.png"] = png()
    return files


@dataclass
class Seeded:
    """The people and the ids of what they own, read back from the database."""

    people: dict[str, User]
    values: dict[str, Any]
    other_cohort: int


def _person(name: str, role: Role) -> User:
    from lms.auth import services as accounts

    return accounts.create_user(
        db_session(),
        email=f"{name}@example.org",
        name=name.title(),
        password=DEFAULT_PASSWORD,
        role=role,
        ui_language="en",
        min_password_length=1,
    )


def seed(app: Flask) -> Seeded:
    """Two cohorts each run by its own instructor, learners with records, an invitation."""
    with app.app_context():
        session = db_session()
        version = publish(session, course_files()).version.id
        people = {
            "learner": _person("learner", Role.LEARNER),
            "graduate": _person("graduate", Role.LEARNER),
            "instructor": _person("instructor", Role.INSTRUCTOR),
            "other_instructor": _person("other", Role.INSTRUCTOR),
            "admin": _person("admin", Role.ADMIN),
        }
        session.flush()
        ours = cohorts.create_cohort(session, "Ours", created_by=people["instructor"])
        theirs = cohorts.create_cohort(session, "Theirs", created_by=people["other_instructor"])
        for person in (people["learner"], people["graduate"]):
            cohorts.enroll(session, person, ours)
        attempt = _start_module_one(people["learner"], version)
        _pass_everything(people["graduate"], version)
        certificate = learning.certificate_of(session, people["graduate"].id)
        assert certificate is not None
        upload = invitations.keep_upload(session, ours, "list.csv", ROSTER, people["instructor"].id)
        from tests.browser.site import _invitations

        invitation_token, _expired = _invitations(ours, people["admin"])
        session.flush()
        invitation = invitations.find(session, invitation_token)
        assert invitation is not None
        module = course_cache().get(session, version).module(MODULE)
        assert module is not None
        check = module.lessons[0].text("en").checks[0]
        values = {
            "cohort_id": ours.id,
            "user_id": people["learner"].id,
            "invitation_id": invitation.id,
            "upload_id": upload.id,
            "module_slug": MODULE,
            "lesson_slug": LESSON,
            "question_id": check.id,
            "name": "routes.png",
            "number": attempt,
            "kind": "csv",
            "lang": "en",
            "module": MODULE,
            "path": f"{FOLDER}/01-key-concepts.en.md",
            "folder": FOLDER,
            "slug": LESSON,
            "code": certificate.code,
            "filename": "lms.css",
        }
        tokens = {
            "cohorts.join": ours.invite_token,
            "cohorts.accept_invitation": invitation_token,
            "auth.reset_password": reset.token_for(people["learner"], app.config["SECRET_KEY"]),
            "auth.confirm_email": "not-a-real-link",
        }
        values["tokens"] = tokens
        values["graduate"] = people["graduate"].id
        session.commit()
        other = theirs.id
        for person in people.values():
            session.refresh(person)
            session.expunge(person)
    return Seeded(people=people, values=values, other_cohort=other)


def url_of(rule: Rule, seeded: Seeded) -> str:
    """The rule's address with real values for its arguments."""
    values = {name: seeded.values[name] for name in rule.arguments if name in seeded.values}
    if "token" in rule.arguments:
        values["token"] = seeded.values["tokens"][rule.endpoint]
    if rule.endpoint == "learner_certificates.learner_pdf":
        values["user_id"] = seeded.values["graduate"]  # the one with a certificate
    if rule.endpoint == "exports.download":
        values["kind"] = "moodle-xml"
    if rule.endpoint.startswith("authoring."):
        values["number"] = 1  # a published version, not a quiz attempt
    missing = set(rule.arguments) - values.keys()
    assert not missing, f"{rule.endpoint}: no seeded value for {sorted(missing)}"
    built = rule.build(values, append_unknown=False)
    assert built is not None, rule.rule
    return built[1]


def routes(app: Flask) -> list[Rule]:
    return sorted(app.url_map.iter_rules(), key=lambda rule: rule.rule)


def methods_of(rule: Rule) -> list[str]:
    return sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})


@contextmanager
def refusals(app: Flask) -> Iterator[list[str]]:
    """The policy's refusals (their outcomes) while the block runs."""
    seen: list[str] = []

    def record(_sender: Flask, **extra: Any) -> None:
        seen.append(extra["outcome"])

    access_refused.connect(record, app)
    try:
        yield seen
    finally:
        access_refused.disconnect(record, app)


def client_as(app: Flask, seeded: Seeded, visitor: str) -> FlaskClient:
    client = app.test_client()
    if visitor != "anonymous":
        user = seeded.people[visitor]
        answer = client.post("/login", data={"email": user.email, "password": DEFAULT_PASSWORD})
        assert answer.status_code == 302, f"{visitor} could not sign in"
    return client


def expected(policy: Policy, visitor: str, rule: Rule) -> str:
    """What the policy says this visitor gets: allowed, sign-in, role (403) or scope (404)."""
    if policy.public:
        return "allowed"
    if visitor == "anonymous":
        return "sign-in"
    if ROLE_OF[visitor] not in policy.roles:
        return "role"
    if policy.scope is not None and visitor == "other_instructor":
        return "scope"
    return "allowed"


def check(app: Flask, seeded: Seeded, rule: Rule) -> list[str]:
    """Every method of `rule` as every visitor; returns what did not match the policy."""
    policy = policy_of(app.view_functions[rule.endpoint])
    assert policy is not None
    url = url_of(rule, seeded)
    wrong: list[str] = []
    for visitor in VISITORS:
        client = client_as(app, seeded, visitor)
        for method in methods_of(rule):
            outcome = expected(policy, visitor, rule)
            with refusals(app) as seen:
                response = client.open(url, method=method)
                response.get_data()  # a streamed download runs to its end
                response.close()
            status = response.status_code
            where = f"{method} {url} as {visitor} ({policy.describe()}): HTTP {status}"
            location = response.headers.get("Location", "")
            if outcome == "sign-in":
                ok = status == 302 and "/login?next=" in location and seen == ["sign-in"]
            elif outcome == "role":
                ok = status == 403 and seen == ["role"]
            elif outcome == "scope":
                ok = status == 404 and seen == ["scope"]
            else:
                ok = not seen and status not in (401, 403)
                if ok and method == "GET" and status == 404 and not policy.public:
                    ok = visitor not in OWN_RECORDS.get(rule.endpoint, {visitor})
            if not ok:
                wrong.append(f"{where}, refusals {seen}, expected {outcome}")
    return wrong


@pytest.fixture
def policy_app(tmp_path: Any, database_url: str) -> Iterator[Flask]:
    from lms.db import get_engine

    application = make_test_app(tmp_path, database_url)
    yield application
    get_engine(application).dispose()


def _rules() -> list[tuple[str, str]]:
    application = make_test_app_for_listing()
    return [(rule.endpoint, rule.rule) for rule in routes(application)]


def make_test_app_for_listing() -> Flask:
    from lms import create_app

    return create_app({"SECRET_KEY": "listing", "DATABASE_URL": "sqlite://", "TESTING": True})


def test_every_route_declares_its_policy(policy_app: Flask) -> None:
    undeclared = [
        f"{rule.rule} ({rule.endpoint})"
        for rule in routes(policy_app)
        if policy_of(policy_app.view_functions[rule.endpoint]) is None
    ]
    assert not undeclared, (
        "declare who may open these (lms.auth.access: role_required, login_required, "
        f"staff_required, admin_required or public): {undeclared}"
    )


def test_every_cohort_address_is_scoped_to_who_runs_the_cohort(policy_app: Flask) -> None:
    unscoped = []
    for rule in routes(policy_app):
        policy = policy_of(policy_app.view_functions[rule.endpoint])
        assert policy is not None
        for argument in ("cohort_id",):
            if argument in rule.arguments and (
                policy.scope is None or policy.scope.argument != argument
            ):
                unscoped.append(rule.rule)
        if rule.rule.startswith("/manage/learners/") and policy.scope is None:
            unscoped.append(rule.rule)
    assert not unscoped, f"not limited to the viewer's own cohorts: {unscoped}"


@pytest.mark.parametrize(("endpoint", "address"), _rules())
def test_the_route_answers_every_visitor_as_declared(
    policy_app: Flask, endpoint: str, address: str
) -> None:
    seeded = seed(policy_app)
    rule = next(
        r for r in policy_app.url_map.iter_rules() if (r.endpoint, r.rule) == (endpoint, address)
    )
    wrong = check(policy_app, seeded, rule)
    assert not wrong, "\n".join(wrong)


def test_an_instructor_cannot_move_a_participant_into_a_cohort_they_do_not_run(
    policy_app: Flask,
) -> None:
    seeded = seed(policy_app)
    client = client_as(policy_app, seeded, "instructor")
    cohort, learner = seeded.values["cohort_id"], seeded.values["user_id"]
    with refusals(policy_app) as seen:
        moved = client.post(
            f"/manage/cohorts/{cohort}/members/{learner}/move",
            data={"target": str(seeded.other_cohort)},
        )
    assert moved.status_code == 404
    assert seen == []  # refused by the view's own check on the target, as the URL is theirs
    with policy_app.app_context():
        target = cohorts.get_cohort(db_session(), seeded.other_cohort)
        assert target is not None
        assert not cohorts.is_enrolled(db_session(), seeded.people["learner"], target)


def test_the_administrator_reaches_every_cohort(policy_app: Flask) -> None:
    seeded = seed(policy_app)
    client = client_as(policy_app, seeded, "admin")
    for cohort in (seeded.values["cohort_id"], seeded.other_cohort):
        assert client.get(f"/manage/cohorts/{cohort}/progress").status_code == 200


def test_a_learner_outside_the_instructors_cohorts_has_no_certificate_for_them(
    policy_app: Flask,
) -> None:
    seeded = seed(policy_app)
    graduate = seeded.values["graduate"]
    path = f"/manage/learners/{graduate}/certificate.pdf"
    assert client_as(policy_app, seeded, "instructor").get(path).status_code == 200
    assert client_as(policy_app, seeded, "admin").get(path).status_code == 200
    with refusals(policy_app) as seen:
        assert client_as(policy_app, seeded, "other_instructor").get(path).status_code == 404
    assert seen == ["scope"]


def count_checks(app: Flask) -> tuple[int, int]:
    """(routes, route × method × visitor requests) the sweep makes."""
    rules = routes(app)
    return len(rules), sum(len(methods_of(rule)) for rule in rules) * len(VISITORS)
