"""Pathological Markdown: rendered or refused with a located reason, in time linear in its size.

Each document of tests/content/pathological.py is rendered, and checked as a lesson the way
`lms check` and the editor check it. Rendering either succeeds or raises MarkdownTooComplex,
never RecursionError or anything else; the checker reports a problem at a line of the file
with what to do, or none. Linearity is asserted without a clock: the work of rendering a
document of size n and of size 2n is counted (Python lines run, characters handed to
Python-Markdown's block processors, characters read by the HTML parser's tag pattern) and each
count may at most about double. Time per document goes to bench/markdown_pathological.py.
"""

from __future__ import annotations

import html
import sys
from dataclasses import dataclass
from types import FrameType
from typing import Any

import pytest
from markdown.blockprocessors import BlockProcessor

from lms.content import render as renderer
from lms.content.limits import (
    MAX_DOCUMENT_BYTES,
    MAX_NESTING,
    MarkdownTooComplex,
    check_renderable,
)
from lms.content.render import render_inline, render_markdown
from tests.content.helpers import MODULE_EN, lesson, problems_of, small_course
from tests.content.pathological import CORPUS, Attack

LESSON = "01-understanding-migration/01-key-concepts.en.md"
IDS = [attack.name for attack in CORPUS]
# Work at 2n over work at n: linear work doubles, quadratic work quadruples. Fixed costs make
# small documents grow by less than 2.
MAX_GROWTH = 3.0
# The size every linearity pair starts from: large enough that a quadratic term dominates
# (the attacks found took 4 times the work at twice the size at this size), small enough that
# counting every line stays quick.
LINEARITY_CHARACTERS = 3000


def lesson_file(document: str) -> bytes:
    """The English lesson of the small course with `document` added to its body."""
    if document.startswith("---\n"):  # an attack on the front matter is the file itself
        text = document + "\nText.\n"
    else:
        text = small_course()[LESSON].decode() + "\n" + document + "\n"
    return text.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("attack", CORPUS, ids=IDS)
def test_rendering_succeeds_or_refuses_with_a_reason(attack: Attack) -> None:
    document = attack.document()
    for render in (render_markdown, render_inline):
        try:
            html = render(document, "en")
        except MarkdownTooComplex as refused:
            assert str(refused) and refused.line >= 0
            assert (
                refused.line or refused.near or "nested" in str(refused) or "links" in str(refused)
            ), "a refusal says where, or names a limit only the parsed text shows"
        else:
            assert isinstance(html, str)


@pytest.mark.parametrize("attack", CORPUS, ids=IDS)
def test_lms_check_reports_a_located_problem_with_what_to_do_or_passes(attack: Attack) -> None:
    data = lesson_file(attack.document())
    files = small_course() | {LESSON: data}
    problems = [p for p in problems_of(files) if p.startswith(f"modules/{LESSON}:")]
    lines = data.count(b"\n") + 1
    for problem in problems:
        where, message = problem.removeprefix(f"modules/{LESSON}:").split(": ", 1)
        assert 1 <= int(where) <= lines, problem
        assert ":" in message or "add" in message or "use" in message, problem  # what to do
    try:
        render_markdown(data.decode("utf-8"), "en")
    except (MarkdownTooComplex, UnicodeDecodeError):
        assert problems, "a file the renderer refuses is reported by the checker"


# Where the refusals point, for attacks whose line is known.


def test_a_list_nested_500_deep_is_refused_at_the_line_and_level_it_passes_the_limit() -> None:
    body = "\n".join("  " * level + "- item" for level in range(60))
    text = lesson("Deep", body)
    problems = problems_of(small_course() | {LESSON: text.encode()})
    # Two spaces count half a level, and the marker one: the 41st item (indented 80 spaces, on
    # line 5 + 40) is the first deeper than 20.
    first = next(p for p in problems if "lists and quotes are nested" in p)
    assert first.startswith(f"modules/{LESSON}:{5 + 2 * MAX_NESTING}: ")
    assert "flatten them" in first
    with pytest.raises(MarkdownTooComplex) as refused:
        render_markdown("- " * 500 + "item", "en")
    assert refused.value.line == 1 and "more than 20 levels" in str(refused.value)


def test_emphasis_nested_1000_deep_is_refused_at_its_line() -> None:
    text = lesson("Deep", "Intro.\n\nMore.\n\n" + "*" * 1000 + "deep" + "*" * 1000)
    problems = problems_of(small_course() | {LESSON: text.encode()})
    deep = next(p for p in problems if "nested more than 100 levels" in p)
    assert deep.startswith(f"modules/{LESSON}:9: ")  # front matter 4 lines, 1 blank, 2 paragraphs


def test_links_never_closed_are_refused_at_their_line_with_what_to_write() -> None:
    text = lesson("Links", "Intro.\n\n" + "[](" * 20_000)
    problems = problems_of(small_course() | {LESSON: text.encode()})
    found = next(p for p in problems if "no ')' closes" in p)
    assert found.startswith(f"modules/{LESSON}:7: ")
    assert "write '\\(' where a parenthesis after ']' starts no link" in found


def test_nesting_in_the_front_matter_is_refused_at_its_line() -> None:
    text = "---\ntitle: x\nitems:\n  - " + "[" * 500 + "]" * 500 + "\n---\n\nText.\n"
    problems = problems_of(small_course() | {LESSON: text.encode()})
    assert any(
        p.startswith(f"modules/{LESSON}:4: front matter: values are nested") for p in problems
    )


def test_a_document_over_the_size_limit_is_refused_before_it_is_read() -> None:
    with pytest.raises(MarkdownTooComplex, match="longer than 100,000 characters"):
        check_renderable("a" * (MAX_DOCUMENT_BYTES + 1))
    problems = problems_of(small_course() | {LESSON: b"a" * (MAX_DOCUMENT_BYTES + 1)})
    assert f"modules/{LESSON}:1: the file is 100,001 bytes" in problems[0]


# Linearity, without a clock


@dataclass
class Work:
    """What rendering one document did, counted exactly."""

    lines: int = 0  # Python lines run (Python-Markdown, the sanitiser's callers, the renderer)
    blocks: int = 0  # characters of the blocks Python-Markdown's block processors were handed
    tags: int = 0  # characters the HTML parser's start-tag pattern read

    def growth(self, smaller: Work) -> dict[str, float]:
        return {
            name: getattr(self, name) / max(getattr(smaller, name), 1)
            for name in ("lines", "blocks", "tags")
            if getattr(self, name) > 1000  # too little to be anything but fixed cost
        }


def work_of(document: str) -> Work:
    """Render `document` counting its work (a refusal counts the work done up to it)."""
    work = Work()

    def trace(frame: FrameType, event: str, _arg: Any) -> Any:
        if event == "line":
            work.lines += 1
        elif event == "call":
            observe_call(frame, work)
        return trace

    previous = sys.gettrace()
    sys.settrace(trace)
    # Through Markdown always: a plain paragraph would skip it at one size and not at the other
    # (a cut that ends in a space), so that the two sizes would not measure the same work.
    plain_paragraph, renderer.plain_paragraph = renderer.plain_paragraph, lambda _text: None
    try:
        render_markdown(document, "en")
    except MarkdownTooComplex:
        pass
    finally:
        sys.settrace(previous)
        renderer.plain_paragraph = plain_paragraph
    return work


def observe_call(frame: FrameType, work: Work) -> None:
    name = frame.f_code.co_name
    if name in ("test", "run") and isinstance(frame.f_locals.get("self"), BlockProcessor):
        block = frame.f_locals.get("block")
        blocks = frame.f_locals.get("blocks")
        if isinstance(block, str):
            work.blocks += len(block)
        elif isinstance(blocks, list) and blocks and isinstance(blocks[0], str):
            work.blocks += len(blocks[0])
    elif name == "check_for_whole_start_tag":
        # The pattern the parser itself uses, run again on the same place: how far it reads.
        rawdata, start = frame.f_locals["self"].rawdata, frame.f_locals["i"]
        found = frame.f_globals["locatestarttagend_tolerant"].match(rawdata, start)
        work.tags += found.end() - start if found else 0


def linearity_size(attack: Attack) -> int:
    """The `n` at which the attack's document is about LINEARITY_CHARACTERS long."""
    n = 1
    while len(attack.document(n * 2)) <= LINEARITY_CHARACTERS and n < 1 << 20:
        n *= 2
    return max(n, 2)


@pytest.mark.parametrize("attack", CORPUS, ids=IDS)
def test_rendering_work_grows_linearly_with_the_document(attack: Attack) -> None:
    n = linearity_size(attack)
    smaller, larger = work_of(attack.document(n)), work_of(attack.document(2 * n))
    growth = larger.growth(smaller)
    assert all(ratio < MAX_GROWTH for ratio in growth.values()), (n, smaller, larger, growth)


@pytest.mark.parametrize(
    ("attack", "size", "limit", "measure"),
    [
        ("link-targets-never-closed", 300, ("lms.content.render.LINK_SCAN_BASE", 10**9), "lines"),
        ("rules-in-a-row", 400, ("lms.content.limits.MAX_BREAKS_PER_PARAGRAPH", 10**9), "blocks"),
        ("tags-never-closed", 300, ("lms.content.render.MAX_TAG_LENGTH", 10**9), "tags"),
    ],
)
def test_the_work_counter_sees_the_quadratic_work_of_each_attack_left_unbounded(
    monkeypatch: pytest.MonkeyPatch, attack: str, size: int, limit: tuple[str, int], measure: str
) -> None:
    # The counter must be able to fail: with one bound lifted, its attack's work quadruples.
    monkeypatch.setattr(*limit)
    if measure == "tags":  # and the shortcut for a `<` that no `>` follows
        monkeypatch.setattr("lms.content.render._BoundedTagEnd._no_tag_after", lambda *_: False)
    found = next(a for a in CORPUS if a.name == attack)
    growth = work_of(found.document(2 * size)).growth(work_of(found.document(size)))
    assert growth[measure] > 3.5, growth


def test_the_module_file_of_a_course_may_hold_an_attack_too() -> None:
    # Module pages are rendered by the same path: an attack there is reported, not raised.
    module = MODULE_EN + "\n" + "[](" * 20_000 + "\n"
    files = small_course() | {"01-understanding-migration/module.en.md": module.encode()}
    problems = problems_of(files)
    assert any("module.en.md:11: too many links" in p for p in problems), problems


# The editor: a document over a limit is a problem shown at its line, never a server error

EDITOR_LESSON = "01-understanding-migration/01-key-concepts.en.md"
OVER_THE_LIMITS = {
    # name: (body added to the lesson, words of the message, line of the problem in the body)
    "list-500-deep": ("- " * 500 + "item", "lists and quotes are nested", 1),
    "quotes-500-deep": (">" * 500 + " quoted", "lists and quotes are nested", 1),
    "emphasis-1000-deep": ("*" * 1000 + "deep" + "*" * 1000, "nested more than 100 levels", 1),
    "links-never-closed": ("[](" * 20_000, "no ')' closes", 1),
    "headings-in-a-row": ("# h\n" * 60, "headings or rules", 51),
    "abbreviations": ("".join(f"*[A{i}]: x\n" for i in range(120)), "abbreviations", 101),
}


def editor_text(body: str) -> tuple[str, int]:
    """The lesson with `body` added, and the line `body` starts on."""
    before = small_course()[EDITOR_LESSON].decode() + "\n"
    return before + body + "\n", before.count("\n") + 1


@pytest.mark.parametrize("name", sorted(OVER_THE_LIMITS))
def test_the_editor_shows_a_document_over_a_limit_as_a_problem_at_its_line(
    editor: Any, name: str
) -> None:
    body, words, line_in_body = OVER_THE_LIMITS[name]
    text, first = editor_text(body)
    line = first + line_in_body - 1
    preview = editor.post("/manage/editor/preview", json={"path": EDITOR_LESSON, "text": text})
    assert preview.status_code == 200
    problems = preview.get_json()["problems"]
    found = [p for p in problems if words in p["message"] and p["path"] == EDITOR_LESSON]
    assert found and found[0]["line"] == line, problems
    assert found[0]["url"].endswith(f"#line-{line}")
    saved = editor.post(
        "/manage/editor/save", json={"path": EDITOR_LESSON, "text": text, "revision": 0}
    )
    assert saved.status_code == 200 and saved.get_json()["problems"] >= 1
    page = editor.get(f"/manage/editor/files/{EDITOR_LESSON}")
    assert page.status_code == 200 and words in html.unescape(page.get_data(as_text=True))
    published = editor.post("/manage/editor/publish", data={"message": "try"})
    assert published.status_code == 422
    assert words in html.unescape(published.get_data(as_text=True))
