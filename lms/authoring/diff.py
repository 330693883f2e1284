"""Line and word differences between course files, and their rendering as an accessible table."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from html import escape
from typing import Literal

LineKind = Literal["same", "added", "removed"]
FileStatus = Literal["added", "removed", "modified"]
Opcode = tuple[str, int, int, int, int]

# Words (Unicode letters, digits and underscore, with any combining accents that follow, so a
# decomposed "migración" stays one word), runs of whitespace, and single punctuation marks.
_TOKEN = re.compile(
    r"\s+|\w[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]*"
    r"|[^\w\s]"
)
# Word-diffing one pair of lines is quadratic in the worst case; a line longer than this many
# tokens (some 500 words: longer than a long paragraph, so pasted data or a minified embed)
# is shown as wholly changed instead.
MAX_WORD_TOKENS = 1000


@dataclass(frozen=True)
class Segment:
    """A run of a line's text, marked when it differs from the paired line."""

    text: str
    changed: bool


@dataclass(frozen=True)
class DiffLine:
    """One line of a unified diff, with its numbers in the old and new text (1-based)."""

    kind: LineKind
    old_number: int | None
    new_number: int | None
    segments: tuple[Segment, ...]

    @property
    def text(self) -> str:
        """The whole line without its newline."""
        return "".join(segment.text for segment in self.segments)


@dataclass(frozen=True)
class Hunk:
    """A run of changed lines with their context; starts are the 1-based first line numbers."""

    old_start: int
    new_start: int
    lines: tuple[DiffLine, ...]


@dataclass(frozen=True)
class FileDiff:
    """The hunks of one file's difference and how many lines were added and removed."""

    hunks: tuple[Hunk, ...]
    added: int
    removed: int

    @property
    def changed(self) -> bool:
        """Whether any line differs."""
        return bool(self.hunks)


@dataclass(frozen=True)
class FileChange:
    """One added, removed or modified file of a course; binary files carry no line diff."""

    path: str
    status: FileStatus
    diff: FileDiff | None
    binary: bool


@dataclass(frozen=True)
class DiffLabels:
    """Words the HTML table speaks to screen readers; pass translated ones from the view."""

    added: str = "added"
    removed: str = "removed"
    same: str = "unchanged"
    old_line: str = "Old line"
    new_line: str = "New line"
    change: str = "Change"
    text: str = "Text"
    gap: str = "Unchanged lines not shown"


def split_lines(text: str) -> list[str]:
    """Lines of a text without their newlines; CRLF counts as LF and a final newline ends a line."""
    if not text:
        return []
    # str.splitlines would also break at form feeds and U+2028, which editors show inside a line.
    lines = text.replace("\r\n", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def diff_text(old: str, new: str, *, context: int = 3) -> FileDiff:
    """The line diff of two texts, with changed words marked inside replaced lines."""
    old_lines, new_lines = split_lines(old), split_lines(new)
    hunks: list[Hunk] = []
    added = removed = 0
    for group in _grouped(_opcodes(old_lines, new_lines), context):
        lines: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                lines.extend(
                    DiffLine("same", i + 1, j + 1, (Segment(old_lines[i], False),))
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                )
                continue
            lines.extend(_changed_lines(old_lines, new_lines, i1, i2, j1, j2))
            removed += i2 - i1
            added += j2 - j1
        hunks.append(Hunk(old_start=group[0][1] + 1, new_start=group[0][3] + 1, lines=tuple(lines)))
    return FileDiff(hunks=tuple(hunks), added=added, removed=removed)


def _opcodes(old: Sequence[str], new: Sequence[str]) -> list[Opcode]:
    """Opcodes turning one sequence into the other, as difflib spells them."""
    # difflib ignores items frequent in long sequences ("autojunk"), so the blank lines of
    # Markdown or the spaces of prose would never pair; matching without it throughout is
    # several times slower. A fast pass with it, then a pass without it inside each replaced
    # block, gives the full result at the fast pass's cost.
    codes: list[Opcode] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, old, new).get_opcodes():
        if tag != "replace":
            codes.append((tag, i1, i2, j1, j2))
            continue
        inner = SequenceMatcher(None, old[i1:i2], new[j1:j2], autojunk=False)
        codes.extend(
            (t, i1 + a1, i1 + a2, j1 + b1, j1 + b2) for t, a1, a2, b1, b2 in inner.get_opcodes()
        )
    merged: list[Opcode] = []
    for code in codes:
        if merged and code[0] == merged[-1][0] == "equal":
            merged[-1] = ("equal", merged[-1][1], code[2], merged[-1][3], code[4])
        else:
            merged.append(code)
    return merged


def _grouped(codes: list[Opcode], context: int) -> list[list[Opcode]]:
    """Opcodes cut into hunks of changes with up to `context` equal lines around each."""
    # The same grouping as SequenceMatcher.get_grouped_opcodes, over refined opcodes.
    if all(code[0] == "equal" for code in codes):
        return []
    codes = list(codes)
    tag, i1, i2, j1, j2 = codes[0]
    if tag == "equal":
        codes[0] = (tag, max(i1, i2 - context), i2, max(j1, j2 - context), j2)
    tag, i1, i2, j1, j2 = codes[-1]
    if tag == "equal":
        codes[-1] = (tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context))
    groups: list[list[Opcode]] = []
    group: list[Opcode] = []
    for tag, i1, i2, j1, j2 in codes:
        if tag == "equal" and i2 - i1 > 2 * context:
            group.append((tag, i1, min(i2, i1 + context), j1, min(j2, j1 + context)))
            groups.append(group)
            group = []
            i1, j1 = max(i1, i2 - context), max(j1, j2 - context)
        group.append((tag, i1, i2, j1, j2))
    if not (len(group) == 1 and group[0][0] == "equal"):
        groups.append(group)
    return groups


def _changed_lines(
    old_lines: list[str], new_lines: list[str], i1: int, i2: int, j1: int, j2: int
) -> Iterator[DiffLine]:
    """Removed then added lines of one block, pairing line k with line k for word marks."""
    pairs = min(i2 - i1, j2 - j1)
    old_marks: list[tuple[Segment, ...]] = []
    new_marks: list[tuple[Segment, ...]] = []
    for k in range(pairs):
        before, after = word_segments(old_lines[i1 + k], new_lines[j1 + k])
        old_marks.append(before)
        new_marks.append(after)
    for k, i in enumerate(range(i1, i2)):
        segments = old_marks[k] if k < pairs else (Segment(old_lines[i], True),)
        yield DiffLine("removed", i + 1, None, segments)
    for k, j in enumerate(range(j1, j2)):
        segments = new_marks[k] if k < pairs else (Segment(new_lines[j], True),)
        yield DiffLine("added", None, j + 1, segments)


def tokens(line: str) -> list[str]:
    """A line split into words, whitespace runs and punctuation marks, losing nothing."""
    return _TOKEN.findall(line)


def word_segments(old: str, new: str) -> tuple[tuple[Segment, ...], tuple[Segment, ...]]:
    """Segments of two paired lines with only the differing tokens marked changed."""
    old_tokens, new_tokens = tokens(old), tokens(new)
    if max(len(old_tokens), len(new_tokens)) > MAX_WORD_TOKENS:
        return (Segment(old, True),), (Segment(new, True),)
    old_runs: list[Segment] = []
    new_runs: list[Segment] = []
    for tag, i1, i2, j1, j2 in _opcodes(old_tokens, new_tokens):
        unchanged = tag == "equal"
        if i2 > i1:
            old_runs.append(Segment("".join(old_tokens[i1:i2]), not unchanged))
        if j2 > j1:
            new_runs.append(Segment("".join(new_tokens[j1:j2]), not unchanged))
    return _tidy(old_runs, old), _tidy(new_runs, new)


def _tidy(runs: list[Segment], line: str) -> tuple[Segment, ...]:
    """Runs with lone spaces between changes absorbed and neighbours of one kind merged."""
    if not runs:
        return (Segment(line, False),)
    # "<del>dos</del> <del>tres</del>" reads as two edits; one "<del>dos tres</del>" reads as one.
    absorbed = [
        Segment(run.text, True)
        if not run.changed
        and run.text.isspace()
        and 0 < k < len(runs) - 1
        and runs[k - 1].changed
        and runs[k + 1].changed
        else run
        for k, run in enumerate(runs)
    ]
    merged: list[Segment] = [absorbed[0]]
    for run in absorbed[1:]:
        if run.changed == merged[-1].changed:
            merged[-1] = Segment(merged[-1].text + run.text, run.changed)
        else:
            merged.append(run)
    return tuple(merged)


def is_text(data: bytes) -> bool:
    """Whether file contents are text: valid UTF-8 without NUL bytes."""
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def diff_files(old: Mapping[str, bytes], new: Mapping[str, bytes]) -> tuple[FileChange, ...]:
    """Added, removed and modified files between two sets of course files, sorted by path."""
    changes: list[FileChange] = []
    for path in sorted(old.keys() | new.keys()):
        before, after = old.get(path), new.get(path)
        if before is not None and after is not None and before == after:
            continue
        status: FileStatus = (
            "added" if before is None else "removed" if after is None else "modified"
        )
        if not all(is_text(data) for data in (before, after) if data is not None):
            changes.append(FileChange(path, status, None, binary=True))
            continue
        diff = diff_text(
            "" if before is None else before.decode("utf-8"),
            "" if after is None else after.decode("utf-8"),
        )
        # Bytes that differ only in line endings or a final newline show no visible change.
        if status == "modified" and not diff.changed:
            continue
        changes.append(FileChange(path, status, diff, binary=False))
    return tuple(changes)


_MARKERS: dict[LineKind, str] = {"same": " ", "added": "+", "removed": "−"}
_WRAPS: dict[LineKind, str] = {"added": "ins", "removed": "del"}


def render_html(
    diff: FileDiff, caption: str | None = None, *, labels: DiffLabels | None = None
) -> str:
    """An escaped HTML table of the unified diff, readable without colour."""
    words = labels or DiffLabels()
    parts = ['<table class="diff">']
    if caption is not None:
        parts.append(f"<caption>{escape(caption)}</caption>")
    parts.append(
        "<thead><tr>"
        + "".join(
            f'<th scope="col">{escape(name)}</th>'
            for name in (words.old_line, words.new_line, words.change, words.text)
        )
        + "</tr></thead><tbody>"
    )
    for index, hunk in enumerate(diff.hunks):
        if index:
            parts.append(
                f'<tr class="diff-gap"><td colspan="4"><span aria-hidden="true">…</span>'
                f'<span class="visually-hidden">{escape(words.gap)}</span></td></tr>'
            )
        parts.extend(_render_line(line, words) for line in hunk.lines)
    parts.append("</tbody></table>")
    return "".join(parts)


def _render_line(line: DiffLine, words: DiffLabels) -> str:
    """One table row: both line numbers, the marker with its spoken name, and the marked text."""
    name = {"same": words.same, "added": words.added, "removed": words.removed}[line.kind]
    wrap = _WRAPS.get(line.kind)
    text = "".join(
        f"<{wrap}>{escape(segment.text)}</{wrap}>"
        if wrap and segment.changed and segment.text
        else escape(segment.text)
        for segment in line.segments
    )
    old = "" if line.old_number is None else str(line.old_number)
    new = "" if line.new_number is None else str(line.new_number)
    # Only changed lines are spoken as such; "unchanged" before every context line is noise.
    spoken = "" if wrap is None else f'<span class="visually-hidden">{escape(name)}</span>'
    return (
        f'<tr class="diff-{line.kind}">'
        f'<td class="diff-number">{old}</td><td class="diff-number">{new}</td>'
        f'<td class="diff-marker" title="{escape(name)}">'
        f'<span aria-hidden="true">{_MARKERS[line.kind]}</span>{spoken}</td>'
        f'<td class="diff-text">{text}</td></tr>'
    )
