"""Stored payloads never run: every page, for every role, and every export escape or defuse them.

Each payload variant (tests/security/stored.py) is written into every text field people can
write; then every page of the page inventory is opened as each role and every download is read
back. Each check also requires the markers to be found, so a field that never reaches an output
cannot pass unseen.
"""

from __future__ import annotations

import io
import json
import zipfile
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree

import pytest
from flask import Flask

from lms.db import db_session, get_engine
from lms.models import OutboxMessage
from tests.browser.site import FIRST_MODULE
from tests.security.stored import (
    ATTACHMENT,
    FIELDS,
    VARIANTS,
    Response,
    Seeded,
    cell_problem,
    csv_cells,
    html_problems,
    inventory_paths,
    markers_in,
    payload_app,
    pdf_text,
    responses_of,
    seed,
    text_value,
    visitors,
    xlsx_problems,
)

ROLES = ("anonymous", "learner", "graduate", "instructor", "admin")
# What each download is expected to carry (a subset: each export has its own columns).
IN_GRADES = {"learnname", "learnmail", "gradname", "gradmail"}
IN_RESPONSES = IN_GRADES | {"quiztext", "qnum"}
IN_LINKS = {"rostername", "rostermail", "xlsxname"}
IN_OWN_DATA = {"learnname", "learnmail", "quiztext", "qnum", "checktext", "cnum"}
IN_COURSE_EXPORTS = {"titlees", "titleen"}


@pytest.fixture(scope="module", params=list(VARIANTS))
def platform(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Flask, Seeded]]:
    """A platform with one payload variant in every field."""
    folder = tmp_path_factory.mktemp(f"payload-{request.param}")
    app = payload_app(request, folder)
    yield app, seed(app, request.param)
    get_engine(app).dispose()


def _download(answer: Response) -> bytes:
    """The body of a download, after checking that it is one, under a harmless name."""
    assert answer.status == 200, f"{answer.path}: {answer.status}"
    assert ATTACHMENT.match(answer.disposition), f"{answer.path}: {answer.disposition!r}"
    assert not answer.content_type.startswith("text/html"), answer.path
    return answer.body


def _html_failures(seeded: Seeded, start: int = 0) -> list[str]:
    return [
        f"{r.method} {r.path} as {r.who}: {problem}"
        for r in responses_of(seeded.responses[start:], "text/html")
        for problem in html_problems(r.body.decode("utf-8"))
    ]


def test_pages_shown_while_filling_in_escape_the_payload(platform: tuple[Flask, Seeded]) -> None:
    _, seeded = platform
    assert _html_failures(seeded) == []


def test_every_page_escapes_every_field_for_every_role(platform: tuple[Flask, Seeded]) -> None:
    app, seeded = platform
    start = len(seeded.responses)
    paths = inventory_paths(seeded.ids())
    paths.append(f"/manage/cohorts/{seeded.cohort_id}/invitations/upload/{seeded.csv_upload_id}")
    paths.append(f"/manage/cohorts/{seeded.cohort_id}/learners/{seeded.people['graduate'].id}")
    people = visitors(app, seeded)
    for who in ROLES:
        for path in paths:
            people[who].get(path)
    swept = responses_of(seeded.responses[start:], "text/html")
    assert len(swept) == len(ROLES) * len(paths), "every sweep answer is an HTML page"
    assert _html_failures(seeded, start) == []
    shown = set().union(*(markers_in(r.body.decode()) for r in seeded.responses))
    assert shown >= set(FIELDS), f"fields no page showed: {set(FIELDS) - shown}"
    if seeded.variant == "template":
        literal = text_value("template", "cohort").replace("'", "&#39;")
        assert any(literal in r.body.decode() for r in swept), "{{7*7}} shown as written"
    print(f"{seeded.variant}: {len(paths)} pages x {len(ROLES)} accounts, {len(shown)} fields")


def _sheet_failures(data: bytes, kind: str) -> tuple[list[str], set[str]]:
    if kind == "xlsx":
        return xlsx_problems(data)
    cells = list(csv_cells(data))
    problems = [p for p in (cell_problem(cell) for cell in cells) if p]
    return problems, set().union(*(markers_in(cell) for cell in cells))


def test_spreadsheets_neutralise_formulas(platform: tuple[Flask, Seeded]) -> None:
    app, seeded = platform
    people = visitors(app, seeded)
    cohort = f"/manage/cohorts/{seeded.cohort_id}"
    downloads = [
        (people["instructor"], f"{cohort}/grades.{kind}", kind, IN_GRADES)
        for kind in ("csv", "xlsx")
    ] + [
        (people["admin"], f"{cohort}/responses.{kind}?attempts=all", kind, IN_RESPONSES)
        for kind in ("csv", "xlsx")
    ]
    downloads.append((people["instructor"], f"{cohort}/invitations.csv", "csv", IN_LINKS))
    failures: list[str] = []
    for visitor, path, kind, expected in downloads:
        problems, seen = _sheet_failures(_download(visitor.get(path)), kind)
        failures += [f"{path}: {problem}" for problem in problems]
        assert seen >= expected, f"{path} lacks {expected - seen}"
    for who in ("learner", "graduate"):
        archive = zipfile.ZipFile(io.BytesIO(_download(people[who].get("/account/data.zip"))))
        seen = set()
        for name in archive.namelist():
            problems, found = _sheet_failures(archive.read(name), "csv")
            failures += [f"{who}'s data.zip {name}: {problem}" for problem in problems]
            seen |= found
        if who == "learner":
            assert seen >= IN_OWN_DATA, f"data.zip lacks {IN_OWN_DATA - seen}"
    assert failures == []


def test_own_data_json_is_a_download_not_a_page(platform: tuple[Flask, Seeded]) -> None:
    app, seeded = platform
    answer = visitors(app, seeded)["learner"].get("/account/data.json")
    assert answer.content_type.startswith("application/json")
    text = _download(answer).decode()
    assert markers_in(json.dumps(json.loads(text))) >= IN_OWN_DATA
    assert "49zq" not in text


def test_certificates_print_the_name_as_text(
    platform: tuple[Flask, Seeded], tmp_path: Path
) -> None:
    app, seeded = platform
    people = visitors(app, seeded)
    graduate = seeded.people["graduate"].id
    for visitor, path in (
        (people["graduate"], "/learn/certificate.pdf"),
        (people["instructor"], f"/manage/learners/{graduate}/certificate.pdf"),
    ):
        answer = visitor.get(path)
        assert answer.content_type == "application/pdf", path
        text = " ".join(pdf_text(_download(answer), tmp_path).split())
        name = " ".join(text_value(seeded.variant, "gradname").split())
        assert name in text, f"{path} prints the name as written"
        assert "49zq" not in text
        raw = answer.body
        assert b"/JavaScript" not in raw and b"/JS " not in raw and b"/Launch" not in raw
        assert b"(javascript:" not in raw.lower()


def test_course_exports_escape_titles(platform: tuple[Flask, Seeded]) -> None:
    app, seeded = platform
    instructor = visitors(app, seeded)["instructor"]
    seen: set[str] = set()
    failures: list[str] = []
    for kind in ("scorm12", "scorm2004", "moodle-xml"):
        for lang in ("es", "en"):
            module = "course" if kind != "moodle-xml" else FIRST_MODULE
            for what in {module, FIRST_MODULE}:
                path = f"/manage/exports/{kind}/{lang}/{what}"
                answer = instructor.get(path)
                _download(answer)
                files = (
                    {"quiz.xml": answer.body}
                    if kind == "moodle-xml"
                    else {
                        name: zipfile.ZipFile(io.BytesIO(answer.body)).read(name)
                        for name in zipfile.ZipFile(io.BytesIO(answer.body)).namelist()
                    }
                )
                for name, data in files.items():
                    if name.endswith(".html"):
                        text = data.decode("utf-8")
                        failures += [f"{path} {name}: {p}" for p in html_problems(text)]
                        seen |= markers_in(text)
                    elif name.endswith(".xml"):
                        root = ElementTree.fromstring(data)  # well-formed whatever the titles
                        seen |= markers_in("".join(root.itertext()))
                        seen |= markers_in(" ".join(str(e.attrib) for e in root.iter()))
    assert failures == []
    assert seen >= IN_COURSE_EXPORTS, f"exports lack {IN_COURSE_EXPORTS - seen}"


def test_mail_bodies_escape_the_payload(platform: tuple[Flask, Seeded]) -> None:
    app, _ = platform
    with app.app_context():
        messages = db_session().query(OutboxMessage).all()
    assert messages, "invitations and account mail were queued"
    failures = [
        f"mail {m.kind} to {m.recipient}: {problem}"
        for m in messages
        if m.html
        for problem in html_problems(m.html)
    ]
    assert failures == []
    assert all("49zq" not in m.text and "49zq" not in m.subject for m in messages)


@pytest.mark.parametrize(
    "body",
    [
        '<p>"><script>window.__pwned=1</script>zqcohortzq</p>',
        '<p><img src=x onerror="window.__pwned=1">zqcohortzq</p>',
        "<input value='' autofocus onfocus='window.__pwned=1' x='zqcohortzq'>",
        '<a href=" JavaScript:window.__pwned=1zqcohortzq">x</a>',
        '<form action="javascript:window.__pwned=1"></form>',
        '<script type="application/json">{"name": "</script><p>zqcohortzq"}</script>',
        "<p>49zqcohortzq</p>",
        '<p><img src="x">zqcohortzq</p>',
    ],
)
def test_the_page_check_catches_each_way_a_payload_gets_through(body: str) -> None:
    assert html_problems(f"<!doctype html><html><body>{body}</body></html>") != []


@pytest.mark.parametrize(
    "body",
    [
        "<p>&#34;&gt;&lt;script&gt;window.__pwned=1&lt;/script&gt;zqcohortzq</p>",
        "<input value='&#39; autofocus onfocus=&#39;window.__pwned=1&#39; x=&#39;zqcohortzq'>",
        '<p>javascript:window.__pwned=1zqcohortzq</p><a href="/x?javascript:">x</a>',
        '<script type="application/json">{"name": "\\u003c/script\\u003ezqcohortzq"}</script>',
        "<p>{{7*7}}zqcohortzq</p>",
        # A Markdown field's image after nh3: no handler is left, so it cannot run.
        '<p><img src="x">zqdraftzq</p>',
    ],
)
def test_the_page_check_passes_escaped_payloads(body: str) -> None:
    assert html_problems(f"<!doctype html><html><body>{body}</body></html>") == []


@pytest.mark.parametrize(
    ("value", "runs"),
    [
        ('=HYPERLINK("http://x")', True),
        ("+cmd|' /C calc'!A0", True),
        ("@SUM(1)", True),
        ("-1+1", True),
        ("\t=1+1", True),
        ("\r=1+1", True),
        ('\'=HYPERLINK("http://x")', False),
        ("-2.5", False),
        ("Lucía", False),
        (3, False),
    ],
)
def test_the_cell_check_knows_a_formula(value: object, runs: bool) -> None:
    assert (cell_problem(value) is not None) is runs


def test_the_workbook_check_catches_formula_cells() -> None:
    from openpyxl import Workbook  # type: ignore[import-untyped]

    workbook = Workbook()
    workbook.active.append(["=1+1", "'=1+1zqcohortzq"])
    out = io.BytesIO()
    workbook.save(out)
    problems, seen = xlsx_problems(out.getvalue())
    assert len(problems) == 2 and seen == {"cohort"}  # a formula, which also starts with "="
