"""The per-file memo and the preview of one file: as fast as one parse, as exact as a full build."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest

from bench.preview_content import long_lesson, with_long_lesson
from lms.content import (
    Course,
    FileMemo,
    LinkStyle,
    Problem,
    UnknownFile,
    build_course,
    preview_file,
)
from lms.content.loader import FileText
from lms.content.memo import FileKey, digest
from lms.content.model import CheckPart, HtmlPart
from lms.content.questions import QUESTION_TYPES
from lms.content.questions.choice import SingleChoice
from tests.shipped import COURSE, FILES

from .helpers import CHECK, MODULE_EN, QUIZ, lesson, quiz, small_course

LABEL = "modules"
M1 = "01-understanding-migration"
M3 = "03-migration-governance"
LESSON = f"{M1}/01-key-concepts.en.md"


@pytest.fixture(scope="module")
def memo() -> FileMemo:
    """A memo of its own for previews, holding the shipped course as the editor's tree would."""
    warm = FileMemo()
    build_course(FILES, LABEL, memo=warm)
    return warm


def html_of(course: Course) -> list[str]:
    """Every piece of rendered HTML in the course, in order."""
    found: list[str] = []
    for module in course.modules:
        found += [text.intro_html for text in module.texts.values()]
        for lesson_ in module.lessons:
            for text in lesson_.texts.values():
                for part in text.parts:
                    if isinstance(part, HtmlPart):
                        found.append(part.html)
                    elif isinstance(part, CheckPart):
                        found.append(part.question.stem_html)
        if module.quiz:
            for quiz_text in module.quiz.texts.values():
                found += [quiz_text.intro_html, *(q.stem_html for q in quiz_text.questions)]
    return found


def texts_by_path(course: Course) -> dict[str, FileText]:
    """Every built module page, lesson and quiz text, by its problem path."""
    found: dict[str, FileText] = {}
    for module in course.modules:
        found |= {t.path: t for t in module.texts.values()}
        found |= {t.path: t for lesson_ in module.lessons for t in lesson_.texts.values()}
        if module.quiz:
            found |= {t.path: t for t in module.quiz.texts.values()}
    return found


# The memo


def test_a_second_build_comes_from_the_memo_and_is_identical() -> None:
    memo = FileMemo()
    cold_course, cold_problems = build_course(FILES, memo=memo)
    parsed = memo.info().misses
    assert parsed == sum(1 for path in FILES if path.endswith(".md"))
    warm_course, warm_problems = build_course(FILES, memo=memo)
    assert memo.info().misses == parsed and memo.info().hits == parsed
    assert warm_problems == cold_problems == []
    assert html_of(warm_course) == html_of(cold_course) == html_of(COURSE)
    assert warm_course == cold_course == COURSE


@pytest.mark.parametrize(
    "overrides",
    [
        {"quiz__en__md": None, "01-key-concepts__en__md": lesson("C", "![](media/x.png)\n")},
        {"quiz__en__md": quiz(QUIZ.replace("= 1951", "= 1952"), pass_mark=80)},
        {"quiz__es__md": quiz(QUIZ.replace("m1-q2", "m1-l1-c1"))},
        {"01-key-concepts__en__md": "---\ntitle: [unclosed\n---\n" + CHECK},
        {"module__en__md": "---\ntitle: T\nsummary: S\n---\n", "notes__txt": "x"},
    ],
)
def test_problems_replayed_from_the_memo_equal_a_build_without_it(
    overrides: dict[str, str | None],
) -> None:
    files = small_course(**overrides)
    unmemoised = build_course(files, memo=FileMemo(0))
    shared = FileMemo()
    first, second = build_course(files, memo=shared), build_course(files, memo=shared)
    assert shared.info().hits > 0
    assert first == second == unmemoised
    assert unmemoised[1], "each case has problems to replay"


def _key(name: str, size: int = 1) -> FileKey:
    return FileKey(LABEL, M1, name, digest(name.encode()), size, frozenset(), LinkStyle(), ())


def test_memo_drops_the_least_recently_used_file() -> None:
    memo = FileMemo(2)
    parsed: list[str] = []

    def parse(name: str) -> Callable[[list[Problem]], str]:
        def run(found: list[Problem]) -> str:
            parsed.append(name)
            found.append(Problem(name, 1, "seen"))
            return name.upper()

        return run

    problems: list[Problem] = []
    for name in ("a", "b", "a", "c", "a", "b"):
        assert memo.parsed(_key(name), parse(name), problems) == name.upper()
    assert parsed == ["a", "b", "c", "b"]  # "b" was the oldest when "c" came in
    assert problems == [Problem(n, 1, "seen") for n in ("a", "b", "a", "c", "a", "b")]
    assert memo.info().size == 2 and memo.info().hits == 2


def test_memo_keeps_its_files_within_a_byte_budget() -> None:
    memo = FileMemo(maxsize=10, max_bytes=100)
    for name, size in (("a", 40), ("b", 40), ("c", 40), ("huge", 101)):
        memo.parsed(_key(name, size), lambda _: None, [])
        held = memo.info()
        assert held.bytes <= 100
    assert (held.size, held.bytes) == (0, 0)  # a file over the budget is parsed, never kept
    memo.parsed(_key("a", 40), lambda _: None, [])
    memo.parsed(_key("b", 40), lambda _: None, [])
    memo.parsed(_key("c", 40), lambda _: None, [])
    assert (memo.info().size, memo.info().bytes) == (2, 80)
    memo.clear()
    assert memo.info() == FileMemo(maxsize=10, max_bytes=100).info()


def test_memo_is_keyed_by_the_module_files_the_links_point_to() -> None:
    memo = FileMemo()
    linking = lesson("C", "See [next](02-next.en.md).\n" + CHECK)
    files = small_course(**{"01-key-concepts__en__md": linking})
    assert any("broken link" in p.message for p in build_course(files, memo=memo)[1])
    target = lesson("N", "Next.")
    added = small_course(
        **{"01-key-concepts__en__md": linking, "02-next__en__md": target, "02-next__es__md": target}
    )
    assert build_course(added, memo=memo)[1] == []


def test_memo_is_keyed_by_link_style_and_label() -> None:
    memo = FileMemo()
    body = "See [itself](01-key-concepts.en.md#top).\n" + CHECK + "\n## References\n"
    files = small_course(**{"01-key-concepts__en__md": lesson("C", body)})
    lms_course, _ = build_course(files, "a", memo=memo)
    scorm_course, _ = build_course(files, "b", LinkStyle(".html"), memo=memo)
    lms_html, scorm_html = html_of(lms_course), html_of(scorm_course)
    assert any('href="key-concepts#content-top"' in html for html in lms_html)
    assert any('href="key-concepts.html#content-top"' in html for html in scorm_html)
    assert scorm_course.modules[0].lessons[0].text("en").path.startswith("b/")


def test_memo_is_keyed_by_the_registered_question_types(monkeypatch: pytest.MonkeyPatch) -> None:
    memo = FileMemo()
    custom = CHECK.replace("{#m1-l1-c1}", "{#m1-l1-c1 type=pick}")
    files = small_course(
        **{
            "01-key-concepts__en__md": lesson("C", custom + "\n## References\n"),
            "01-key-concepts__es__md": lesson("C", custom + "\n## Referencias\n"),
        }
    )
    assert "unknown question type 'pick'" in str(build_course(files, memo=memo)[1])
    monkeypatch.setitem(QUESTION_TYPES, "pick", SingleChoice)
    assert build_course(files, memo=memo)[1] == []


def test_memo_serves_threads_building_at_once() -> None:
    variants = [
        small_course(),
        small_course(quiz__en__md=None),
        small_course(**{"01-key-concepts__en__md": lesson("C", "[x](09-x.en.md)\n" + CHECK)}),
    ]
    expected = [build_course(files, memo=FileMemo(0)) for files in variants]
    memo = FileMemo(4)  # smaller than the files in play: threads evict each other's entries
    failures: list[int] = []

    def work(start: int) -> None:
        for n in range(start, start + 30):
            if build_course(variants[n % 3], memo=memo) != expected[n % 3]:
                failures.append(n)

    threads = [threading.Thread(target=work, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and memo.info().size <= 4
    assert memo.info().hits > 0


# The preview


def _unclose_last_block(text: str) -> str:
    return text.rstrip().removesuffix(":::")


def _swap_first_key(text: str) -> str:
    return text.replace(
        "- ( ) Short-term international migrant", "- (x) Short-term international migrant", 1
    ).replace("- (x) Long-term international migrant", "- ( ) Long-term international migrant", 1)


def _move_first_key(text: str) -> str:
    return text.replace("- (x) ", "- ( ) ", 1).replace("- ( ) ", "- (x) ", 1)


EDITS: list[tuple[str, str, Callable[[str], str], str | None, str]] = [
    # (case, path, edit of the file's text, a problem expected, in "here" or "pair")
    ("broken-quiz-syntax", f"{M1}/quiz.en.md", _unclose_last_block, "is not closed", "here"),
    (
        "missing-title",
        LESSON,
        lambda t: t.replace("title: Key concepts and terminology\n", ""),
        "'title' is required",
        "here",
    ),
    ("bad-link", LESSON, lambda t: t + "\nSee [next](09-missing.en.md).\n", "broken link", "here"),
    ("parity-en-key", f"{M1}/quiz.en.md", _swap_first_key, "answer key differs", "here"),
    ("parity-es-key", f"{M1}/quiz.es.md", _move_first_key, "answer key differs", "pair"),
    (
        "duplicate-id-from-earlier-module",
        f"{M3}/01-sovereignty-and-limits.en.md",
        lambda t: t.replace("{#m3-l1-c1", "{#m1-l1-c1"),
        "duplicate question id 'm1-l1-c1' (also in modules/01-understanding-migration/",
        "here",
    ),
    (
        "duplicate-id-is-reported-in-the-later-module",
        LESSON,
        lambda t: t.replace("{#m1-l1-c1}", "{#m3-l1-c1}"),
        "questions differ from",
        "here",
    ),
    (
        "quiz-settings-differ",
        f"{M1}/quiz.es.md",
        lambda t: t.replace("pass_mark: 70", "pass_mark: 80"),
        "pass_mark and max_attempts must be the same",
        "pair",
    ),
    (
        "unknown-call-out",
        LESSON,
        lambda t: t + "\n> [!DANGER]\n> Careful.\n",
        "unknown call-out [!DANGER]",
        "here",
    ),
    (
        "module-page",
        f"{M1}/module.en.md",
        lambda t: t.replace("objectives:", "goals:"),
        "'objectives' must be a list",
        "here",
    ),
    ("windows-line-endings", LESSON, lambda t: t.replace("\n", "\r\n"), None, "here"),
    ("lone-surrogate", LESSON, lambda t: t + "\ud800", "not UTF-8 text", "here"),
    (
        "new-lesson",
        f"{M1}/05-new.en.md",
        lambda _: lesson("New", "Text."),
        "missing Spanish",
        "here",
    ),
    ("unknown-language", f"{M1}/module.fr.md", lambda _: MODULE_EN, "unknown language", "here"),
    ("unknown-file", f"{M1}/notes.txt", lambda _: "x", "unknown file", "here"),
    ("media", f"{M1}/media/map.png", lambda _: "", "not a media file the course serves", "here"),
]


@pytest.mark.parametrize(
    ("path", "edit", "expected", "where"),
    [case[1:] for case in EDITS],
    ids=[case[0] for case in EDITS],
)
def test_preview_reports_what_a_full_build_reports_for_the_file_and_its_pair(
    memo: FileMemo, path: str, edit: Callable[[str], str], expected: str | None, where: str
) -> None:
    text = edit(FILES[path].decode() if path in FILES else "")
    edited = {**FILES, path: text.encode("utf-8", "surrogatepass")}
    course, problems = build_course(edited, LABEL)  # the shared memo: parsed apart from `memo`
    preview = preview_file(FILES, path, text, label=LABEL, memo=memo)
    here, pair = f"{LABEL}/{path}", f"{LABEL}/{preview.pair_path}"
    assert preview.problems == tuple(p for p in problems if p.path == here)
    assert preview.pair_problems == tuple(p for p in problems if p.path == pair)
    assert preview.document == texts_by_path(course).get(here)
    if expected is None:
        assert preview.problems == preview.pair_problems == ()
    else:
        found = preview.problems if where == "here" else preview.pair_problems
        assert any(expected in p.message for p in found), found


def test_preview_of_an_unchanged_lesson_is_what_learners_get(memo: FileMemo) -> None:
    preview = preview_file(FILES, LESSON, FILES[LESSON].decode(), label=LABEL, memo=memo)
    assert (preview.path, preview.kind, preview.lang) == (LESSON, "lesson", "en")
    assert preview.document == COURSE.modules[0].lessons[0].texts["en"]
    assert preview.pair_path == f"{M1}/01-key-concepts.es.md"
    assert preview.problems == preview.pair_problems == () and preview.quiz is None


def test_preview_of_a_quiz_carries_its_settings(memo: FileMemo) -> None:
    path = f"{M1}/quiz.es.md"
    preview = preview_file(FILES, path, FILES[path].decode(), label=LABEL, memo=memo)
    assert preview.kind == "quiz" and preview.quiz == COURSE.modules[0].quiz
    assert preview.quiz is not None and preview.quiz.pass_mark == 70


@pytest.mark.parametrize(
    ("path", "kind", "lang", "pair"),
    [
        (f"{M1}/module.es.md", "module", "es", f"{M1}/module.en.md"),
        (f"{M1}/quiz.en.md", "quiz", "en", f"{M1}/quiz.es.md"),
        (f"{M1}/media/map.png", "media", None, None),
        (f"{M1}/notes.txt", "unknown", None, None),
        (f"{M1}/05-new.en.md", "lesson", "en", None),  # no Spanish file yet
    ],
)
def test_preview_names_the_kind_language_and_pair(
    memo: FileMemo, path: str, kind: str, lang: str | None, pair: str | None
) -> None:
    preview = preview_file(FILES, path, "---\ntitle: x\n---\n", label=LABEL, memo=memo)
    assert (preview.kind, preview.lang, preview.pair_path) == (kind, lang, pair)


def test_preview_parses_only_the_edited_file(memo: FileMemo) -> None:
    for path in (LESSON, f"{M3}/01-sovereignty-and-limits.en.md"):  # module 3 needs 1 and 2
        before = memo.info().misses
        preview_file(
            FILES, path, FILES[path].decode() + "\nOne more line.\n", label=LABEL, memo=memo
        )
        assert memo.info().misses == before + 1


def test_preview_uses_the_draft_label_by_default() -> None:
    files = small_course()
    path = "01-understanding-migration/quiz.en.md"
    text = quiz(QUIZ.replace("= 1951", "= 1952"))
    preview = preview_file(files, path, text)
    expected = build_course({**files, path: text.encode()}, "draft")[1]
    assert preview.problems == tuple(expected)
    assert preview.problems[0].path == f"draft/{path}"


def test_preview_of_the_long_benchmark_lesson_is_clean_and_exact(memo: FileMemo) -> None:
    files, path = with_long_lesson(dict(FILES), 1000, M1)
    text = files[path].decode()
    assert len(text.splitlines()) == 1000 and text == long_lesson("en", 1000, "m1-l5")
    course, problems = build_course(files, LABEL)
    preview = preview_file(files, path, text, label=LABEL, memo=memo)
    assert problems == [] and preview.problems == preview.pair_problems == ()
    assert preview.document == texts_by_path(course)[f"{LABEL}/{path}"]
    assert isinstance(preview.document, type(COURSE.modules[0].lessons[0].texts["en"]))
    assert len(preview.document.checks) >= 4


@pytest.mark.parametrize(
    "path",
    [
        "",
        M1,
        f"/{M1}/module.en.md",
        f"{M1}/../{M3}/module.en.md",
        f"{M1}/./module.en.md",
        f"{M1}//module.en.md",
        f"{M1}/",
        "notes/module.en.md",
        "module.en.md",
    ],
)
def test_paths_outside_a_module_folder_are_refused(path: str) -> None:
    with pytest.raises(UnknownFile, match="is not a file of a module folder"):
        preview_file(FILES, path, "x", label=LABEL)
