"""Which paths of the course an instructor may write, and how a file finds its language pair."""

from __future__ import annotations

import re

from lms.content import media
from lms.content.files import MODULE_FOLDER, classify
from lms.content.model import LANGUAGES

# The extension each accepted media type is stored under -> its content type.
MEDIA_TYPES = {kind.extension: kind.mimetype for kind in media.MEDIA_TYPES}
_EXTENSIONS = "|".join(MEDIA_TYPES)
# Media files get generated names (see lms.authoring.media.media_name).
_MEDIA_NAME = re.compile(rf"^[a-z0-9][a-z0-9-]{{0,80}}\.({_EXTENSIONS})$")


class InvalidPath(ValueError):
    """A path outside the course layout; its message says what the layout allows."""


def split_path(path: str) -> tuple[str, str]:
    """The module folder and the name inside it, for a path of the course layout."""
    folder, sep, name = path.partition("/")
    if (
        not sep
        or not MODULE_FOLDER.match(folder)
        or "\\" in path
        or "\0" in path
        or any(part in ("", ".", "..") or part.startswith(".") for part in name.split("/"))
    ):
        raise InvalidPath(
            f"'{path}' is not a file of the course: files live in module folders named NN-slug, "
            "e.g. 01-understanding-migration/02-global-numbers.en.md"
        )
    return folder, name


def check_text_path(path: str) -> str:
    """Return `path` if it names a module, lesson or quiz file in a known language."""
    _, name = split_path(path)
    kind = classify(name)
    if kind.kind not in ("module", "quiz", "lesson") or kind.lang not in LANGUAGES:
        raise InvalidPath(
            f"'{name}' is not a course file name: use module.LANG.md, quiz.LANG.md or "
            f"NN-slug.LANG.md with LANG one of {', '.join(LANGUAGES)}"
        )
    return path


def check_media_path(path: str) -> str:
    """Return `path` if it names a media file with a generated name."""
    _, name = split_path(path)
    inside = name.removeprefix("media/")
    if inside == name or not _MEDIA_NAME.match(inside):
        raise InvalidPath(
            f"'{name}' is not a media file of the course (media/NAME.{_EXTENSIONS})"
        )
    return path


def is_media(path: str) -> bool:
    """Whether a course path lies in a module's media folder."""
    return path.partition("/")[2].startswith("media/")


def language_pair(path: str) -> str | None:
    """The same file in the other language (`x.es.md` <-> `x.en.md`), or None for media."""
    stem, dot, rest = path.rpartition(".")
    if rest != "md" or not dot:
        return None
    base, _, lang = stem.rpartition(".")
    if lang not in LANGUAGES:
        return None
    others = [other for other in LANGUAGES if other != lang]
    return f"{base}.{others[0]}.md" if others else None


def language_of(path: str) -> str:
    """The language code in a text file's name (`.en.md` -> "en"), or "" for media."""
    parts = path.rsplit(".", 2)
    return parts[1] if len(parts) == 3 and parts[2] == "md" and parts[1] in LANGUAGES else ""
