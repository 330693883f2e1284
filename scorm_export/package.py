"""SCORM packages: the files of each module's SCO plus the manifest, zipped reproducibly."""

from __future__ import annotations

import io
import os
import secrets
import stat
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from lms.content import Course, Module
from lms.content.media import media_problem
from scorm_export.manifest import AssetEntry, ScoEntry, build_manifest, manifest_xml
from scorm_export.versions import TRAITS, ScormVersion

# A fixed date for every zip entry: the same course always gives the same bytes.
ZIP_DATE = (2000, 1, 1, 0, 0, 0)
# Every entry is a regular file readable by all (rw-r--r--), recorded as made on Unix so that
# unzip and LMSs read the mode the same way whatever system built the zip.
ZIP_FILE_MODE = stat.S_IFREG | 0o644
ZIP_UNIX = 3
# Where a package of several SCOs keeps the one copy of the runtime they all load.
SHARED_RUNTIME_FOLDER = "runtime"
COURSE_TITLES = {
    "es": "Inter-American Course on International Migration: módulos en línea previos al curso",
    "en": "Inter-American Course on International Migration: online pre-course modules",
}


class ExportError(Exception):
    """An export that cannot be done, with a message that says what to do."""


@dataclass(frozen=True)
class Package:
    """A built package: where it goes and its bytes."""

    file_name: str
    data: bytes


def module_media(files: Mapping[str, bytes], module: Module) -> dict[str, bytes]:
    """The media files of a module, keyed relative to the module folder ("media/x.png").

    Only files `lms check` accepts: a version stored before the check, or written into the
    database directly, may hold others, and a package would carry them to another site, which
    may serve an HTML or SVG file there as a page.
    """
    prefix = f"{module.folder}/"
    return {path[len(prefix):]: data for path, data in files.items()
            if path.startswith(prefix + "media/") and media_problem(path, data) is None}


def _schema_files(version: ScormVersion, schemas: Path | None) -> dict[str, bytes]:
    if schemas is None:
        return {}
    folder = schemas / TRAITS[version].schema_folder
    if not folder.is_dir():
        raise ExportError(f"no SCORM {version} schema files in {folder}: pass the folder that "
                          f"holds {TRAITS[version].schema_folder}/ (or leave the option out)")
    names = TRAITS[version].schema_files
    paths = [folder / n for n in names] if names else sorted(p for p in folder.rglob("*")
                                                            if p.is_file())
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in paths}


def package_files(files: Mapping[str, bytes], modules: Sequence[Module], *,
                  version: ScormVersion, lang: str, manifest_id: str, title: str,
                  schemas: Path | None = None, share_runtime: bool = False) -> dict[str, bytes]:
    """Every file of a package holding one SCO per module, manifest included.

    With `share_runtime` the runtime is shipped once, in runtime/, as an asset resource every
    SCO resource names as a dependency; otherwise each SCO folder holds its own copy.
    """
    from scorm_export.sco import render_sco, runtime_files

    contents: dict[str, bytes] = {}
    scos: list[ScoEntry] = []
    assets: list[AssetEntry] = []
    shared = f"../{SHARED_RUNTIME_FOLDER}/" if share_runtime else None
    if share_runtime:
        runtime = {f"{SHARED_RUNTIME_FOLDER}/{name}": data
                   for name, data in runtime_files().items()}
        contents.update(runtime)
        assets.append(AssetEntry("shared-runtime", tuple(sorted(runtime))))
    for module in modules:
        sco = render_sco(module, module_media(files, module), scorm_version=version, lang=lang,
                         shared_runtime=shared)
        paths = {f"{module.folder}/{path}": data for path, data in sco.items()}
        contents.update(paths)
        scos.append(ScoEntry(module.slug, f"{module.number}. {module.text(lang).title}",
                             f"{module.folder}/index.html", tuple(sorted(paths)),
                             module.quiz.pass_mark if module.quiz else None,
                             tuple(asset.slug for asset in assets)))
    contents.update(_schema_files(version, schemas))
    manifest = build_manifest(manifest_id, title, scos, version, assets)
    contents["imsmanifest.xml"] = manifest_xml(manifest)
    return contents


def zip_bytes(contents: Mapping[str, bytes]) -> bytes:
    """A zip with the manifest first, entries sorted and fixed dates and permissions."""
    buffer = io.BytesIO()
    names = sorted(contents, key=lambda n: (n != "imsmanifest.xml", n))
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in names:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = ZIP_UNIX
            info.external_attr = ZIP_FILE_MODE << 16
            archive.writestr(info, contents[name], compresslevel=9)
    return buffer.getvalue()


def module_package(files: Mapping[str, bytes], module: Module, *, version: ScormVersion,
                   lang: str, schemas: Path | None = None) -> Package:
    """The package of one module (one SCO)."""
    contents = package_files(files, [module], version=version, lang=lang,
                             manifest_id=f"iacim.{module.slug}.{lang}",
                             title=f"{module.number}. {module.text(lang).title}", schemas=schemas)
    suffix = version.replace(".", "")
    return Package(f"{module.folder}-scorm{suffix}-{lang}.zip", zip_bytes(contents))


def course_package(files: Mapping[str, bytes], course: Course, *, version: ScormVersion,
                   lang: str, schemas: Path | None = None) -> Package:
    """One package holding the whole pre-course, one SCO per module."""
    contents = package_files(files, course.modules, version=version, lang=lang,
                             manifest_id=f"iacim.course.{lang}", title=COURSE_TITLES[lang],
                             schemas=schemas, share_runtime=True)
    return Package(f"pre-course-scorm{version.replace('.', '')}-{lang}.zip", zip_bytes(contents))


def write_atomically(data: bytes, destination: Path) -> None:
    """Write a file so that a failure leaves no partial file behind.

    The file gets the mode any new file gets, 0666 less the umask (0644 under the usual umask
    022), not the owner-only 0600 of tempfile.mkstemp: exports are meant to be copied and shared.
    """
    temporary, handle = _new_partial_file(destination)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(data)
        os.replace(temporary, destination)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def _new_partial_file(destination: Path) -> tuple[Path, int]:
    """A new hidden file beside `destination`, opened for writing, with a name no one else has."""
    while True:
        temporary = destination.parent / f".{destination.name}.{secrets.token_hex(8)}.part"
        try:
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
            return temporary, os.open(temporary, flags, 0o666)
        except FileExistsError:
            continue


def select_modules(course: Course, slugs: Sequence[str]) -> list[Module]:
    """The modules named (by slug, folder or number), or all of them; unknown names are errors."""
    if not slugs:
        return list(course.modules)
    chosen: list[Module] = []
    for name in slugs:
        module = next((m for m in course.modules
                       if name in (m.slug, m.folder, str(m.number), f"{m.number:02d}")), None)
        if module is None:
            known = ", ".join(m.folder for m in course.modules)
            raise ExportError(f"unknown module '{name}' (known: {known})")
        chosen.append(module)
    return chosen
