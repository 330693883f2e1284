"""YAML front matter between `---` lines at the top of a Markdown file."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml

from lms.content.limits import YAML_LOADER, front_matter_excess
from lms.content.problems import ProblemLog


@dataclass(frozen=True)
class Document:
    """A Markdown file split into its front matter and its body."""

    meta: dict[str, Any]
    body: str
    body_line: int  # 1-based line number of the body's first line in the file


def split_front_matter(text: str, log: ProblemLog) -> Document:
    """Separate the YAML header from the Markdown body, reporting a malformed header."""
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        log.add(1, "missing front matter: the file must start with a line '---'")
        return Document({}, text, 1)
    try:
        end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
    except StopIteration:
        log.add(1, "front matter is not closed: add a line '---' after it")
        return Document({}, "", len(lines))
    source = "\n".join(lines[1:end])
    # PyYAML builds nested values by recursion: refuse deep ones before it does.
    too_deep = front_matter_excess(source)
    if too_deep:
        log.add(1 + too_deep.line, too_deep.message)
        return Document({}, "\n".join(lines[end + 1 :]), end + 2)
    try:
        meta = yaml.load(source, Loader=YAML_LOADER) or {}  # nosec B506  # C or Python safe loader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = 2 + mark.line if mark is not None else 1
        log.add(line, f"front matter is not valid YAML: {getattr(error, 'problem', error)}")
        meta = {}
    if not isinstance(meta, dict):
        log.add(2, "front matter must be a set of 'name: value' lines")
        meta = {}
    return Document(meta, "\n".join(lines[end + 1 :]), end + 2)


def require_text(meta: dict[str, Any], field: str, log: ProblemLog) -> str:
    """Return a required non-empty string field, reporting its absence."""
    value = meta.get(field)
    if not isinstance(value, str) or not value.strip():
        log.add(1, f"front matter: '{field}' is required and must be text")
        return ""
    return value.strip()


def optional_int(
    meta: dict[str, Any],
    field: str,
    log: ProblemLog,
    *,
    required: bool = False,
    low: int = 0,
    high: int = 100_000,
) -> int | None:
    """Return a whole-number field within [low, high], reporting a wrong value."""
    value = meta.get(field)
    if value is None:
        if required:
            log.add(1, f"front matter: '{field}' is required (a whole number)")
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        log.add(1, f"front matter: '{field}' must be a whole number from {low} to {high}")
        return None
    return value
