"""A platform whose every writable text field holds an attack payload, and checks of its output.

Each payload variant is written into every field through the forms people use (sign-up, account,
cohort, roster upload, quiz, knowledge check, staff reasons, editor), or through the service a
form calls where the platform has no form for it (the first administrator, deadlines). Every
stored value ends in a marker `zq<field>zq`, so a check can tell which field reached which page.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from openpyxl import Workbook, load_workbook  # type: ignore[import-untyped]
from sqlalchemy import select

from lms.auth import reset
from lms.auth import services as accounts
from lms.cohorts import services as cohorts
from lms.content import read_tree
from lms.courses.services import publish
from lms.db import db_session
from lms.deadlines import services as deadlines
from lms.learning import services as learning
from lms.models import Cohort, Invitation, Role, RosterUpload, User
from lms.models.types import utcnow
from tests.browser.site import (
    FIRST_FOLDER,
    FIRST_LESSON,
    FIRST_MODULE,
    MODULES,
    _module_database,
    _pass_everything,
    inventory_ids,
)
from tests.conftest import DEFAULT_PASSWORD, make_test_app

# Each variant attacks one way of reading stored text: as HTML (element, attribute), as a
# template, as a link, or as a spreadsheet formula (OWASP CSV Injection, tab and CR prefixes too).
VARIANTS: dict[str, str] = {
    "script": '"><script>window.__pwned=1</script>',
    "img": '<img src=x onerror="window.__pwned=1">',
    "attribute": "' autofocus onfocus='window.__pwned=1' x='",
    "template": "{{7*7}}",
    "link": "javascript:window.__pwned=1",
    "hyperlink": '=HYPERLINK("http://x")',
    "dde": "+cmd|' /C calc'!A0",
    "at": "@SUM(1)",
    "minus": "-1+1",
    "tab": "\t=1+1",
    "return": "\r=1+1",
}

# Where each field is written, and so where its marker is looked for.
FIELDS: dict[str, str] = {
    "adminname": "administrator's name (created by the command line's service)",
    "adminmail": "administrator's email",
    "staffname": "instructor's name (account form)",
    "staffmail": "instructor's email",
    "learnname": "learner's name (cohort sign-up form)",
    "learnmail": "learner's email (cohort sign-up form)",
    "gradname": "graduate's name (account form; printed on the certificate)",
    "gradmail": "graduate's email",
    "newmail": "pending new email address (email change form)",
    "cohort": "cohort name (new cohort form)",
    "cohorttwo": "second cohort name (new cohort form; the move-to list)",
    "rostername": "invitation name (CSV roster)",
    "rostermail": "invitation email (CSV roster)",
    "rosterinst": "invitation institution (CSV roster)",
    "rostercountry": "country written in a roster (refused; echoed in the row's problem)",
    "rosterfile": "roster file name",
    "xlsxname": "invitation name (XLSX roster)",
    "xlsxinst": "invitation institution (XLSX roster)",
    "quiztext": "short-answer quiz response",
    "qnum": "numeric quiz response (kept to 50 characters, so a short code)",
    "checktext": "short-answer knowledge-check response",
    "cnum": "numeric knowledge-check response (kept to 50 characters)",
    "grant": "reason for extra attempts",
    "extend": "reason for a deadline extension",
    "decline": "reason a deletion request was declined",
    "titlees": "lesson title, Spanish (retitle form)",
    "titleen": "lesson title, English (retitle form)",
    "lessones": "new lesson's title (new lesson form)",
    "modulees": "new module's title (new module form)",
    "note": "publish message (version note, also an audit detail)",
    "slug": "new lesson's slug (refused: only a-z, 0-9 and hyphens; the form shows it back)",
    "media": "uploaded image's file name (stored as a slug of it)",
    "draft": "editor file content (draft save form)",
}

MARKER = re.compile(r"zq([a-z]+)zq")
# Fields rendered as Markdown: their HTML is sanitised (nh3), so a harmless `<img src="x">` or
# quote in prose may remain; handlers, scripts and script links are still refused there.
MARKDOWN_FIELDS = {"draft"}
_NEXT_MARKER = 80
# Cells a spreadsheet would run as a formula (OWASP CSV Injection; ASVS 5.0 adds NUL).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\0")
_PLAIN_NUMBER = re.compile(r"^-?\d+(\.\d+)?(e-?\d+)?$")
# Text that only an unescaped payload can put into a page.
RAW_NEEDLES = ("<script>window.__pwned", "<img src=x", "<img/src=x", "onfocus='window")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html")
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster"}
EXTRA_CHECK = "m1-l1-c9"
EXTRA_NUMERIC_CHECK = "m1-l1-c10"
EXTRA_QUESTION = "m1-q99"


def marker(code: str) -> str:
    """The marker that ends every value stored in field `code`."""
    assert code in FIELDS, code
    return f"zq{code}zq"


def text_value(variant: str, code: str) -> str:
    """The payload for a free-text field."""
    return VARIANTS[variant] + marker(code)


def email_value(variant: str, code: str) -> str:
    """The payload as the local part of an address (no spaces or second '@' pass the form)."""
    local = re.sub(r"\s+", "/", VARIANTS[variant].strip()).replace("@", "")
    return f"{local}{marker(code)}@example.org"


# ----------------------------------------------------------------------------------------------
# Checks


class _Page(HTMLParser):
    """Collects the parts of a page where a payload would run."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._image: str | None = None
        self._script: str | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._settle_image("")
        for name, value in attrs:
            text = (value or "").strip().lower()
            if name.startswith("on") and "__pwned" in text:
                self.problems.append(f"<{tag} {name}=...> runs the payload")
            if name in URL_ATTRIBUTES and text.startswith(DANGEROUS_SCHEMES):
                self.problems.append(f"<{tag} {name}={value!r}> is a script link")
            if name == "srcdoc":
                self.problems.append(f"<{tag} srcdoc> holds a document")
        if tag == "img" and dict(attrs).get("src") == "x":
            self._image = "an injected <img src=x> element"
        if tag == "script":
            self._script = (dict(attrs).get("type") or "").lower()
            self._script_text = []

    def _settle_image(self, following: str) -> None:
        """Count an `<img src=x>` unless it is a Markdown field's, sanitised (see above)."""
        if self._image is not None and not _from_markdown(following):
            self.problems.append(self._image)
        self._image = None

    def close(self) -> None:
        super().close()
        self._settle_image("")

    def handle_data(self, data: str) -> None:
        self._settle_image(data)
        if self._script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._settle_image("")
        if tag != "script" or self._script is None:
            return
        text = "".join(self._script_text)
        if self._script == "application/json":
            try:
                json.loads(text)
            except ValueError:
                self.problems.append("a JSON <script> block broken by its data")
        elif "__pwned" in text:
            self.problems.append("an injected <script> element")
        self._script = None


def html_problems(body: str) -> list[str]:
    """Ways the page lets a stored payload run or be evaluated (empty when it escapes them)."""
    lowered = body.lower()
    problems = [
        f"raw {needle!r}"
        for needle in RAW_NEEDLES
        for found in re.finditer(re.escape(needle), lowered)
        if not _from_markdown(lowered[found.end() :])
    ]
    if "49zq" in body:
        problems.append("{{7*7}} was evaluated as a template")
    page = _Page()
    page.feed(body)
    page.close()
    return problems + page.problems


def _from_markdown(following: str) -> bool:
    """Whether the text after a payload shows it came from a field rendered as Markdown."""
    marked = MARKER.search(following[:_NEXT_MARKER])
    return marked is not None and marked.group(1) in MARKDOWN_FIELDS


def markers_in(data: str) -> set[str]:
    """The fields whose markers the text holds."""
    return set(MARKER.findall(data))


def cell_problem(value: object) -> str | None:
    """Why a spreadsheet would run this cell, or None."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        if _PLAIN_NUMBER.match(value):
            return None
        return f"cell {value!r} would run as a formula"
    return None


def csv_cells(data: bytes) -> Iterator[str]:
    """Every cell of a UTF-8 CSV file."""
    text = data.decode("utf-8-sig")
    for row in csv.reader(io.StringIO(text, newline="")):
        yield from row


def xlsx_problems(data: bytes) -> tuple[list[str], set[str]]:
    """Cells of a workbook that are formulas or would become one, and the markers it holds."""
    workbook = load_workbook(io.BytesIO(data))
    problems: list[str] = []
    seen: set[str] = set()
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    problems.append(f"{sheet.title}!{cell.coordinate} is a formula: {cell.value!r}")
                problem = cell_problem(cell.value)
                if problem:
                    problems.append(f"{sheet.title}!{cell.coordinate}: {problem}")
                if isinstance(cell.value, str):
                    seen |= markers_in(cell.value)
    return problems, seen


# ----------------------------------------------------------------------------------------------
# The platform


@dataclass
class Response:
    """One answer the platform gave while it was being filled or swept."""

    who: str
    method: str
    path: str
    status: int
    content_type: str
    body: bytes
    disposition: str = ""


@dataclass
class Seeded:
    """Where the payloads went: the ids the page inventory needs and every answer seen so far."""

    variant: str
    people: dict[str, User]
    emails: dict[str, str]
    cohort_id: int
    upload_id: int
    csv_upload_id: int
    invitation_token: str
    expired_invitation_token: str
    join_token: str
    reset_token: str
    certificate_code: str
    attempt_number: int
    responses: list[Response] = field(default_factory=list)

    def ids(self) -> dict[str, Any]:
        """Values for the placeholders of the page inventory's addresses."""
        return inventory_ids(vars(self))


class Visitor:
    """A test client signed in as one person, keeping every answer for the checks."""

    def __init__(self, app: Flask, who: str, log: list[Response]) -> None:
        self.client: FlaskClient = app.test_client()
        self.who = who
        self.log = log

    def sign_in(self, email: str) -> None:
        """Sign in through the form."""
        answer = self.client.post("/login", data={"email": email, "password": DEFAULT_PASSWORD})
        assert answer.status_code == 302, f"{self.who} could not sign in as {email!r}"

    def get(self, path: str) -> Response:
        """Open a page (not following redirects) and keep the answer."""
        return self._keep("GET", path, self.client.get(path))

    def post(self, path: str, expect: int = 200, **options: Any) -> Response:
        """Send a form, follow its redirect and keep both answers."""
        answer = self.client.post(path, follow_redirects=True, **options)
        kept = self._keep("POST", path, answer)
        assert answer.status_code == expect, (
            f"POST {path} as {self.who}: {answer.status_code}\n"
            + answer.get_data(as_text=True)[:3000]
        )
        return kept

    def _keep(self, method: str, path: str, answer: Any) -> Response:
        kept = Response(
            self.who,
            method,
            path,
            answer.status_code,
            answer.content_type or "",
            answer.data,
            answer.headers.get("Content-Disposition", ""),
        )
        self.log.append(kept)
        assert answer.status_code < 500, f"{method} {path} as {self.who} failed"
        return kept


def _course_files() -> dict[str, bytes]:
    """The real course, with short-answer and numeric knowledge checks and a numeric question."""
    files = read_tree(MODULES)
    extra = {
        "es": (
            f"\n::: quiz {{#{EXTRA_CHECK} type=text}}\n¿Qué palabra falta?\n\n= asilo\n:::\n"
            f"\n::: quiz {{#{EXTRA_NUMERIC_CHECK}}}\n¿Cuántos meses?\n\n= 12\n:::\n",
            f"\n::: quiz {{#{EXTRA_QUESTION}}}\n¿En qué año?\n\n= 1951\n:::\n",
        ),
        "en": (
            f"\n::: quiz {{#{EXTRA_CHECK} type=text}}\nWhich word is missing?\n\n= asylum\n:::\n"
            f"\n::: quiz {{#{EXTRA_NUMERIC_CHECK}}}\nHow many months?\n\n= 12\n:::\n",
            f"\n::: quiz {{#{EXTRA_QUESTION}}}\nIn which year?\n\n= 1951\n:::\n",
        ),
    }
    for lang, (checks, question) in extra.items():
        lesson = f"{FIRST_FOLDER}/01-key-concepts.{lang}.md"
        quiz = f"{FIRST_FOLDER}/quiz.{lang}.md"
        files[lesson] = files[lesson] + checks.encode()
        files[quiz] = files[quiz] + question.encode()
    return files


def _csv_roster(variant: str) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["name", "email", "country", "institution"])
    writer.writerow(
        [
            text_value(variant, "rostername"),
            email_value(variant, "rostermail"),
            "PE",
            text_value(variant, "rosterinst"),
        ]
    )
    writer.writerow(["Otra Persona", "otra@example.org", text_value(variant, "rostercountry"), ""])
    return buffer.getvalue().encode()


def _xlsx_roster(variant: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["name", "email", "country", "institution"])
    sheet.append(["", "hoja@example.org", "AR", ""])
    # Text cells, even where the text starts with "=" (openpyxl would store a formula).
    for cell, code in ((sheet["A2"], "xlsxname"), (sheet["D2"], "xlsxinst")):
        cell.value = text_value(variant, code)
        cell.data_type = "s"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _browser_file_name(name: str) -> str:
    """A file name as browsers send it (quote and line breaks as %22, %0D, %0A; no folders).

    Other control characters are dropped: the platform refuses them in file names (400).
    """
    name = name.replace("/", "-")
    for character, escaped in (('"', "%22"), ("\r", "%0D"), ("\n", "%0A")):
        name = name.replace(character, escaped)
    return re.sub("[\x00-\x1f\x7f]", "", name)


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), (200, 40, 40)).save(out, format="PNG")
    return out.getvalue()


def _create_user(name: str, email: str, role: Role) -> User:
    user = accounts.create_user(
        db_session(),
        email=email,
        name=name,
        password=DEFAULT_PASSWORD,
        role=role,
        ui_language="es",
        min_password_length=1,
    )
    db_session().flush()
    return user


def payload_app(request: Any, folder: Path) -> Flask:
    """An app on a database of its own, with sign-in limits no sweep of sign-ins reaches."""
    return make_test_app(
        folder,
        _module_database(request, folder),
        LMS_SIGN_IN_LIMIT_PER_ADDRESS="1000 per minute",
        LMS_SIGN_IN_LIMIT_PER_EMAIL="1000 per minute",
    )


def seed(app: Flask, variant: str) -> Seeded:
    """Write `variant` into every field; returns where it went and the answers seen doing so."""
    v: Callable[[str], str] = lambda code: text_value(variant, code)  # noqa: E731
    mail: Callable[[str], str] = lambda code: email_value(variant, code)  # noqa: E731
    log: list[Response] = []
    emails = {
        "admin": mail("adminmail"),
        "instructor": mail("staffmail"),
        "graduate": mail("gradmail"),
        "learner": mail("learnmail"),
    }
    with app.app_context():
        session = db_session()
        version = publish(session, _course_files()).version.id
        # No form makes the first administrator or staff accounts: the command line does.
        admin = _create_user(v("adminname"), emails["admin"], Role.ADMIN)
        _create_user("Iván Instructor", emails["instructor"], Role.INSTRUCTOR)
        graduate = _create_user("José Núñez", emails["graduate"], Role.LEARNER)
        session.commit()
        graduate_id, admin_id = graduate.id, admin.id

    instructor = Visitor(app, "instructor", log)
    instructor.sign_in(emails["instructor"])
    instructor.post("/account/name", data={"name-name": v("staffname")})
    instructor.post("/manage/cohorts/new", data={"name": v("cohort")})
    instructor.post("/manage/cohorts/new", data={"name": v("cohorttwo")})
    with app.app_context():
        cohort = (
            db_session().scalars(select(Cohort).where(Cohort.name == v("cohort").strip())).one()
        )
        cohort_id, join_token = cohort.id, cohort.invite_token

    learner = Visitor(app, "learner", log)
    learner.post(
        f"/join/{join_token}",
        data={
            "name": v("learnname"),
            "email": emails["learner"],
            "password": DEFAULT_PASSWORD,
            "confirm": DEFAULT_PASSWORD,
        },
    )
    graduate_visitor = Visitor(app, "graduate", log)
    graduate_visitor.sign_in(emails["graduate"])
    graduate_visitor.post("/account/name", data={"name-name": v("gradname")})
    with app.app_context():
        session = db_session()
        learner_user = session.scalars(
            select(User).where(User.email == emails["learner"].strip().lower())
        ).one()
        graduate_user = session.get(User, graduate_id)
        cohort = session.get_one(Cohort, cohort_id)
        assert graduate_user is not None
        cohorts.enroll(session, graduate_user, cohort)
        _pass_everything(graduate_user, version)
        deadlines.save_deadlines(
            session,
            cohort,
            [deadlines.DeadlineChange(FIRST_MODULE, utcnow() + timedelta(days=10), True)],
            actor_id=admin_id,
            site_url="http://localhost",
        )
        session.commit()
        learner_id = learner_user.id

    # Rosters: a CSV whose rows become invitations, and an XLSX left at its preview.
    roster = f"/manage/cohorts/{cohort_id}/invitations/upload"
    csv_name = _browser_file_name(v("rosterfile")) + ".csv"
    instructor.post(roster, data={"roster": (io.BytesIO(_csv_roster(variant)), csv_name)})
    instructor.post(roster, data={"roster": (io.BytesIO(_xlsx_roster(variant)), "lista.xlsx")})
    with app.app_context():
        uploads = db_session().scalars(select(RosterUpload).order_by(RosterUpload.id)).all()
        csv_upload, xlsx_upload = uploads[0].id, uploads[1].id
    instructor.get(f"{roster}/{csv_upload}")
    instructor.post(f"{roster}/{csv_upload}", data={})
    instructor.post(f"{roster}/{xlsx_upload}", data={})
    with app.app_context():
        session = db_session()
        invited = session.scalars(
            select(Invitation).where(Invitation.cohort_id == cohort_id).order_by(Invitation.id)
        ).all()
        assert len(invited) == 2, [i.name for i in invited]
        # The second invitation has expired: the page of an expired link shows its name too.
        invited[1].expires_at = utcnow() - timedelta(days=1)
        open_token, expired_token = invited[0].token, invited[1].token
        session.commit()

    # The editor: retitle a lesson, add a lesson and a module, publish with a message.
    lesson_title = f"/manage/editor/modules/{FIRST_FOLDER}/lessons/{FIRST_LESSON}/title"
    instructor.post(lesson_title, data={"title_es": v("titlees"), "title_en": v("titleen")})
    instructor.post(
        f"/manage/editor/modules/{FIRST_FOLDER}/lessons/new",
        data={"slug": "nueva", "title_es": v("lessones"), "title_en": "New lesson"},
    )
    instructor.post(
        "/manage/editor/modules/new",
        data={"slug": "modulo-nuevo", "title_es": v("modulees"), "title_en": "New module"},
    )
    instructor.post("/manage/editor/publish", data={"message": v("note")})

    # The learner's answers: knowledge checks and a quiz attempt at the published version.
    lesson = f"/learn/{FIRST_MODULE}/{FIRST_LESSON}"
    learner.get(lesson)
    learner.post(f"{lesson}/check/{EXTRA_CHECK}", data={f"q-{EXTRA_CHECK}": v("checktext")})
    learner.post(
        f"{lesson}/check/{EXTRA_NUMERIC_CHECK}",
        data={f"q-{EXTRA_NUMERIC_CHECK}": v("cnum")},
    )
    quiz = learner.get(f"/learn/{FIRST_MODULE}/quiz").body.decode()
    version_id = re.search(r'name="version_id"[^>]*value="(\d+)"', quiz)
    assert version_id, "the quiz form names its version"
    learner.post(
        f"/learn/{FIRST_MODULE}/quiz",
        data={
            "version_id": version_id.group(1),
            "lang": "es",
            "submission_token": f"payload-{variant}",
            "q-m1-q11": v("quiztext"),
            f"q-{EXTRA_QUESTION}": v("qnum"),
        },
    )
    with app.app_context():
        attempt = learning.attempts_of(db_session(), learner_id, FIRST_MODULE)[-1].number

    # Staff reasons, and an email change and deletion requests with an administrator's answer.
    learner_page = f"/manage/cohorts/{cohort_id}/learners/{learner_id}"
    instructor.post(
        f"{learner_page}/attempts",
        data={"module": FIRST_MODULE, "extra": "1", "reason": v("grant")},
    )
    due = (utcnow() + timedelta(days=20)).strftime("%Y-%m-%d")
    instructor.post(
        f"{learner_page}/deadline",
        data={"module": FIRST_MODULE, "due": due, "time": "23:59", "reason": v("extend")},
    )
    learner.post("/account/email", data={"email-email": mail("newmail")})
    learner.post("/account/deletion", data={"deletion-password": DEFAULT_PASSWORD})
    graduate_visitor.post("/account/deletion", data={"deletion-password": DEFAULT_PASSWORD})
    administrator = Visitor(app, "admin", log)
    administrator.sign_in(emails["admin"])
    administrator.post(
        f"/manage/users/{learner_id}/deletion/decline",
        data={f"decline-{learner_id}-reason": v("decline")},
    )

    instructor.post(
        f"/manage/editor/modules/{FIRST_FOLDER}/lessons/new",
        expect=422,
        data={"slug": v("slug"), "title_es": "Otra", "title_en": "Another"},
    )
    media = f"/manage/editor/modules/{FIRST_FOLDER}/media"
    image_name = _browser_file_name(v("media")) + ".png"
    instructor.post(media, data={"image": (io.BytesIO(_png()), image_name)})
    instructor.post(media, expect=422, data={"image": (io.BytesIO(b"not an image"), image_name)})

    # An unpublished edit for the differences pages, then a save that conflicts with it.
    edited = f"/manage/editor/files/{FIRST_FOLDER}/01-key-concepts.es.md"
    page = instructor.get(edited).body.decode()
    revision = re.search(r'name="revision"[^>]*value="(-?\d+)"', page)
    assert revision, "the editor form names its revision"
    text = re.search(r"<textarea[^>]*>(.*?)</textarea>", page, re.S)
    assert text
    original = html.unescape(text.group(1)).lstrip("\n")
    instructor.post(
        edited, data={"text": original + "\n" + v("draft") + "\n", "revision": revision.group(1)}
    )
    instructor.post(
        edited,
        expect=409,
        data={"text": original + "\nOtro " + v("draft") + "\n", "revision": revision.group(1)},
    )

    with app.app_context():
        session = db_session()
        people = {
            name: session.get_one(User, id_)
            for name, id_ in (
                ("admin", admin_id),
                ("instructor", _id_of(session, emails["instructor"])),
                ("learner", learner_id),
                ("graduate", graduate_id),
            )
        }
        certificate = learning.certificate_of(session, graduate_id)
        assert certificate is not None
        reset_token = reset.token_for(people["learner"], app.config["SECRET_KEY"])
        for person in people.values():
            session.refresh(person)
            session.expunge(person)
        code = certificate.code
    return Seeded(
        variant=variant,
        people=people,
        emails=emails,
        cohort_id=cohort_id,
        upload_id=xlsx_upload,
        csv_upload_id=csv_upload,
        invitation_token=open_token,
        expired_invitation_token=expired_token,
        join_token=join_token,
        reset_token=reset_token,
        certificate_code=code,
        attempt_number=attempt,
        responses=log,
    )


def _id_of(session: Any, email: str) -> int:
    return int(session.scalars(select(User.id).where(User.email == email.strip().lower())).one())


def visitors(app: Flask, seeded: Seeded) -> dict[str, Visitor]:
    """A signed-in client for each role (and the graduate), plus an anonymous one."""
    found: dict[str, Visitor] = {"anonymous": Visitor(app, "anonymous", seeded.responses)}
    for who in ("learner", "graduate", "instructor", "admin"):
        found[who] = Visitor(app, who, seeded.responses)
        found[who].sign_in(seeded.emails[who])
    return found


def inventory_paths(ids: dict[str, Any]) -> list[str]:
    """Every address of the page inventory, filled in, once each."""
    from tests.browser.pages import INVENTORY

    paths: list[str] = []
    for visits in INVENTORY.values():
        for visit in visits:
            path = visit.path.format(**ids)
            if path not in paths:
                paths.append(path)
    return paths


def pdf_text(data: bytes, folder: Path) -> str:
    """The text of a PDF, as pdftotext reads it."""
    import subprocess

    path = folder / "document.pdf"
    path.write_bytes(data)
    done = subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, check=True
    )
    return done.stdout.decode("utf-8")


# An attachment whose quoted name holds no quote, backslash or line break (RFC 6266).
ATTACHMENT = re.compile(r'^attachment; filename="[^"\\\r\n]*"(; filename\*=UTF-8\'\'[^\s"]*)?$')


def responses_of(log: Iterable[Response], *kinds: str) -> list[Response]:
    """The answers whose content type starts with one of `kinds`."""
    return [r for r in log if r.content_type.split(";")[0].strip().startswith(kinds)]
