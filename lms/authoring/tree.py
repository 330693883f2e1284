"""The course as the editor lists it: modules, their files side by side per language, and status."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from lms.authoring.paths import is_media
from lms.authoring.structure import lessons_of, module_folders
from lms.content import LANGUAGES, Course, Problem, build_course
from lms.content.parity import check_parity


@dataclass(frozen=True)
class FileStatus:
    """One file of the draft: whether it exists, differs from the live version, has problems."""

    path: str
    exists: bool
    changed: bool
    problems: int


@dataclass(frozen=True)
class TreeRow:
    """A module page, lesson or quiz: its files per language and whether they agree."""

    kind: str  # module, lesson, quiz
    title: str
    slug: str
    files: Mapping[str, FileStatus]
    parity_problems: int

    @property
    def parity_ok(self) -> bool:
        """Both languages exist and ask the same questions with the same keys."""
        return self.parity_problems == 0 and all(f.exists for f in self.files.values())


@dataclass(frozen=True)
class ModuleTree:
    """A module folder with its rows in course order and its media."""

    folder: str
    title: str
    rows: tuple[TreeRow, ...]
    media: tuple[FileStatus, ...]


@dataclass(frozen=True)
class CourseTree:
    """Every module of the draft, the total of problems and the count of changed files."""

    modules: tuple[ModuleTree, ...]
    problems: tuple[Problem, ...]
    changed: int


def _parity_counts(course: Course, label: str) -> Counter[str]:
    found: list[Problem] = []
    for module in course.modules:
        check_parity(module, found)
    return Counter(p.path.removeprefix(label + "/") for p in found)


class _TreeBuilder:
    """Looks up each file's status once the draft has been checked."""

    def __init__(
        self, draft: Mapping[str, bytes], live: Mapping[str, bytes], label: str, lang: str
    ) -> None:
        self.draft, self.live, self.lang = draft, live, lang
        self.course, problems = build_course(draft, label)
        self.problems = tuple(problems)
        self.per_file = Counter(p.path.removeprefix(label + "/") for p in problems)
        self.parity = _parity_counts(self.course, label)

    def status(self, path: str) -> FileStatus:
        return FileStatus(
            path,
            path in self.draft,
            self.draft.get(path) != self.live.get(path),
            self.per_file.get(path, 0),
        )

    def row(self, kind: str, title: str, slug: str, paths: Mapping[str, str]) -> TreeRow:
        files = {lang: self.status(paths[lang]) for lang in LANGUAGES}
        return TreeRow(kind, title, slug, files, sum(self.parity[f.path] for f in files.values()))

    def module(self, folder: str) -> ModuleTree:
        built = next((m for m in self.course.modules if m.folder == folder), None)
        every = {lang: f"{folder}/{{}}.{lang}.md" for lang in LANGUAGES}
        rows = [
            self.row(
                "module",
                built.text(self.lang).title if built else folder,
                "",
                {lang: name.format("module") for lang, name in every.items()},
            )
        ]
        for lesson in lessons_of(self.draft, folder):
            stem = f"{lesson.number:02d}-{lesson.slug}"
            found = built.lesson(lesson.slug) if built else None
            rows.append(
                self.row(
                    "lesson",
                    found.text(self.lang).title if found else lesson.slug,
                    lesson.slug,
                    {
                        lang: lesson.paths.get(lang, name.format(stem))
                        for lang, name in every.items()
                    },
                )
            )
        rows.append(
            self.row("quiz", "", "", {lang: name.format("quiz") for lang, name in every.items()})
        )
        media = tuple(
            self.status(path)
            for path in sorted(self.draft)
            if path.startswith(folder + "/") and is_media(path)
        )
        return ModuleTree(
            folder, built.text(self.lang).title if built else folder, tuple(rows), media
        )


def course_tree(
    draft: Mapping[str, bytes], live: Mapping[str, bytes], lang: str, label: str = "modules"
) -> CourseTree:
    """Build the editor's view of the draft (parses it: the content memo keeps this cheap)."""
    builder = _TreeBuilder(draft, live, label, lang)
    modules = tuple(builder.module(folder) for folder in module_folders(draft))
    changed = sum(1 for path in set(draft) | set(live) if draft.get(path) != live.get(path))
    return CourseTree(modules, builder.problems, changed)
