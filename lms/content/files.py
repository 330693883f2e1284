"""Reading a content tree into memory and classifying its files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from lms.content.render import LESSON_FILE

MODULE_FOLDER = re.compile(r"^(?P<num>\d+)-(?P<slug>[a-z0-9][a-z0-9-]*)$")
LANGUAGE_FILE = re.compile(r"^(?P<stem>module|quiz)\.(?P<lang>[a-z]{2})\.md$")


def read_tree(root: Path) -> dict[str, bytes]:
    """Every file below `root` (hidden ones excepted), keyed by its POSIX path relative to it."""
    files: dict[str, bytes] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            files[relative.as_posix()] = path.read_bytes()
    return files


@dataclass(frozen=True)
class FileName:
    """What a file inside a module folder is: module page, quiz, lesson, media or unknown."""

    kind: str
    lang: str = ""
    slug: str = ""
    number: int = 0


def classify(name: str) -> FileName:
    """Classify a path relative to its module folder."""
    if name.startswith("media/"):
        return FileName("media")
    match = LANGUAGE_FILE.match(name)
    if match:
        return FileName(match["stem"], match["lang"])
    match = LESSON_FILE.match(name)
    if match:
        return FileName("lesson", match["lang"], match["slug"], int(match["num"]))
    return FileName("unknown")
