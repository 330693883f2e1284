"""Generated input on every route of the app, as every role: never a server error.

Each route of `app.url_map` (each of its methods) gets generated examples: its URL parameters
(real ids and slugs, ids at and beyond the integer columns' range, negative and huge numbers,
NUL and other control characters, very long and non-Latin text), a query string, and for POST
the form fields people's forms send (read from every page's HTML and from the views' source)
plus fields nobody sends. Each example runs as anonymous, learner, instructor or admin; CSRF is
off (tests/test_csrf.py covers it). No answer may be 5xx and nothing may be logged as an error.
"""

from __future__ import annotations

import inspect
import io
import logging
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

import lms
from lms import create_app
from lms.auth import services as accounts
from lms.courses.cache import course_cache
from lms.courses.services import current_version
from lms.db import db_session, get_engine
from lms.models import Invitation, Role, User
from tests.browser.site import (
    FIRST_FOLDER,
    FIRST_LESSON,
    FIRST_MODULE,
    _module_database,
    inventory_ids,
)
from tests.conftest import DEFAULT_PASSWORD, FAST_PASSWORD_METHOD, make_test_app
from tests.security.stored import inventory_paths

ROLES = ("anonymous", "learner", "instructor", "admin")
# Generated examples per route and method: about 400 requests in all, in well under a minute.
EXAMPLES_PER_ROUTE = 4

# Integers at and beyond the range of the id columns (PostgreSQL INTEGER) and of 64 bits.
EDGE_INTEGERS = (0, 1, 2**31 - 1, 2**31, 2**32, 2**63 - 1, 2**63, 2**64, 10**23, 10**100)
EDGE_TEXT = (
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x01\x1f\x7f",
    "line\nbreak",
    "tab\there",
    "\r\n",
    "x" * 5000,
    "é" * 400,
    "名前" * 150,
    "😀" * 100,
    "\u202eRTL",
    "-1",
    "-0",
    "1e23",
    "1.5",
    "NaN",
    "inf",
    "١٢٣",
    "1_000",
    "0x10",
    "+7",
    " 12 ",
    "../../etc/passwd",
    "..",
    "%00",
    "<script>",
    "' OR 1=1 --",
)


def _rules() -> list[tuple[str, str]]:
    """Every (rule, method) of the app, read from a throwaway app that touches no database."""
    app = create_app(
        {"SECRET_KEY": "fuzz", "DATABASE_URL": "sqlite://", "INSTANCE_PATH": "/nonexistent"}
    )
    pairs = []
    for rule in app.url_map.iter_rules():
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            pairs.append((rule.rule, method))
    return sorted(pairs)


RULES = _rules()
PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


class _Fields(HTMLParser):
    """Names of the inputs of a page's forms, and which of them take files."""

    def __init__(self) -> None:
        super().__init__()
        self.names: set[str] = set()
        self.files: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        name = attributes.get("name")
        if tag in {"input", "select", "textarea", "button"} and name:
            self.names.add(name)
            if attributes.get("type") == "file":
                self.files.add(name)


def _names_in_source() -> set[str]:
    """Field and query names the views read by hand (request.form/args/files.get("...")."""
    pattern = re.compile(r"request\.(?:form|args|files|values)\.get(?:list)?\(\s*f?\"([^\"{]+)")
    names: set[str] = set()
    for path in Path(inspect.getfile(lms)).parent.rglob("*.py"):
        names.update(pattern.findall(path.read_text(encoding="utf-8")))
    return names


def _names_in_forms() -> set[str]:
    """Every field name of every WTForms form of the app."""
    from lms.forms import Form

    names: set[str] = set()
    pending = list(Form.__subclasses__())
    while pending:
        form = pending.pop()
        pending.extend(form.__subclasses__())
        names.update(n for n, v in vars(form).items() if hasattr(v, "field_class"))
    return names


@dataclass
class Platform:
    """The app under fuzz, the values that reach deep into routes and the outcome so far."""

    app: Flask
    people: dict[str, str]
    known: dict[str, list[str]]
    fields: list[str]
    file_fields: list[str]
    errors: list[str] = field(default_factory=list)
    requests: int = 0
    examples: int = 0
    # A set: Hypothesis runs a failing example once more to report it.
    failures: set[str] = field(default_factory=set)


class _ErrorLog(logging.Handler):
    """Keeps every ERROR record the app logs (Flask logs each unhandled exception)."""

    def __init__(self, sink: list[str]) -> None:
        super().__init__(logging.ERROR)
        self.sink = sink

    def emit(self, record: logging.LogRecord) -> None:
        self.sink.append(self.format(record))


def _known_values(app: Flask, site: dict[str, Any]) -> dict[str, list[str]]:
    """Real values for each URL parameter name, so generated requests also reach deep code."""
    with app.app_context():
        session = db_session()
        invitation_id = session.scalar(select(Invitation.id).limit(1))
        live = current_version(session)
        assert live is not None
        module = course_cache().get(session, live.id).module(FIRST_MODULE)
        assert module is not None
        check_id = module.lessons[0].text("es").checks[0].id
    learner = site["people"]["learner"].id
    return {
        "cohort_id": [str(site["cohort_id"])],
        "user_id": [str(learner), str(site["people"]["graduate"].id)],
        "upload_id": [str(site["upload_id"])],
        "invitation_id": [str(invitation_id)],
        "number": ["1", "2", str(site["attempt_number"])],
        "module_slug": [FIRST_MODULE],
        "module": [FIRST_MODULE],
        "lesson_slug": [FIRST_LESSON],
        "slug": [FIRST_LESSON],
        "question_id": [check_id],
        "folder": [FIRST_FOLDER],
        "path": [f"{FIRST_FOLDER}/01-key-concepts.es.md", f"{FIRST_FOLDER}/module.yaml"],
        "name": ["map.png"],
        "filename": ["css/site.css"],
        "kind": ["csv", "xlsx", "scorm12", "scorm2004", "moodle"],
        "lang": ["es", "en"],
        "token": [
            site["invitation_token"],
            site["expired_invitation_token"],
            site["join_token"],
            site["reset_token"],
        ],
        "code": [site["certificate_code"]],
    }


def _harvest_fields(app: Flask, people: dict[str, str], ids: dict[str, Any]) -> _Fields:
    """The inputs of every page of the page inventory, seen by each role."""
    found = _Fields()
    paths = inventory_paths(ids)
    for role in ROLES:
        client = _client_as(app, people, role)
        for path in paths:
            response = client.get(path)
            if response.mimetype == "text/html":
                found.feed(response.get_data(as_text=True))
    return found


@pytest.fixture(scope="module")
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Platform]:
    """The real course, every role, a cohort with records; errors are answered, not raised."""
    from tests.browser.site import build_site

    folder = tmp_path_factory.mktemp("fuzz")
    # Module-scoped: the per-test cheap password cost of conftest is not in place yet.
    cheap = pytest.MonkeyPatch()
    cheap.setattr(accounts, "PASSWORD_METHOD", FAST_PASSWORD_METHOD)
    app = make_test_app(
        folder,
        _module_database(request, folder),
        PROPAGATE_EXCEPTIONS=False,
        LMS_SIGN_IN_LIMIT_PER_ADDRESS="100000 per minute",
        LMS_SIGN_IN_LIMIT_PER_EMAIL="100000 per minute",
    )
    site = build_site(app)
    people = {role: site["people"][role].email for role in ROLES if role != "anonymous"}
    harvested = _harvest_fields(app, people, inventory_ids(site))
    names = harvested.names | _names_in_source() | _names_in_forms()
    platform = Platform(
        app=app,
        people=people,
        known=_known_values(app, site),
        fields=sorted(names - {"csrf_token"}),
        file_fields=sorted(harvested.files),
    )
    handler = _ErrorLog(platform.errors)
    app.logger.addHandler(handler)
    yield platform
    app.logger.removeHandler(handler)
    get_engine(app).dispose()
    cheap.undo()
    print(
        f"\ninput fuzz: {platform.examples} examples, {platform.requests} requests, "
        f"{len(platform.failures)} server errors",
        file=sys.stderr,
    )


def _restore_person(email: str, role: Role) -> User:
    """The acting account as the fixture made it, whatever earlier examples did to it."""
    session = db_session()
    user = session.scalar(select(User).where(User.email == email))
    if user is None:
        user = accounts.create_user(
            session,
            email=email,
            name=email.split("@")[0],
            password=DEFAULT_PASSWORD,
            role=role,
            min_password_length=1,
        )
    if user.role != role:
        user.role = role
    if session.dirty or session.new:
        session.commit()
    return user


def _client_as(app: Flask, people: dict[str, str], role: str) -> FlaskClient:
    """A new client signed in as `role` (its session written directly: no sign-in request)."""
    client = app.test_client()
    if role == "anonymous":
        return client
    with app.app_context():
        user_id = _restore_person(people[role], Role(role)).get_id()
    with client.session_transaction() as session:
        session["_user_id"] = user_id
        session["_fresh"] = True
    return client


def _text() -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(EDGE_TEXT),
        st.sampled_from([str(n) for n in EDGE_INTEGERS]),
        st.text(max_size=60),
        st.text(alphabet=st.characters(max_codepoint=0x9F), max_size=30),
    )


def _parameter(converter: str, name: str, known: dict[str, list[str]]) -> st.SearchStrategy[str]:
    """Values for one URL parameter: real ones, numbers at the limits, or anything."""
    real = known.get(name) or ["x"]
    numbers = st.one_of(
        st.sampled_from(EDGE_INTEGERS), st.integers(min_value=-(2**70), max_value=2**70)
    ).map(str)
    if converter == "int":
        return st.one_of(st.sampled_from(real), numbers)
    return st.one_of(st.sampled_from(real), st.sampled_from(real), numbers, _text())


def _path(rule: str, values: dict[str, str]) -> str:
    """The rule with its parameters filled in, each percent-encoded ("/" kept for paths)."""

    def fill(match: re.Match[str]) -> str:
        converter, name = match.group(1) or "default", match.group(2)
        return quote(values[name], safe="/" if converter == "path" else "")

    return PARAMETER.sub(fill, rule)


@pytest.mark.parametrize(("rule", "method"), RULES, ids=[f"{m} {r}" for r, m in RULES])
@settings(
    max_examples=EXAMPLES_PER_ROUTE,
    deadline=None,
    database=None,
    # A failing example is reported as generated: shrinking it would take minutes.
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_input_makes_a_server_error(
    platform: Platform, rule: str, method: str, data: st.DataObject
) -> None:
    platform.examples += 1
    role = data.draw(st.sampled_from(ROLES), label="role")
    parameters = {
        name: data.draw(_parameter(converter or "default", name, platform.known), label=name)
        for converter, name in PARAMETER.findall(rule)
    }
    path = _path(rule, parameters)
    names = st.one_of(st.sampled_from(platform.fields), st.text(min_size=1, max_size=20))
    query = data.draw(st.dictionaries(names, _text(), max_size=4), label="query")
    if method == "GET":
        _send(platform, role, method, path, query, {})
    elif data.draw(st.booleans(), label="as JSON"):
        # The editor's script sends JSON: the same names, with numbers, lists and nulls too.
        values = st.one_of(_text(), st.sampled_from(EDGE_INTEGERS), st.none(), st.lists(_text()))
        body = data.draw(st.dictionaries(names, values, max_size=8), label="JSON body")
        _send(platform, role, method, path, query, body, as_json=True)
    else:
        form: dict[str, Any] = data.draw(st.dictionaries(names, _text(), max_size=8), label="form")
        for name in data.draw(st.lists(st.sampled_from(platform.file_fields), max_size=1)):
            content = data.draw(st.binary(max_size=200), label="file")
            filename = data.draw(_text(), label="filename")
            form[name] = (io.BytesIO(content), filename or "file")
        _send(platform, role, method, path, query, form)


def _send(
    platform: Platform,
    role: str,
    method: str,
    path: str,
    query: dict[str, str],
    form: dict[str, Any],
    *,
    as_json: bool = False,
) -> None:
    """One request; a 5xx or a logged error fails the example and is noted for the summary."""
    client = _client_as(platform.app, platform.people, role)
    platform.errors.clear()
    platform.requests += 1
    body = {"json": form} if as_json else {"data": form}
    response = client.open(path, method=method, query_string=query, **body)
    described = f"{role} {method} {path!r} query={query!r} {'json' if as_json else 'form'}={form!r}"
    if response.status_code >= 500 or platform.errors:
        platform.failures.add(described)
    assert response.status_code < 500, described
    assert not platform.errors, f"{described}: {platform.errors[0]}"


# The values the probe found server errors with, in every parameter and field of every route.
SWEEP_VALUES = ("\x00", "x" * 600, str(2**31), str(2**63), "1e23")


@pytest.mark.parametrize(("rule", "method"), RULES, ids=[f"{m} {r}" for r, m in RULES])
def test_the_edge_values_in_every_parameter_and_field_make_no_server_error(
    platform: Platform, rule: str, method: str
) -> None:
    public = not rule.startswith(("/manage", "/learn", "/account"))
    for role in ("admin", "anonymous") if public else ("admin",):
        for value in SWEEP_VALUES:
            values = {name: value for _, name in PARAMETER.findall(rule)}
            form = {name: value for name in platform.fields} if method != "GET" else {}
            query = {"page": value, "to": value, "from": value, "next": value}
            _send(platform, role, method, _path(rule, values), query, form)
        if method != "GET":
            # JSON numbers beyond INTEGER next to a real file, where the editor's script writes.
            body = {"path": platform.known["path"][0], "text": "x", "revision": 2**63}
            body |= {name: 2**63 for name in platform.fields if name not in body}
            _send(platform, role, method, _path(rule, values), {}, body, as_json=True)
