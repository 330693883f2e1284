"""Publishing course versions from files and writing them back out."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.content import Course, build_course
from lms.content.problems import ContentInvalid
from lms.models import ContentFile, CourseVersion


@dataclass(frozen=True)
class ImportResult:
    """The version that now holds the imported files, and whether the import created it."""

    version: CourseVersion
    created: bool
    course: Course  # the parsed files, ready for the per-version cache


def digest_of(files: Mapping[str, bytes]) -> str:
    """A fingerprint of every path and its bytes, independent of the order they were read in."""
    hasher = hashlib.sha256()
    for path in sorted(files):
        hasher.update(path.encode() + b"\0" + hashlib.sha256(files[path]).digest())
    return hasher.hexdigest()


def current_version(session: Session) -> CourseVersion | None:
    """The live (highest-numbered) course version, if any content was ever imported."""
    return session.scalars(
        select(CourseVersion).order_by(CourseVersion.number.desc()).limit(1)
    ).first()


def publish(
    session: Session,
    files: Mapping[str, bytes],
    *,
    label: str = "modules",
    note: str = "",
    user_id: int | None = None,
    source: str = "import",
) -> ImportResult:
    """Check the files and publish them as a new version; nothing is written if any problem."""
    course, problems = build_course(files, label)
    if problems:
        raise ContentInvalid(problems)
    digest = digest_of(files)
    latest = current_version(session)
    if latest is not None and latest.digest == digest:
        return ImportResult(latest, created=False, course=course)
    number = (session.scalar(select(func.max(CourseVersion.number))) or 0) + 1
    version = CourseVersion(
        number=number, digest=digest, note=note[:500], created_by_id=user_id, source=source
    )
    session.add(version)
    session.flush()
    session.add_all(
        ContentFile(version_id=version.id, path=path, data=data)
        for path, data in sorted(files.items())
    )
    session.flush()
    return ImportResult(version, created=True, course=course)


def version_files(session: Session, version_id: int) -> dict[str, bytes]:
    """Every file of a version, by path."""
    rows = session.execute(
        select(ContentFile.path, ContentFile.data).where(ContentFile.version_id == version_id)
    )
    return {path: bytes(data) for path, data in rows}


def version_by_number(session: Session, number: int) -> CourseVersion | None:
    """The version with this number, if it exists."""
    return session.scalars(select(CourseVersion).where(CourseVersion.number == number)).first()


def media_file(session: Session, version_id: int, path: str) -> bytes | None:
    """One media file of a version."""
    data = session.scalar(
        select(ContentFile.data).where(
            ContentFile.version_id == version_id, ContentFile.path == path
        )
    )
    return bytes(data) if data is not None else None


def export_files(files: Mapping[str, bytes], destination: Path) -> int:
    """Write files under `destination` exactly as stored; returns how many were written."""
    for path, data in files.items():
        target = destination / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    return len(files)
