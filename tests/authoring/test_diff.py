"""Line and word diffs of course files, course-wide file changes, and the HTML table."""

from __future__ import annotations

import random
import time
from html.parser import HTMLParser

import pytest

from lms.authoring.diff import (
    MAX_WORD_TOKENS,
    DiffLabels,
    DiffLine,
    FileDiff,
    Segment,
    diff_files,
    diff_text,
    render_html,
    tokens,
)

PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


def numbered(count: int) -> str:
    """A text of lines "línea 1" to "línea <count>"."""
    return "".join(f"línea {n}\n" for n in range(1, count + 1))


def rows(diff: FileDiff) -> list[tuple[str, int | None, int | None, str]]:
    """Every diff line as (kind, old number, new number, text)."""
    return [
        (line.kind, line.old_number, line.new_number, line.text)
        for hunk in diff.hunks
        for line in hunk.lines
    ]


def marked(line: DiffLine) -> str:
    """A line's text with its changed segments in brackets."""
    return "".join(f"[{s.text}]" if s.changed else s.text for s in line.segments)


def only(diff: FileDiff, kind: str) -> list[DiffLine]:
    """The lines of one kind across all hunks."""
    return [line for hunk in diff.hunks for line in hunk.lines if line.kind == kind]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", ""),
        ("# Título\n\nLa migración.\n", "# Título\n\nLa migración.\n"),
        ("uno\r\ndos\r\n", "uno\ndos\n"),
        ("uno\ndos", "uno\ndos\n"),
    ],
    ids=["empty", "same", "crlf-vs-lf", "final-newline"],
)
def test_equal_texts_have_no_hunks(old: str, new: str) -> None:
    diff = diff_text(old, new)
    assert diff == FileDiff(hunks=(), added=0, removed=0)
    assert not diff.changed


@pytest.mark.parametrize(
    ("old", "new", "old_marked", "new_marked"),
    [
        (
            "La migración es un fenómeno global.",
            "La migración es un fenómeno mundial.",
            "La migración es un fenómeno [global].",
            "La migración es un fenómeno [mundial].",
        ),
        (
            "La migración irregular aumentó.",
            "La emigración irregular aumentó.",
            "La [migración] irregular aumentó.",
            "La [emigración] irregular aumentó.",
        ),
        (
            "uno dos tres cuatro",
            "uno 2 3 cuatro",
            "uno [dos tres] cuatro",
            "uno [2 3] cuatro",
        ),
        ("¿Qué es, señor?", "¿Qué es; señor?", "¿Qué es[,] señor?", "¿Qué es[;] señor?"),
        (
            "Convención de 1951",
            "Convención de 1951 y Protocolo",
            "Convención de 1951",
            "Convención de 1951[ y Protocolo]",
        ),
    ],
    ids=["one-word", "accented-word", "adjacent-words", "punctuation", "words-appended"],
)
def test_replaced_line_marks_only_changed_words(
    old: str, new: str, old_marked: str, new_marked: str
) -> None:
    diff = diff_text(f"# Lección\n{old}\nFin\n", f"# Lección\n{new}\nFin\n")
    [removed] = only(diff, "removed")
    [added] = only(diff, "added")
    assert (marked(removed), marked(added)) == (old_marked, new_marked)
    assert (removed.text, added.text) == (old, new)
    assert all(
        len(line.segments) == 1 and not line.segments[0].changed for line in only(diff, "same")
    )
    assert (diff.added, diff.removed) == (1, 1)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("migración", ["migración"]),
        ("migracio\u0301n forzada", ["migracio\u0301n", " ", "forzada"]),
        ("¿Qué es?", ["¿", "Qué", " ", "es", "?"]),
        ("a  b\tc", ["a", "  ", "b", "\t", "c"]),
        ("**ACNUR** (1950)", ["*", "*", "ACNUR", "*", "*", " ", "(", "1950", ")"]),
    ],
    ids=["accents", "decomposed-accent", "spanish-punctuation", "whitespace-runs", "markdown"],
)
def test_tokens_split_words_whitespace_and_punctuation(line: str, expected: list[str]) -> None:
    assert tokens(line) == expected
    assert "".join(tokens(line)) == line


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "a\nb\nc\n",
            "a\nb\nX\nc\n",
            [
                ("same", 1, 1, "a"),
                ("same", 2, 2, "b"),
                ("added", None, 3, "X"),
                ("same", 3, 4, "c"),
            ],
        ),
        (
            "a\nb\nX\nc\n",
            "a\nb\nc\n",
            [
                ("same", 1, 1, "a"),
                ("same", 2, 2, "b"),
                ("removed", 3, None, "X"),
                ("same", 4, 3, "c"),
            ],
        ),
        ("a\n", "Z\na\n", [("added", None, 1, "Z"), ("same", 1, 2, "a")]),
        ("a\n", "a\nZ", [("same", 1, 1, "a"), ("added", None, 2, "Z")]),
        (
            "a\nb\nc\n",
            "a\nB\nC\nD\nc\n",
            [
                ("same", 1, 1, "a"),
                ("removed", 2, None, "b"),
                ("added", None, 2, "B"),
                ("added", None, 3, "C"),
                ("added", None, 4, "D"),
                ("same", 3, 5, "c"),
            ],
        ),
        ("", "a\nb\n", [("added", None, 1, "a"), ("added", None, 2, "b")]),
        ("a\nb\n", "", [("removed", 1, None, "a"), ("removed", 2, None, "b")]),
        (
            "a\r\nb\r\n",
            "a\nB\n",
            [("same", 1, 1, "a"), ("removed", 2, None, "b"), ("added", None, 2, "B")],
        ),
    ],
    ids=[
        "added",
        "removed",
        "added-first",
        "added-last",
        "replace-uneven",
        "from-empty",
        "to-empty",
        "crlf-change",
    ],
)
def test_lines_carry_old_and_new_numbers(
    old: str, new: str, expected: list[tuple[str, int | None, int | None, str]]
) -> None:
    diff = diff_text(old, new)
    assert rows(diff) == expected
    assert diff.added == sum(kind == "added" for kind, *_ in expected)
    assert diff.removed == sum(kind == "removed" for kind, *_ in expected)
    assert diff.changed


def test_unpaired_lines_of_a_replaced_block_are_wholly_changed() -> None:
    diff = diff_text("a\nuno dos\n", "a\nuno tres\nnueva línea\n")
    assert [marked(line) for line in only(diff, "added")] == ["uno [tres]", "[nueva línea]"]
    assert [marked(line) for line in only(diff, "removed")] == ["uno [dos]"]


def test_pure_additions_and_removals_are_wholly_changed() -> None:
    diff = diff_text("a\nb\nc\n", "a\nnueva\nc\nd\n")
    assert [marked(line) for line in only(diff, "added")] == ["[nueva]", "[d]"]
    assert [marked(line) for line in only(diff, "removed")] == ["[b]"]


def test_blank_lines_between_changes_stay_unchanged_in_long_texts() -> None:
    # Long texts are where a blank line is frequent enough to be ignored when aligning.
    old = "".join(f"párrafo {n}\n\n" for n in range(300))
    new = old.replace("párrafo 100\n\npárrafo 101\n", "párrafo cien\n\npárrafo ciento uno\n")
    diff = diff_text(old, new)
    assert rows(diff)[3:8] == [
        ("removed", 201, None, "párrafo 100"),
        ("added", None, 201, "párrafo cien"),
        ("same", 202, 202, ""),
        ("removed", 203, None, "párrafo 101"),
        ("added", None, 203, "párrafo ciento uno"),
    ]
    assert (diff.added, diff.removed, len(diff.hunks)) == (2, 2, 1)


def test_very_long_lines_are_marked_whole() -> None:
    long_old = "x " * MAX_WORD_TOKENS
    diff = diff_text(long_old, long_old + "y")
    assert [line.segments for line in only(diff, "added")] == [(Segment(long_old + "y", True),)]


@pytest.mark.parametrize(
    ("context", "expected"),
    [
        # (old_start, new_start, number of lines) per hunk; lines 3 and 17 of 20 change
        (3, [(1, 1, 7), (14, 14, 8)]),
        (0, [(3, 3, 2), (17, 17, 2)]),
        (1, [(2, 2, 4), (16, 16, 4)]),
        (7, [(1, 1, 22)]),
    ],
    ids=["default", "no-context", "one-line", "overlapping-context-joins"],
)
def test_hunks_keep_context_and_split_far_changes(
    context: int, expected: list[tuple[int, int, int]]
) -> None:
    new = numbered(20).replace("línea 3\n", "línea tres\n").replace("línea 17\n", "línea 17b\n")
    diff = diff_text(numbered(20), new, context=context)
    assert [(h.old_start, h.new_start, len(h.lines)) for h in diff.hunks] == expected
    for hunk in diff.hunks:
        first = hunk.lines[0]
        assert (first.old_number or hunk.old_start, first.new_number or hunk.new_start) == (
            hunk.old_start,
            hunk.new_start,
        )


def test_hunk_start_after_an_insertion_shifts_new_numbers() -> None:
    new = numbered(20).replace("línea 2\n", "línea 2\nextra A\nextra B\n")
    new = new.replace("línea 15\n", "línea quince\n")
    diff = diff_text(numbered(20), new)
    assert [(h.old_start, h.new_start) for h in diff.hunks] == [(1, 1), (12, 14)]
    assert [line.new_number for line in only(diff, "added")] == [3, 4, 17]


def test_diff_files_reports_status_per_path_sorted() -> None:
    old = {
        "m1/es/02-tema.md": b"# Tema\n\nTexto viejo.\n",
        "m1/es/01-intro.md": b"# Intro\n",
        "m1/img/mapa.png": PNG + b"viejo",
        "m1/es/borrada.md": b"adi\xc3\xb3s\n",
        "m1/img/logo.png": PNG,
        "m1/es/fin.md": b"Fin\r\n",
    }
    new = {
        "m1/es/02-tema.md": b"# Tema\n\nTexto nuevo.\n",
        "m1/es/01-intro.md": b"# Intro\n",
        "m1/img/mapa.png": PNG + b"nuevo",
        "m1/es/03-nueva.md": b"# Nueva\nL\xc3\xadnea\n",
        "m1/img/icono.png": PNG,
        "m1/es/fin.md": b"Fin\n",
    }
    changes = diff_files(old, new)
    assert [(c.path, c.status, c.binary) for c in changes] == [
        ("m1/es/02-tema.md", "modified", False),
        ("m1/es/03-nueva.md", "added", False),
        ("m1/es/borrada.md", "removed", False),
        ("m1/img/icono.png", "added", True),
        ("m1/img/logo.png", "removed", True),
        ("m1/img/mapa.png", "modified", True),
    ]
    by_path = {change.path: change.diff for change in changes}
    assert by_path["m1/img/mapa.png"] is None
    tema = by_path["m1/es/02-tema.md"]
    assert tema is not None and [marked(line) for line in only(tema, "added")] == ["Texto [nuevo]."]
    added_file = by_path["m1/es/03-nueva.md"]
    assert added_file is not None and rows(added_file) == [
        ("added", None, 1, "# Nueva"),
        ("added", None, 2, "Línea"),
    ]
    removed_file = by_path["m1/es/borrada.md"]
    assert removed_file is not None and rows(removed_file) == [("removed", 1, None, "adiós")]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        (b"texto\n", b"\xff\xfe t\x00e\x00"),
        (b"texto\n", b"texto\x00\n"),
        (b"caf\xe9\n", b"caf\xc3\xa9\n"),
        (PNG, PNG + b"\x00"),
    ],
    ids=["utf16", "nul-byte", "latin1-before", "image"],
)
def test_files_that_are_not_utf8_text_are_binary(old: bytes, new: bytes) -> None:
    [change] = diff_files({"f": old}, {"f": new})
    assert (change.status, change.diff, change.binary) == ("modified", None, True)


def test_identical_file_sets_have_no_changes() -> None:
    files = {"a.md": b"uno\n", "b.png": PNG}
    assert diff_files(files, dict(files)) == ()
    assert diff_files({}, {}) == ()


class _Tags(HTMLParser):
    """Collects the tags, row classes and text of rendered HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.row_classes: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        if tag == "tr":
            self.row_classes.append(dict(attrs).get("class") or "")

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> _Tags:
    """The tags, row classes and text of an HTML fragment."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return parser


HOSTILE = "<script>alert('x') & \"y\"</script>"


@pytest.mark.parametrize(
    ("old", "new", "caption"),
    [
        (f"a\n{HOSTILE}\n", "a\nb\n", HOSTILE),
        ("a\nb\n", f"a\n{HOSTILE}\n", None),
        ("x <b>uno</b> & y\n", "x <i>uno</i> & y\n", "<b>&amp;</b>"),
        (f"{HOSTILE}\n", f"{HOSTILE}\n<img src=x onerror=alert(1)>\n", None),
    ],
    ids=["removed-line", "added-line", "word-change", "context-line"],
)
def test_html_escapes_everything_from_the_input(old: str, new: str, caption: str | None) -> None:
    html = render_html(diff_text(old, new), caption)
    tree = parse(html)
    allowed = {"table", "caption", "thead", "tbody", "tr", "th", "td", "span", "ins", "del"}
    assert tree.tags <= allowed
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert "&lt;" in html and "&amp;" in html
    shown = "".join(tree.text)
    for line in (*old.splitlines(), *new.splitlines()):
        assert line in shown
    if caption is not None:
        assert caption in shown


def test_html_marks_changed_words_with_ins_and_del() -> None:
    diff = diff_text(
        "# Lección\nLa migración es global.\n", "# Lección\nLa migración es mundial.\n"
    )
    html = render_html(diff, "m1/es/01-intro.md")
    assert "<del>global</del>" in html and "<ins>mundial</ins>" in html
    assert "<ins>La" not in html and "<del>La" not in html
    assert "<caption>m1/es/01-intro.md</caption>" in html
    assert parse(html).row_classes == ["", "diff-same", "diff-removed", "diff-added"]
    assert '<td class="diff-number">2</td><td class="diff-number"></td>' in html
    assert 'title="removed"><span aria-hidden="true">−</span>' in html
    assert '<span class="visually-hidden">added</span>' in html


def test_html_wraps_whole_new_lines_and_separates_hunks() -> None:
    new = numbered(20).replace("línea 2\n", "línea 2\nnueva\n").replace("línea 18\n", "")
    html = render_html(diff_text(numbered(20), new))
    classes = parse(html).row_classes
    assert classes.count("diff-gap") == 1
    gap = classes.index("diff-gap")
    assert "diff-added" in classes[:gap] and "diff-removed" in classes[gap:]
    assert '<tr class="diff-gap"><td colspan="4">' in html
    assert "<ins>nueva</ins>" in html and "<del>línea 18</del>" in html
    assert "<ins>línea" not in html


def test_html_of_an_unchanged_text_is_an_empty_table() -> None:
    tree = parse(render_html(diff_text("a\n", "a\n")))
    assert tree.row_classes == [""]  # only the header row


def test_html_speaks_the_labels_it_is_given() -> None:
    labels = DiffLabels(added="añadida", removed="eliminada", old_line="<Antes>")
    html = render_html(diff_text("a\n", "b\n"), labels=labels)
    assert '<span class="visually-hidden">añadida</span>' in html
    assert 'title="eliminada"' in html
    assert "&lt;Antes&gt;" in html


def _lesson(seed: int, lines: int = 1000) -> list[str]:
    """A Markdown-like lesson: headings, paragraphs and blank lines."""
    rng = random.Random(seed)
    words = ["la", "migración", "internacional", "es", "un", "fenómeno", "global", "millones"]
    text = []
    for n in range(lines):
        if n % 3 == 2:
            text.append("")
        elif n % 40 == 0:
            text.append(f"## Sección {n // 40}")
        else:
            text.append(" ".join(rng.choice(words) for _ in range(14)) + f" ({n}).")
    return text


if __name__ == "__main__":
    old_lines = _lesson(1)
    new_lines = list(old_lines)
    for n in random.Random(2).sample(range(1000), 50):
        new_lines[n] = new_lines[n].replace(" ", " cambio ", 1) if new_lines[n] else "nueva"
    old_text, new_text = "\n".join(old_lines) + "\n", "\n".join(new_lines) + "\n"
    for rendered in (False, True):
        timings = []
        for _ in range(20):
            start = time.perf_counter()
            diff = diff_text(old_text, new_text)
            if rendered:
                render_html(diff)
            timings.append((time.perf_counter() - start) * 1000)
        timings.sort()
        label = "diff_text + render_html" if rendered else "diff_text"
        print(f"{label}: median {timings[10]:.1f} ms, worst {timings[-1]:.1f} ms")
