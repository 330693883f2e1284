"""Modules and lessons as a whole: create from a starter, retitle, reorder and delete.

A lesson's slug is its permanent id (progress records use it); reordering changes only the
number in its file names, and the links that other lessons make to it follow.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import distinct, func, select
from sqlalchemy.orm import Session

from lms import audit
from lms.authoring import drafts, starters
from lms.content.files import MODULE_FOLDER
from lms.content.loader import module_folders as files_by_folder
from lms.content.model import LANGUAGES
from lms.content.render import LESSON_FILE
from lms.models import LessonCompletion

SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,60}$")
_TITLE_LINE = re.compile(r"^title:.*$", re.MULTILINE)


class StructureError(ValueError):
    """A structural change that cannot be made; the message says why and what to do."""


@dataclass(frozen=True)
class LessonFiles:
    """A lesson of the draft: its number, slug and file per language."""

    number: int
    slug: str
    paths: Mapping[str, str]


def _check_slug(slug: str) -> str:
    if not SLUG.match(slug):
        raise StructureError(
            f"'{slug}' cannot be used as a permanent name: use lower-case letters, digits "
            "and hyphens, e.g. key-concepts"
        )
    return slug


def _titles(titles: Mapping[str, str]) -> dict[str, str]:
    clean = {lang: titles.get(lang, "").strip() for lang in LANGUAGES}
    missing = [lang for lang, title in clean.items() if not title]
    if missing:
        raise StructureError(f"a title is needed in every language (missing: {', '.join(missing)})")
    return clean


def module_folders(files: Mapping[str, bytes]) -> list[str]:
    """The module folders of a set of course files, in order."""
    return sorted(files_by_folder(files))


def lessons_of(files: Mapping[str, bytes], folder: str) -> list[LessonFiles]:
    """The lessons of a module folder, in order."""
    found: dict[str, tuple[int, dict[str, str]]] = {}
    for path in files:
        module, _, name = path.partition("/")
        match = LESSON_FILE.match(name) if module == folder else None
        if match:
            entry = found.setdefault(match["slug"], (int(match["num"]), {}))
            entry[1][match["lang"]] = path
    return [
        LessonFiles(number, slug, paths)
        for slug, (number, paths) in sorted(found.items(), key=lambda item: item[1][0])
    ]


def create_module(session: Session, slug: str, titles: Mapping[str, str], user_id: int) -> str:
    """Add a module folder after the last one, with a page, a lesson and a quiz per language."""
    _check_slug(slug)
    clean = _titles(titles)
    files = drafts.draft_files(session)
    folders = module_folders(files)
    if any(MODULE_FOLDER.match(f) and f.split("-", 1)[1] == slug for f in folders):
        raise StructureError(f"a module named '{slug}' exists already")
    numbers = [int(m["num"]) for f in folders if (m := MODULE_FOLDER.match(f))]
    folder = f"{max(numbers, default=0) + 1:02d}-{slug}"
    for lang in LANGUAGES:
        title = clean[lang]
        quiz_title = f"Cuestionario: {title}" if lang == "es" else f"Quiz: {title}"
        new_files = {
            f"module.{lang}.md": starters.module_page(lang, title),
            f"01-introduction.{lang}.md": starters.lesson(lang, title),
            f"quiz.{lang}.md": starters.quiz(lang, quiz_title, f"{slug}-q1"),
        }
        for name, text in new_files.items():
            drafts.create_file(session, f"{folder}/{name}", drafts.normalise_text(text), user_id)
    audit.record(session, user_id, "module.create", folder)
    return folder


def create_lesson(
    session: Session, folder: str, slug: str, titles: Mapping[str, str], user_id: int
) -> LessonFiles:
    """Add a lesson at the end of a module, in every language."""
    _check_slug(slug)
    clean = _titles(titles)
    files = drafts.draft_files(session)
    if folder not in module_folders(files):
        raise StructureError(f"there is no module folder '{folder}'")
    existing = lessons_of(files, folder)
    if any(lesson.slug == slug for lesson in existing):
        raise StructureError(f"this module already has a lesson named '{slug}'")
    number = max((lesson.number for lesson in existing), default=0) + 1
    paths = {lang: f"{folder}/{number:02d}-{slug}.{lang}.md" for lang in LANGUAGES}
    for lang, path in paths.items():
        drafts.create_file(
            session, path, drafts.normalise_text(starters.lesson(lang, clean[lang])), user_id
        )
    audit.record(session, user_id, "lesson.create", f"{folder}/{slug}")
    return LessonFiles(number, slug, paths)


def _find(files: Mapping[str, bytes], folder: str, slug: str) -> list[LessonFiles]:
    lessons = lessons_of(files, folder)
    if not any(lesson.slug == slug for lesson in lessons):
        raise StructureError(f"module '{folder}' has no lesson '{slug}'")
    return lessons


def retitle_lesson(
    session: Session, folder: str, slug: str, titles: Mapping[str, str], user_id: int
) -> None:
    """Change a lesson's title in every language; its slug, and so learners' progress, stay."""
    clean = _titles(titles)
    files = drafts.draft_files(session)
    lesson = next(item for item in _find(files, folder, slug) if item.slug == slug)
    changes: dict[str, bytes | None] = {}
    for lang, path in lesson.paths.items():
        text = files[path].decode("utf-8", errors="replace")
        title_line = "title: " + starters._quoted(clean[lang])
        new_text, count = _TITLE_LINE.subn(title_line, text, count=1)
        if count == 0:
            raise StructureError(f"{path} has no 'title:' line to change: edit the file instead")
        changes[path] = new_text.encode("utf-8")
    drafts.apply_changes(session, changes, user_id, "save")
    audit.record(session, user_id, "lesson.retitle", f"{folder}/{slug}", titles=clean)


def move_lesson(session: Session, folder: str, slug: str, offset: int, user_id: int) -> None:
    """Move a lesson `offset` places (-1 up, +1 down), renumbering files and fixing links."""
    files = drafts.draft_files(session)
    lessons = _find(files, folder, slug)
    index = next(i for i, lesson in enumerate(lessons) if lesson.slug == slug)
    target = min(max(index + offset, 0), len(lessons) - 1)
    if target == index:
        return
    lessons.insert(target, lessons.pop(index))
    renames: dict[str, str] = {}
    for position, lesson in enumerate(lessons, start=1):
        for lang, path in lesson.paths.items():
            new_path = f"{folder}/{position:02d}-{lesson.slug}.{lang}.md"
            if new_path != path:
                renames[path] = new_path
    changes: dict[str, bytes | None] = {old: None for old in renames}
    for path, data in files.items():
        if path.startswith(folder + "/") and path.endswith(".md"):
            new_path = renames.get(path, path)
            text = _relink(data.decode("utf-8", errors="replace"), renames, folder)
            if new_path != path or text.encode("utf-8") != data:
                changes[new_path] = text.encode("utf-8")
    drafts.apply_changes(session, changes, user_id, "move")
    audit.record(session, user_id, "lesson.move", f"{folder}/{slug}", to=target + 1)


def _relink(text: str, renames: Mapping[str, str], folder: str) -> str:
    """Point links such as `](02-slug.en.md#part)` at the lesson files' new names."""
    for old, new in renames.items():
        old_name, new_name = old.removeprefix(folder + "/"), new.removeprefix(folder + "/")
        text = re.sub(rf"\]\({re.escape(old_name)}(?=[#)\s])", f"]({new_name}", text)
    return text


def completions(session: Session, module_slug: str, lesson_slug: str) -> int:
    """How many learners have completed a lesson (told before it is deleted)."""
    return (
        session.scalar(
            select(func.count(distinct(LessonCompletion.user_id))).where(
                LessonCompletion.module_slug == module_slug,
                LessonCompletion.lesson_slug == lesson_slug,
            )
        )
        or 0
    )


def delete_lesson(session: Session, folder: str, slug: str, user_id: int) -> None:
    """Remove a lesson in every language from the draft (learners' records of it are kept)."""
    files = drafts.draft_files(session)
    lesson = next(item for item in _find(files, folder, slug) if item.slug == slug)
    drafts.apply_changes(session, {path: None for path in lesson.paths.values()}, user_id, "delete")
    audit.record(session, user_id, "lesson.delete", f"{folder}/{slug}")
