"""Content HTML holds no script, no foreign element, no unsafe URL and no id of the page's own.

Every path from course Markdown to HTML ends in the renderer's allow-list sanitiser (nh3):
lessons, module pages, questions (stems, options, feedback), the parts a lesson is cut into
around its checks, SCORM pages, Moodle XML and the editor's preview. These tests feed them an
XSS corpus (tests/security/xss_corpus.py) and 1,000 generated documents mixing Markdown with it,
parse what comes out as a browser would, and look for anything that could run or clobber.
"""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import lxml.html
import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from lms.content import Module, build_course
from lms.content.limits import MarkdownTooComplex
from lms.content.render import (
    CONTENT_ID_PREFIX,
    finish,
    render_inline,
    render_markdown,
    sanitise,
)
from lms.db import get_engine
from lms.models import Role
from scorm_export.moodle_xml import quiz_to_moodle_xml
from scorm_export.sco import render_sco
from tests.conftest import csrf_token_from, make_test_app
from tests.content.helpers import CHECK, MODULE_EN, QUIZ, lesson, quiz, small_course
from tests.security.xss_corpus import SCRIPT_URLS, XSS_VECTORS

FOLDER = "01-understanding-migration"
LESSON_URL = "/learn/understanding-migration/key-concepts"
# Elements that run script, load or submit something, or change how the page is parsed.
FORBIDDEN_ELEMENTS = frozenset(
    (  # noqa: SIM905  (a list of words reads best as words)
        "script style iframe object embed form input button textarea select option meta base "
        "link svg math frame frameset noscript template applet isindex keygen xmp plaintext "
        "noembed listing title video audio source track marquee canvas portal dialog slot"
    ).split()
)
# Attributes whose value is fetched or followed as a URL.
URL_ATTRIBUTES = frozenset(
    (  # noqa: SIM905
        "href src action formaction xlink:href srcset cite data poster background ping "
        "longdesc usemap codebase manifest icon dynsrc lowsrc"
    ).split()
)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Whitespace and controls a browser strips from a URL's ends, and the ones it drops anywhere.
_URL_ENDS = "".join(chr(c) for c in range(0x21))
_URL_DROPPED = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.\-]*):")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_RAW_TAG = re.compile(r"<\s*/?\s*([A-Za-z][\w:-]*)")


def url_hazard(value: str) -> str | None:
    """Why a URL attribute's value (entities already decoded) could run script, or None."""
    url = _URL_DROPPED.sub("", value.strip(_URL_ENDS))
    scheme = _SCHEME.match(url)
    if scheme and scheme[1].lower() not in SAFE_SCHEMES:
        return f"scheme {scheme[1]!r}"
    return None


def parse(markup: str) -> Any:
    """`markup` parsed as the body of a page."""
    return lxml.html.document_fromstring(f"<html><body>{markup}</body></html>")


def hazards(markup: str, page_ids: frozenset[str] = frozenset()) -> list[str]:
    """Everything in content HTML that could run, load, submit or clobber."""
    found = [
        f"raw <{tag}>" for tag in _RAW_TAG.findall(markup) if tag.lower() in FORBIDDEN_ELEMENTS
    ]
    for element in parse(markup).body.iter():
        if not isinstance(element.tag, str):
            continue  # comments and processing instructions run nothing
        tag = element.tag.lower()
        if tag in FORBIDDEN_ELEMENTS:
            found.append(f"element <{tag}>")
        for name, value in element.attrib.items():
            name = name.lower()
            if name.startswith("on"):
                found.append(f"<{tag} {name}>")
            elif name == "style":
                found.append(f"<{tag} style>")
            elif name in URL_ATTRIBUTES:
                urls = [part.split()[0] for part in value.split(",") if part.split()]
                for url in urls if name == "srcset" else [value]:
                    why = url_hazard(url)
                    if why:
                        found.append(f"<{tag} {name}={value!r}>: {why}")
            elif name in ("id", "name", "for", "form", "headers", "aria-labelledby"):
                for each in value.split() if name == "headers" else [value]:
                    if not each.startswith(CONTENT_ID_PREFIX):
                        found.append(f"<{tag} {name}={value!r}> outside the content's ids")
                    if each in page_ids:
                        found.append(f"<{tag} {name}={value!r}> is the page's own")
    return found


# The page's own ids and names, from a real lesson page


@pytest.fixture(scope="module")
def page_ids(tmp_path_factory: pytest.TempPathFactory, _sqlite_template: Path) -> frozenset[str]:
    """Every id and name on a lesson page of the real app (CSRF on), with harmless content."""
    folder = tmp_path_factory.mktemp("page-ids")
    database = folder / "db.sqlite3"
    shutil.copyfile(_sqlite_template, database)
    app = make_test_app(folder, f"sqlite:///{database}", WTF_CSRF_ENABLED=True)
    try:
        # A lesson without headings: every id on the page is then the page's own.
        plain = lesson("Concepts", "Text.\n" + CHECK)
        page = lesson_page(app, small_course(**{"01-key-concepts__en__md": plain}))
    finally:
        get_engine(app).dispose()
    document = parse(page)
    found = {
        value
        for element in document.iter()
        if isinstance(element.tag, str)
        for name in ("id", "name")
        if (value := element.get(name))
    }
    assert "csrf_token" in found and len(found) >= 5
    return frozenset(found)


def lesson_page(app: Flask, files: dict[str, bytes]) -> str:
    """The first lesson as a signed-in learner sees it, with `files` published."""
    from lms.auth import services as accounts
    from lms.courses.services import publish
    from lms.db import db_session

    with app.app_context():
        publish(db_session(), files)
        accounts.create_user(
            db_session(),
            email="reader@example.org",
            name="Reader",
            password="a long password",
            role=Role.LEARNER,
            ui_language="en",
            min_password_length=1,
        )
        db_session().commit()
    client = app.test_client()
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    signed_in = client.post(
        "/login",
        data={"email": "reader@example.org", "password": "a long password", "csrf_token": token},
    )
    assert signed_in.status_code == 302
    response = client.get(LESSON_URL, headers={"Accept-Language": "en"})
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_pages_own_ids_are_outside_the_contents_namespace(page_ids: frozenset[str]) -> None:
    assert not [value for value in page_ids if value.startswith(CONTENT_ID_PREFIX)]


# The renderer, on the corpus and on 1,000 generated documents


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_no_vector_of_the_corpus_survives_rendering(vector: str, page_ids: frozenset[str]) -> None:
    for render in (render_markdown, render_inline):
        try:
            out = render(vector, "en")
        except MarkdownTooComplex:
            continue
        assert hazards(out, page_ids) == [], (render.__name__, out)


def test_the_shared_sanitisers_give_each_thread_its_own_result() -> None:
    # One cleaner of each pass serves every thread of a worker: concurrent calls on different
    # input must each get the result of a call made alone.
    inputs = [
        f'<p id="p{i}">{vector}<a href="#t{i}">{i}</a></p>' for i, vector in enumerate(XSS_VECTORS)
    ]
    alone = [(sanitise(html), finish(html)) for html in inputs]
    with ThreadPoolExecutor(max_workers=8) as pool:
        for _ in range(20):
            together = list(pool.map(lambda html: (sanitise(html), finish(html)), inputs))
            assert together == alone


_WORDS = ("csrf_token", "main", "x", "__proto__", "Hello world", "content-")
_URLS = (
    *SCRIPT_URLS,
    "https://example.org/a?b=c#d",
    "01-key-concepts.en.md#csrf_token",
    "#csrf_token",
    "media/map.png",
    "//example.org",
    "mailto:a@example.org",
)
# Markdown constructs with slots for vectors ({0}, {1}) and a URL ({2}).
_CONSTRUCTS = (
    "{0}",
    "{0} {1}",
    "# {0}",
    "## {0} {{: #{1} }}",
    "### {0} {{: .{1} onclick={1} }}",
    "*{0}* and **{1}**",
    "_{0}_",
    "`{0}`",
    "``{0}``",
    "[{0}]({2})",
    '[{0}]({2} "{1}")',
    "![{0}]({2})",
    "[{0}][ref]\n\n[ref]: {2}",
    "![{0}][img]\n\n[img]: {2} '{1}'",
    "<{2}>",
    "> {0}\n> {1}",
    "- {0}\n- {1}\n    - {0}",
    "1. {0}\n2. [x]({2})",
    "| {0} | b |\n|---|---|\n| {1} | [y]({2}) |",
    "Term {0}\n: {1}",
    "Text[^n]\n\n[^n]: {0} [z]({2})",
    "*[ABBR]: {0}\n\nABBR {1}",
    "> [!NOTE]\n> {0}",
    "> [!WARNING]\n> [a]({2})",
    '<div markdown="1">\n{0}\n\n[b]({2})\n</div>',
    '<span markdown="1">{0}</span>',
    "```\n{0}\n```",
    "```html\n{1}\n```",
    "    {0}",
    "<details><summary>{0}</summary>\n\n{1}\n\n</details>",
    "{0}\n===",
    "{0}\n---",
    "[TOC]",
    "<!-- {0} -->{1}",
    '<a href="{2}" title="{0}">{1}</a>',
    '<img src="{2}" alt="{0}">',
    '<p id="{0}" class="{1}">t</p>',
    "<{0}>{1}</{0}>",
    "\\{0}",
    "&lt;{0}&gt; &#60;{1}&#62;",
)
_PIECE = st.sampled_from(XSS_VECTORS + _WORDS)
_BLOCK = st.builds(
    lambda construct, a, b, url: construct.format(a, b, url),
    st.sampled_from(_CONSTRUCTS),
    _PIECE,
    _PIECE,
    st.sampled_from(_URLS),
)
_DOCUMENT = st.builds(
    lambda blocks, separator: separator.join(blocks),
    st.lists(_BLOCK, min_size=1, max_size=6),
    st.sampled_from(("\n\n", "\n", " ", "")),
)


@settings(
    max_examples=1000,
    derandomize=True,  # the same 1,000 documents on every run
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(document=_DOCUMENT)
def test_no_generated_document_renders_anything_that_could_run_or_clobber(
    document: str, page_ids: frozenset[str]
) -> None:
    for render in (render_markdown, render_inline):
        try:
            out = render(document, "en")
        except MarkdownTooComplex:
            event(f"{render.__name__}: refused whole")  # nothing of it is shown
            continue
        event(f"{render.__name__}: rendered")
        assert hazards(out, page_ids) == [], (render.__name__, document, out)


def test_the_generator_covers_every_construct_and_vector() -> None:
    # What the 1,000 documents draw from: every construct, every vector, every URL.
    assert len(_CONSTRUCTS) >= 40 and len(XSS_VECTORS) >= 100 and len(SCRIPT_URLS) >= 20
    for construct in _CONSTRUCTS:
        construct.format("a", "b", "c")  # every slot is filled


# Every other path from content to HTML


def course_with(vector: str) -> tuple[Module, dict[str, bytes]]:
    """The small course with `vector` in a lesson, a check's option and feedback, the quiz
    and the module page, in English (the Spanish files stay as they are)."""
    inline = vector.replace("\n", " ")
    check = CHECK.replace("(x) Yes", f"(x) Yes {inline}").replace("> Indeed.", f"> {inline}")
    files = small_course(
        module__en__md=MODULE_EN + "\n" + vector + "\n",
        **{
            "01-key-concepts__en__md": lesson(
                "Concepts", f"Text.\n\n{vector}\n{check}\n\nAfter {inline}\n\n## References\n\n- X"
            ),
            "quiz__en__md": quiz(QUIZ.replace("Pick the year.", f"Pick the year {inline}")),
        },
    )
    course, _ = build_course(files)
    return course.modules[0], files


def content_html(module: Module) -> Iterator[str]:
    """Every piece of HTML the platform shows from the module's English texts."""
    yield module.texts["en"].intro_html
    for each in module.lessons:
        for part in each.texts["en"].parts:
            if hasattr(part, "html"):
                yield part.html
            else:
                yield from question_html(part.question)
    if module.quiz:
        yield module.quiz.texts["en"].intro_html
        for question in module.quiz.texts["en"].questions:
            yield from question_html(question)


def question_html(question: Any) -> Iterator[str]:
    for name in ("stem_html", "explanation_html", "feedback_right_html"):
        yield getattr(question, name, "")
    for name in ("hints_html", "lefts_html", "rights_html", "items_html"):
        yield from getattr(question, name, ())
    for option in getattr(question, "options", ()):
        yield option.html
        yield option.feedback_html


@pytest.fixture(scope="module")
def harmless_sco() -> Counter[str]:
    """The hazards a SCORM page has of its own (its runtime scripts), with harmless content."""
    module, _ = course_with("Harmless text.")
    return Counter(sco_hazards(module))


def sco_hazards(module: Module) -> list[str]:
    page = render_sco(module, {}, scorm_version="2004", lang="en")["index.html"].decode()
    # Content ids are scoped to their page inside the package ("lesson-x--content-y").
    scoped = re.sub(r'(id="|href="#)[a-z0-9-]+--content-', r"\1content-", page)
    return [h for h in hazards(scoped) if "outside the content's ids" not in h] + [
        f"id {value}"
        for value in re.findall(r'\bid="([^"]*)"', page)
        if "--content-" not in value and value.startswith(CONTENT_ID_PREFIX)
    ]


class AnyImage(dict[str, bytes]):
    """Media in which every image a question names exists, so that every question exports."""

    def get(self, key: str, default: Any = None) -> bytes:
        return b"\x89PNG\r\n\x1a\n"


def moodle_html(module: Module) -> Iterator[str]:
    xml = ET.fromstring(quiz_to_moodle_xml(module, "en", AnyImage({"media/any.png": b""})))
    for element in xml.iter():
        if element.get("format") == "html":
            yield from (text.text or "" for text in element.iter("text"))


@pytest.mark.parametrize("vector", XSS_VECTORS)
def test_every_path_from_content_to_html_ends_sanitised(
    vector: str, page_ids: frozenset[str], harmless_sco: Counter[str]
) -> None:
    module, _ = course_with(vector)
    for markup in content_html(module):
        assert hazards(markup, page_ids) == [], markup
    for markup in moodle_html(module):
        assert hazards(markup, page_ids) == [], markup
    # The SCORM page holds its runtime's scripts: the vector may add nothing to them.
    assert Counter(sco_hazards(module)) == harmless_sco


# Over HTTP: the lesson page and the editor's preview

CLOBBER = (
    '<input id="csrf_token" name="csrf_token" value="attacker">\n\n'
    '<a id="csrf_token" name="csrf_token" href="#csrf_token">x</a>\n\n'
    '<form id="csrf_token" action="/login"><input name="csrf_token"></form>\n\n'
    "## csrf_token\n\n"
    "Text {: #csrf_token }\n"
)


def test_a_lesson_cannot_give_an_element_the_id_or_name_of_the_pages_csrf_token(
    tmp_path: Path, database_url: str, page_ids: frozenset[str]
) -> None:
    app = make_test_app(tmp_path, database_url, WTF_CSRF_ENABLED=True)
    try:
        files = small_course(
            **{"01-key-concepts__en__md": lesson("Concepts", "Text.\n" + CHECK + CLOBBER)}
        )
        page = lesson_page(app, files)
    finally:
        get_engine(app).dispose()
    document = parse(page)
    assert document.xpath('//*[@id="csrf_token"]') == []
    named = document.xpath('//*[@name="csrf_token"]')
    # Each is a hidden field of one of the page's own forms, holding the real token.
    real = csrf_token_from(page)
    assert named and all(
        element.tag == "input" and element.get("type") == "hidden" and element.get("value") == real
        for element in named
    )
    article = document.xpath('//article[@class="lesson"]')[0]
    ids = [element.get("id") for element in article.iter() if element.get("id")]
    assert f"{CONTENT_ID_PREFIX}csrf_token" in ids
    assert "attacker" not in page and 'action="/login"' not in page
    # Nothing the lesson wrote took an id the page uses: each of the page's own ids is there
    # once, and every other id is in the content's namespace.
    every_id = Counter(element.get("id") for element in document.iter() if element.get("id"))
    own = {value: times for value, times in every_id.items() if value in page_ids}
    assert own and set(own.values()) == {1}
    assert all(value.startswith(CONTENT_ID_PREFIX) or value in page_ids for value in every_id)


def test_the_editors_preview_is_sanitised_like_the_lesson(
    editor: FlaskClient, page_ids: frozenset[str]
) -> None:
    path = f"{FOLDER}/01-key-concepts.en.md"

    def preview(vector: str) -> Any:
        text = lesson("Concepts", f"Text.\n{CHECK}\n{vector}\n")
        return editor.post("/manage/editor/preview", json={"path": path, "text": text})

    # The preview shows the check's answer key in inputs of its own: a vector adds nothing.
    harmless = Counter(hazards(preview("Harmless text.").get_json()["html"], page_ids))
    for vector in XSS_VECTORS:
        response = preview(vector)
        if _CONTROL.search(vector):  # a request with control characters is refused unread
            assert response.status_code == 400
            continue
        assert response.status_code == 200, vector
        assert Counter(hazards(response.get_json()["html"], page_ids)) == harmless, vector
