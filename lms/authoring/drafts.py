"""The course draft: every file of the next version, saved with optimistic concurrency.

The draft holds a full copy of the course (made from the live version on first use), so
publishing is "these files become a version" and nothing is ever merged behind anyone's back.
Each write adds a DraftRevision row; the row's id is the file's new revision number, so numbers
never repeat, even for a file deleted and created again.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, Delete, Update, delete, func, select, update
from sqlalchemy.orm import Session

from lms import audit
from lms.courses.services import current_version, version_files
from lms.db import insert_or_ignore
from lms.models import DraftFile, DraftRevision, User
from lms.models.types import utcnow

# Saves by one author within this time replace each other in the history: autosave writes every
# few seconds, and a revision per keystroke pause would bury the ones people look for.
COALESCE_WINDOW = timedelta(minutes=10)


@dataclass(frozen=True)
class DraftState:
    """A draft file as someone else left it, shown when a save conflicts with theirs."""

    path: str
    data: bytes | None  # None: the file was deleted
    revision: int
    author: str
    saved_at: datetime | None

    @property
    def text(self) -> str:
        """The file as text (empty when deleted)."""
        return (self.data or b"").decode("utf-8", errors="replace")


class DraftConflict(Exception):
    """The file changed since the editor loaded it; carries the other person's state."""

    def __init__(self, current: DraftState) -> None:
        self.current = current
        super().__init__(f"{current.path} was changed by {current.author or 'someone else'}")


class FileExists(Exception):
    """A file was to be created where one already exists."""


class NoSuchFile(LookupError):
    """The draft has no file at that path."""


class FileTooLarge(ValueError):
    """A file over the editor's size limit."""


def normalise_text(text: str) -> bytes:
    """The bytes stored for edited text: UTF-8 with LF line ends (browsers send CRLF)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").encode("utf-8")


def ensure_draft(session: Session) -> None:
    """Start the draft from the live version if there is none yet (safe to run concurrently)."""
    if session.scalar(select(func.count()).select_from(DraftFile)):
        return
    version = current_version(session)
    if version is None:
        return
    rows = [
        {"path": path, "data": data, "revision": 0, "updated_at": utcnow()}
        for path, data in sorted(version_files(session, version.id).items())
    ]
    if rows:
        session.execute(insert_or_ignore(session, DraftFile, rows, ["path"]))


def draft_files(session: Session) -> dict[str, bytes]:
    """Every file of the draft, by path."""
    ensure_draft(session)
    rows = session.execute(select(DraftFile.path, DraftFile.data).order_by(DraftFile.path))
    return {path: bytes(data) for path, data in rows}


def get_file(session: Session, path: str) -> DraftFile:
    """One draft file, or NoSuchFile."""
    ensure_draft(session)
    found = session.scalars(
        select(DraftFile).where(DraftFile.path == path).execution_options(populate_existing=True)
    ).first()
    if found is None:
        raise NoSuchFile(path)
    return found


def state_of(session: Session, path: str) -> DraftState:
    """The file as it stands now, with the name of whoever wrote it last."""
    row = session.execute(
        select(DraftFile.data, DraftFile.revision, DraftFile.updated_at, User.name)
        .outerjoin(User, User.id == DraftFile.updated_by_id)
        .where(DraftFile.path == path)
    ).first()
    if row is None:
        last = session.execute(
            select(DraftRevision.saved_at, User.name)
            .outerjoin(User, User.id == DraftRevision.author_id)
            .where(DraftRevision.path == path)
            .order_by(DraftRevision.id.desc())
            .limit(1)
        ).first()
        return DraftState(
            path, None, 0, last.name or "" if last else "", last.saved_at if last else None
        )
    data, revision, updated_at, name = row
    return DraftState(path, bytes(data), revision, name or "", updated_at)


def _rows_changed(session: Session, statement: Update | Delete) -> int:
    """Run an UPDATE or DELETE that bypasses the identity map; how many rows it touched."""
    result = session.execute(statement.execution_options(synchronize_session=False))
    return int(cast(CursorResult[Any], result).rowcount)


def _new_revision(
    session: Session, path: str, kind: str, data: bytes | None, author_id: int | None
) -> int:
    revision = DraftRevision(path=path, kind=kind, data=data, author_id=author_id)
    session.add(revision)
    session.flush()
    return revision.id


def save_text(
    session: Session,
    path: str,
    text: str,
    base_revision: int,
    author_id: int,
    *,
    max_bytes: int,
) -> int:
    """Save an edited file over revision `base_revision`; returns the new revision.

    Raises DraftConflict when someone else saved (or deleted) the file since that revision.
    Saving text identical to the current one changes nothing.
    """
    data = normalise_text(text)
    if len(data) > max_bytes:
        raise FileTooLarge(
            f"{path} is {len(data):,} bytes; the editor keeps files up to {max_bytes:,} bytes. "
            "Split the lesson in two."
        )
    current = get_file(session, path)
    if current.revision != base_revision:
        raise DraftConflict(state_of(session, path))
    if bytes(current.data) == data:
        return current.revision
    previous = session.get(DraftRevision, base_revision) if base_revision else None
    revision = _new_revision(session, path, "save", data, author_id)
    # The WHERE on the old revision makes the check and the write one atomic step: of two
    # saves over the same revision, exactly one matches.
    written = _rows_changed(
        session,
        update(DraftFile)
        .where(DraftFile.path == path, DraftFile.revision == base_revision)
        .values(data=data, revision=revision, updated_by_id=author_id, updated_at=utcnow()),
    )
    if written != 1:
        raise DraftConflict(state_of(session, path))
    if (
        previous is not None
        and previous.kind == "save"
        and previous.author_id == author_id
        and utcnow() - previous.saved_at < COALESCE_WINDOW
    ):
        session.delete(previous)
    audit.record(session, author_id, "draft.save", path, revision=revision, bytes=len(data))
    session.flush()
    return revision


def create_file(
    session: Session, path: str, data: bytes, author_id: int | None, *, kind: str = "create"
) -> int:
    """Add a file to the draft; FileExists if the path is taken. Returns its revision."""
    ensure_draft(session)
    revision = _new_revision(session, path, kind, data, author_id)
    inserted = session.execute(
        insert_or_ignore(
            session,
            DraftFile,
            {
                "path": path,
                "data": data,
                "revision": revision,
                "updated_by_id": author_id,
                "updated_at": utcnow(),
            },
            ["path"],
        ).returning(DraftFile.id)
    ).first()
    if inserted is None:
        raise FileExists(path)
    audit.record(session, author_id, f"draft.{kind}", path, revision=revision, bytes=len(data))
    return revision


def delete_file(
    session: Session, path: str, base_revision: int | None, author_id: int | None
) -> None:
    """Remove a file from the draft; with `base_revision`, only if nobody changed it since."""
    condition = [DraftFile.path == path]
    if base_revision is not None:
        condition.append(DraftFile.revision == base_revision)
    removed = _rows_changed(session, delete(DraftFile).where(*condition))
    if removed != 1:
        if base_revision is not None and session.scalar(
            select(DraftFile.id).where(DraftFile.path == path)
        ):
            raise DraftConflict(state_of(session, path))
        raise NoSuchFile(path)
    _new_revision(session, path, "delete", None, author_id)
    audit.record(session, author_id, "draft.delete", path)


def replace_file(
    session: Session, path: str, data: bytes | None, author_id: int | None, kind: str
) -> None:
    """Set a file to `data` (None deletes it) whatever its revision: for whole-course changes."""
    exists = session.scalar(select(DraftFile.id).where(DraftFile.path == path)) is not None
    if data is None:
        if exists:
            delete_file(session, path, None, author_id)
        return
    if not exists:
        create_file(session, path, data, author_id, kind=kind)
        return
    revision = _new_revision(session, path, kind, data, author_id)
    session.execute(
        update(DraftFile)
        .where(DraftFile.path == path)
        .values(data=data, revision=revision, updated_by_id=author_id, updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def apply_changes(
    session: Session, changes: Mapping[str, bytes | None], author_id: int | None, kind: str
) -> None:
    """Write several files at once (None deletes), e.g. the renames of a lesson reorder."""
    for path in sorted(changes, key=lambda p: changes[p] is not None):  # deletions first
        replace_file(session, path, changes[path], author_id, kind)
