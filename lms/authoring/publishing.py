"""Turning the draft (or imported files, or an old version) into a new live course version."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms import audit
from lms.authoring import drafts
from lms.courses.services import (
    ImportResult,
    current_version,
    publish,
    version_by_number,
    version_files,
)
from lms.models import DraftFile

DRAFT_LABEL = "modules"  # problems read as `lms check modules` prints them


class NothingToPublish(Exception):
    """The files are exactly those of the live version."""


class NoSuchVersion(LookupError):
    """No course version has that number."""


def _live_files(session: Session) -> dict[str, bytes]:
    live = current_version(session)
    return version_files(session, live.id) if live else {}


def publish_files(
    session: Session,
    files: Mapping[str, bytes],
    *,
    label: str,
    note: str,
    user_id: int | None,
    source: str,
) -> ImportResult:
    """Publish `files` as a new version and carry the change into the draft.

    Raises ContentInvalid (nothing written) when the files do not check clean.
    """
    before = _live_files(session)
    result = publish(session, files, label=label, note=note, user_id=user_id, source=source)
    if result.created:
        sync_draft(session, before, files, user_id)
        audit.record(
            session,
            user_id,
            f"course.{source}",
            f"version {result.version.number}",
            note=note[:500],
            files=len(files),
        )
    return result


def publish_draft(session: Session, message: str, user_id: int) -> ImportResult:
    """Publish the draft as a new version with `message`; NothingToPublish if it is unchanged."""
    result = publish_files(
        session,
        drafts.draft_files(session),
        label=DRAFT_LABEL,
        note=message,
        user_id=user_id,
        source="editor",
    )
    if not result.created:
        raise NothingToPublish(result.version.number)
    return result


def rollback(session: Session, number: int, message: str, user_id: int) -> ImportResult:
    """Publish version `number`'s files again as a new version; history is never rewritten."""
    old = version_by_number(session, number)
    if old is None:
        raise NoSuchVersion(number)
    note = f"Rollback to version {number}" + (f": {message}" if message else "")
    result = publish_files(
        session,
        version_files(session, old.id),
        label=DRAFT_LABEL,
        note=note,
        user_id=user_id,
        source="rollback",
    )
    if not result.created:
        raise NothingToPublish(result.version.number)
    return result


def sync_draft(
    session: Session,
    before: Mapping[str, bytes],
    after: Mapping[str, bytes],
    user_id: int | None,
) -> None:
    """Bring a version published from outside the draft into it, keeping unpublished edits.

    A draft file still equal to the previous live version takes the new version's content;
    a file someone has edited in the draft keeps their edit (publishing it later wins).
    """
    if session.scalar(select(DraftFile.id).limit(1)) is None:
        return  # no draft yet: it will start from the new version when first opened
    current = drafts.draft_files(session)
    for path in sorted(set(before) | set(after)):
        old, new = before.get(path), after.get(path)
        if old != new and current.get(path) == old:
            drafts.replace_file(session, path, new, user_id, "sync")
