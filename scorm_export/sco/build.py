"""Assembles the files of a module's SCO: launch page, runtime and media."""

from __future__ import annotations

from collections.abc import Mapping
from importlib.resources import files
from pathlib import PurePosixPath
from typing import Literal

from lms.content import Module
from scorm_export.sco.page import render_page

RUNTIME_FILES = ("sco.css", "grade.js", "review.js", "scorm-api.js", "sco.js")
VERSIONS = ("1.2", "2004")


def runtime_file(name: str) -> bytes:
    """One file of the runtime shipped with every SCO."""
    return files("scorm_export.sco").joinpath("runtime", name).read_bytes()


def runtime_files() -> dict[str, bytes]:
    """The runtime every SCO page loads, keyed by file name, in load order."""
    return {name: runtime_file(name) for name in RUNTIME_FILES}


def _check_media_path(path: str) -> None:
    parts = PurePosixPath(path).parts
    if (
        not path.startswith("media/")
        or "\\" in path
        or len(parts) < 2
        or any(part in ("", ".", "..") for part in parts)
    ):
        raise ValueError(
            f"media file '{path}': media keys are paths relative to the module folder inside "
            "its media/ folder, such as 'media/map.png'"
        )


def _check_language(module: Module, lang: str) -> None:
    missing = [] if lang in module.texts else [f"module.{lang}.md"]
    missing += [
        f"{lesson.number:02d}-{lesson.slug}.{lang}.md"
        for lesson in module.lessons
        if lang not in lesson.texts
    ]
    if module.quiz and lang not in module.quiz.texts:
        missing.append(f"quiz.{lang}.md")
    if missing:
        raise ValueError(
            f"module {module.folder} has no '{lang}' version of {', '.join(missing)}: "
            "export it in a language it is written in"
        )


def render_sco(
    module: Module,
    media: Mapping[str, bytes],
    *,
    scorm_version: Literal["1.2", "2004"],
    lang: str,
    shared_runtime: str | None = None,
) -> dict[str, bytes]:
    """Every file of the module's SCO, keyed by its path relative to the SCO's folder.

    With `shared_runtime` (a folder relative to the SCO's, such as "../runtime/") the page loads
    the runtime from there and the runtime files are left out: a package of several SCOs ships
    them once (see `runtime_files`).
    """
    if scorm_version not in VERSIONS:
        raise ValueError(f"SCORM version '{scorm_version}' is not supported: use '1.2' or '2004'")
    _check_language(module, lang)
    for path in media:
        _check_media_path(path)
    if shared_runtime is not None and not shared_runtime.endswith("/"):
        raise ValueError(f"shared runtime folder '{shared_runtime}' must end with '/'")
    page = render_page(module, scorm_version, lang, shared_runtime or "")
    out = {"index.html": page.encode()}
    if shared_runtime is None:
        out.update(runtime_files())
    out.update((path, bytes(media[path])) for path in sorted(media))
    return out
