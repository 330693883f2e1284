"""Export files built from a course version, kept per version so repeated downloads are cheap."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from flask import current_app
from sqlalchemy.orm import Session

from lms.courses.cache import course_cache
from lms.courses.services import version_files
from scorm_export.versions import ScormVersion

KEEP_EXPORTS = 16


@dataclass(frozen=True)
class ExportRequest:
    """One download: what to build from which version."""

    version_id: int
    kind: str  # "scorm12", "scorm2004" or "moodle-xml"
    lang: str
    module: str  # a module slug, or "course" for the whole pre-course (SCORM only)


@dataclass(frozen=True)
class ExportFile:
    """A built download."""

    file_name: str
    mimetype: str
    data: bytes


class UnknownExport(Exception):
    """The request names no module (or a module without a quiz for Moodle XML)."""


# Each app keeps its own files: version ids are those of its database, and two apps in one
# process (a host mounting the platform, tests) have databases of their own.
EXTENSION = "lms.export_cache"
_lock = threading.Lock()
_SCORM: dict[str, ScormVersion] = {"scorm12": "1.2", "scorm2004": "2004"}


def build_export(session: Session, request: ExportRequest) -> ExportFile:
    """Build (or reuse) the file for an export request."""
    with _lock:
        cache: OrderedDict[ExportRequest, ExportFile]
        cache = current_app.extensions.setdefault(EXTENSION, OrderedDict())
        if request in cache:
            cache.move_to_end(request)
            return cache[request]
    built = _build(session, request)
    with _lock:
        cache[request] = built
        while len(cache) > KEEP_EXPORTS:
            cache.popitem(last=False)
    return built


def _build(session: Session, request: ExportRequest) -> ExportFile:
    from scorm_export.moodle_xml import quiz_to_moodle_xml
    from scorm_export.package import course_package, module_media, module_package

    course = course_cache().get(session, request.version_id)
    files = version_files(session, request.version_id)
    if request.kind in _SCORM and request.module == "course":
        package = course_package(files, course, version=_SCORM[request.kind], lang=request.lang)
        return ExportFile(package.file_name, "application/zip", package.data)
    module = course.module(request.module)
    if module is None:
        raise UnknownExport(request.module)
    if request.kind in _SCORM:
        package = module_package(files, module, version=_SCORM[request.kind], lang=request.lang)
        return ExportFile(package.file_name, "application/zip", package.data)
    if request.kind == "moodle-xml" and module.quiz is not None:
        return ExportFile(
            f"{module.folder}-quiz-{request.lang}.xml",
            "application/xml",
            quiz_to_moodle_xml(module, request.lang, module_media(files, module)),
        )
    raise UnknownExport(request.module)
