"""The course loader and linter: structure, languages, parity, ids, links and images."""

from __future__ import annotations

import pytest

from lms.content import ContentInvalid, build_course, load_course
from lms.content.model import CheckPart, HtmlPart

from .helpers import CHECK, QUIZ, lesson, problems_of, quiz, small_course

FOLDER = "modules/01-understanding-migration"


def test_a_clean_course_builds_into_frozen_objects() -> None:
    course = load_course(small_course())
    module = course.modules[0]
    assert module.slug == "understanding-migration" and module.number == 1
    assert module.text("en").title == "Understanding migration processes"
    assert module.text("pt").title == "Comprender los procesos migratorios"  # falls back to es
    text = module.lessons[0].text("en")
    assert [type(p) for p in text.parts] == [HtmlPart, CheckPart, HtmlPart]
    assert text.has_references and text.words > 3
    assert module.quiz is not None
    assert module.quiz.pass_mark == 70 and module.quiz.max_attempts == 3
    assert module.quiz.total_points == 3
    assert course.module("understanding-migration") is module


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"quiz__en__md": None}, f"{FOLDER}/quiz.es.md:1: missing English version: add quiz.en.md"),
        (
            {"01-key-concepts__es__md": None},
            f"{FOLDER}/01-key-concepts.en.md:1: missing Spanish version: add 01-key-concepts.es.md",
        ),
        ({"module__es__md": None}, f"{FOLDER}/module.en.md:1: missing Spanish version"),
        ({"notes__txt": "x"}, f"{FOLDER}/notes.txt:1: unknown file"),
        ({"01-key-concepts__fr__md": lesson("x", "y")}, "unknown language 'fr'"),
        (
            {"quiz__en__md": quiz(QUIZ.replace("= 1951", "= 1952"))},
            f"{FOLDER}/quiz.en.md:7: question m1-q1: answer key differs from {FOLDER}/quiz.es.md:7",
        ),
        (
            {"quiz__en__md": quiz(QUIZ.replace("points=2", "points=3"))},
            "question m1-q1: points differs",
        ),
        ({"quiz__en__md": quiz(QUIZ.replace("#m1-q2", "#m1-q3"))}, "questions differ from"),
        ({"quiz__en__md": quiz(QUIZ.replace("= true", "= 12"))}, "question m1-q2: type differs"),
        ({"quiz__en__md": quiz(QUIZ, pass_mark=80)}, "pass_mark and max_attempts must be the same"),
        (
            {"quiz__es__md": quiz(QUIZ.replace("m1-q2", "m1-l1-c1"))},
            "duplicate question id 'm1-l1-c1'",
        ),
        (
            {"01-key-concepts__en__md": lesson("C", "See [next](02-missing.en.md).\n" + CHECK)},
            f"{FOLDER}/01-key-concepts.en.md:5: broken link: '02-missing.en.md'",
        ),
        (
            {"01-key-concepts__en__md": lesson("C", "See [x](01-key-concepts.es.md).\n" + CHECK)},
            "points to another language",
        ),
        (
            {"01-key-concepts__en__md": lesson("C", "![](media/map.png)\n" + CHECK)},
            "has no alt text",
        ),
        (
            {"01-key-concepts__en__md": lesson("C", "![Map](media/map.png)\n" + CHECK)},
            "image 'media/map.png' does not exist",
        ),
        (
            {"01-key-concepts__en__md": lesson("C", "![Map](https://x.org/m.png)\n" + CHECK)},
            "outside the course",
        ),
        (
            {"01-key-concepts__en__md": lesson("C", "> [!DANGER]\n> x\n" + CHECK)},
            "unknown call-out",
        ),
        ({"01-key-concepts__en__md": "no front matter\n" + CHECK}, "missing front matter"),
        ({"01-key-concepts__en__md": "---\ntitle: [unclosed\n---\n" + CHECK}, "not valid YAML"),
        ({"01-key-concepts__en__md": "---\ntitle: x\n" + CHECK}, "front matter is not closed"),
        ({"module__en__md": "---\ntitle: T\nsummary: S\n---\n"}, "'objectives' must be a list"),
        (
            {"module__en__md": "---\ntitle: T\nsummary: S\nobjectives: [a]\n---\n"},
            "'estimated_minutes' is required",
        ),
        (
            {"quiz__en__md": "---\ntitle: Q\npass_mark: 170\nmax_attempts: 3\n---\n" + QUIZ},
            "'pass_mark' must be a whole number from 0 to 100",
        ),
    ],
)
def test_linter_reports_problem_with_file_and_line(
    overrides: dict[str, str | None], expected: str
) -> None:
    found = problems_of(small_course(**overrides))
    assert any(expected in p for p in found), "\n".join(found)


def test_every_problem_is_listed_at_once() -> None:
    found = problems_of(
        small_course(
            quiz__en__md=None,
            **{
                "01-key-concepts__en__md": lesson("C", "![](media/x.png) [a](09-x.en.md)\n" + CHECK)
            },
        )
    )
    assert len(found) >= 4


def test_non_utf8_file_is_reported() -> None:
    files = small_course()
    files[f"{FOLDER.split('/', 1)[1]}/01-key-concepts.en.md"] = "título".encode("latin-1")
    assert any("not UTF-8" in p for p in problems_of(files))


def test_load_course_refuses_with_every_problem() -> None:
    with pytest.raises(ContentInvalid) as raised:
        load_course(small_course(quiz__en__md=None, module__es__md=None))
    assert len(raised.value.problems) >= 2
    assert str(raised.value).count(FOLDER) >= 2


def test_empty_tree_is_a_problem() -> None:
    assert build_course({})[1][0].message.startswith("no module folders")


def test_lesson_links_become_page_addresses() -> None:
    files = small_course(
        **{
            "01-key-concepts__en__md": lesson(
                "C", "See [itself](01-key-concepts.en.md#top).\n" + CHECK + "\n## References\n"
            )
        }
    )
    part = load_course(files).modules[0].lessons[0].text("en").parts[0]
    # The fragment names the other lesson's id, which lives in the content's namespace.
    assert isinstance(part, HtmlPart) and 'href="key-concepts#content-top"' in part.html


def test_rendered_html_is_sanitised() -> None:
    files = small_course(
        **{
            "01-key-concepts__en__md": lesson(
                "C",
                '<script>alert(1)</script>\n\n<a href="javascript:x()" onclick="y()">z</a>\n'
                + CHECK
                + "\n## References\n",
            )
        }
    )
    html = load_course(files).modules[0].lessons[0].text("en").parts[0].html  # type: ignore[union-attr]
    assert "<script" not in html and "javascript:" not in html and "onclick" not in html


def test_tables_scroll_in_a_box_of_their_own_named_in_the_lesson_language() -> None:
    table = "| Año | Personas |\n| --- | --- |\n| 2020 | 281 millones |\n"
    files = small_course(
        **{
            "01-key-concepts__es__md": lesson(
                "C", table + '\n<div tabindex="0" class="x">y</div>\n' + CHECK + "\n## Ref\n"
            )
        }
    )
    html = load_course(files).modules[0].lessons[0].text("es").parts[0].html  # type: ignore[union-attr]
    box = '<div class="table-scroll" role="group" tabindex="0" aria-label="Tabla"><table>'
    assert html.count(box) == 1 and html.count("</table></div>") == 1
    # The keyboard stop is the platform's own: an author's tabindex is still removed.
    assert html.count('tabindex="0"') == 1
