"""One file as typed: built as learners get it, with its problems and its language pair's."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from lms.content.files import MODULE_FOLDER, classify
from lms.content.loader import FileText, build_module, check_unique, module_folders
from lms.content.memo import FILE_MEMO, FileMemo
from lms.content.model import LANGUAGES, Module, Quiz
from lms.content.parity import check_parity
from lms.content.problems import Problem
from lms.content.render import LMS_LINKS, LinkStyle


class UnknownFile(ValueError):
    """A path that does not name a file inside a module folder."""

    def __init__(self, path: str) -> None:
        self.path = path
        super().__init__(
            f"'{path}' is not a file of a module folder: "
            "expected NN-slug/FILE, e.g. 01-understanding-migration/01-key-concepts.en.md"
        )


@dataclass(frozen=True)
class FilePreview:
    """A file built from the text being typed, with every problem `lms check` would report."""

    path: str  # content path, e.g. 01-understanding-migration/01-key-concepts.en.md
    kind: str  # module, lesson, quiz, media or unknown
    lang: str | None
    document: FileText | None  # None when the file could not be built (or is not text)
    quiz: Quiz | None  # the module's quiz, for a quiz file: pass mark and attempts
    problems: tuple[Problem, ...]  # located in this file, sorted
    pair_path: str | None  # the same file in the other language, if the module has it
    pair_problems: tuple[Problem, ...]  # located in the pair file, sorted


def split_content_path(path: str) -> tuple[str, str]:
    """The module folder of `path` and the file's path within it; UnknownFile otherwise."""
    parts = path.split("/")
    if (
        len(parts) < 2
        or any(part in ("", ".", "..") for part in parts)
        or not MODULE_FOLDER.match(parts[0])
    ):
        raise UnknownFile(path)
    return parts[0], "/".join(parts[1:])


def pair_name(name: str) -> str | None:
    """The same module, lesson or quiz file in the language it is compared with."""
    kind = classify(name)
    if kind.kind not in ("module", "lesson", "quiz") or kind.lang not in LANGUAGES:
        return None
    # Parity compares every other language with the first, and reports in the other's file:
    # so the first language's pair is the second, and every other language's is the first.
    other = LANGUAGES[1] if kind.lang == LANGUAGES[0] else LANGUAGES[0]
    return name.removesuffix(f".{kind.lang}.md") + f".{other}.md"


def preview_file(
    files: Mapping[str, bytes],
    path: str,
    text: str,
    *,
    label: str = "draft",
    style: LinkStyle = LMS_LINKS,
    memo: FileMemo = FILE_MEMO,
) -> FilePreview:
    """Build `path` from `text` among `files`, with its problems as `build_course` reports them."""
    # Only the module folder holding `path` is built, through the memo, so once the others have
    # been parsed only the edited file is. Duplicate question ids need the ids of the modules
    # before this one: those are built through the memo too, exact always and cheap once
    # parsed, so only the first preview after a start pays for parsing them.
    folder, name = split_content_path(path)
    prefix = f"{folder}/"
    files_here = {p.removeprefix(prefix): data for p, data in files.items() if p.startswith(prefix)}
    # Lone surrogates cannot come from a file; kept as bytes, they are reported as not UTF-8.
    files_here[name] = text.encode("utf-8", "surrogatepass")
    problems: list[Problem] = []
    built = build_module(folder, files_here, problems, label, style, memo=memo)
    if built.module is not None:
        check_parity(built.module, problems)
        earlier = _modules_before(files, folder, label, style, memo)
        check_unique([*earlier, built.module], label, problems)
    kind = classify(name)
    pair = pair_name(name)
    pair_path = f"{folder}/{pair}" if pair is not None and pair in files_here else None
    return FilePreview(
        path=path,
        kind=kind.kind,
        lang=kind.lang or None,
        document=built.texts.get(name),
        quiz=built.quiz if kind.kind == "quiz" else None,
        problems=_located(problems, f"{label}/{path}"),
        pair_path=pair_path,
        pair_problems=_located(problems, f"{label}/{pair_path}") if pair_path else (),
    )


def _modules_before(
    files: Mapping[str, bytes], folder: str, label: str, style: LinkStyle, memo: FileMemo
) -> list[Module]:
    # A question id is reported where it is used again, never where it is first used, so
    # only the modules built before this one (folders in name order) can make it a duplicate.
    folders = module_folders(files)
    ignored: list[Problem] = []
    return [
        module
        for other in sorted(folders)
        if other < folder
        and (module := build_module(other, folders[other], ignored, label, style, memo=memo).module)
    ]


def _located(problems: Iterable[Problem], path: str) -> tuple[Problem, ...]:
    return tuple(sorted({p for p in problems if p.path == path}))
