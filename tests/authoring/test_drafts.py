"""The draft: starting from the live version, saving with revisions, conflicts, publishing."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.authoring import drafts, publishing
from lms.content import ContentInvalid
from lms.courses.services import current_version, version_files
from lms.db import get_database
from lms.models import AuditEvent, CourseVersion, DraftFile, DraftRevision, Role, User
from tests.content.helpers import small_course

LESSON = "01-understanding-migration/01-key-concepts.en.md"
LIMIT = 1_000_000


def _text(session: Session, path: str = LESSON) -> str:
    return bytes(drafts.get_file(session, path).data).decode()


def test_the_draft_starts_as_a_copy_of_the_live_version(session: Session) -> None:
    live = current_version(session)
    assert live is not None
    assert drafts.draft_files(session) == version_files(session, live.id)
    assert set(session.scalars(select(DraftFile.revision))) == {0}


def test_a_save_makes_a_revision_with_author_and_unix_line_ends(
    session: Session, author: User
) -> None:
    revision = drafts.save_text(session, LESSON, "one\r\ntwo\r\n", 0, author.id, max_bytes=LIMIT)
    session.commit()
    assert revision > 0
    assert _text(session) == "one\ntwo\n"
    state = drafts.state_of(session, LESSON)
    assert (state.revision, state.author) == (revision, "Ana")
    events = session.scalars(select(AuditEvent.action)).all()
    assert events == ["draft.save"]


def test_a_save_over_an_old_revision_is_refused_with_the_other_text(
    session: Session, author: User, make_user: Callable[..., User]
) -> None:
    other = make_user(role=Role.INSTRUCTOR, name="Beto")
    drafts.save_text(session, LESSON, "Beto's text\n", 0, other.id, max_bytes=LIMIT)
    session.commit()
    with pytest.raises(drafts.DraftConflict) as conflict:
        drafts.save_text(session, LESSON, "Ana's text\n", 0, author.id, max_bytes=LIMIT)
    session.rollback()
    assert conflict.value.current.text == "Beto's text\n"
    assert conflict.value.current.author == "Beto"
    assert _text(session) == "Beto's text\n"


def test_of_many_saves_over_the_same_revision_at_once_exactly_one_wins(
    app: Flask, session: Session, author: User
) -> None:
    """The revision check and the write are one statement: no save overwrites another."""
    drafts.draft_files(session)
    session.commit()
    writers = 8
    barrier = threading.Barrier(writers)
    outcomes: list[str] = []

    def save(number: int) -> None:
        with app.app_context():
            mine = get_database(app).sessions()
            try:
                barrier.wait()
                drafts.save_text(mine, LESSON, f"text {number}\n", 0, author.id, max_bytes=LIMIT)
                mine.commit()
                outcomes.append("saved")
            except drafts.DraftConflict:
                mine.rollback()
                outcomes.append("conflict")
            finally:
                mine.close()

    threads = [threading.Thread(target=save, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict"] * (writers - 1) + ["saved"]
    session.expire_all()
    assert _text(session).startswith("text ")


def test_saving_the_same_text_changes_nothing(session: Session, author: User) -> None:
    first = drafts.save_text(session, LESSON, "same\n", 0, author.id, max_bytes=LIMIT)
    again = drafts.save_text(session, LESSON, "same\n", first, author.id, max_bytes=LIMIT)
    assert again == first
    assert session.scalar(select(func.count()).select_from(DraftRevision)) == 1


def test_quick_saves_by_one_author_keep_one_revision_but_others_keep_theirs(
    session: Session, author: User, make_user: Callable[..., User]
) -> None:
    other = make_user(role=Role.INSTRUCTOR)
    revision = 0
    for text in ("a\n", "ab\n", "abc\n"):
        revision = drafts.save_text(session, LESSON, text, revision, author.id, max_bytes=LIMIT)
    revision = drafts.save_text(session, LESSON, "abcd\n", revision, other.id, max_bytes=LIMIT)
    session.commit()
    saved = session.scalars(select(DraftRevision.data).order_by(DraftRevision.id)).all()
    assert [bytes(d) for d in saved] == [b"abc\n", b"abcd\n"]


def test_a_file_over_the_limit_is_refused(session: Session, author: User) -> None:
    with pytest.raises(drafts.FileTooLarge, match="Split the lesson"):
        drafts.save_text(session, LESSON, "x" * 101, 0, author.id, max_bytes=100)


def test_creating_an_existing_file_and_deleting_a_changed_one_are_refused(
    session: Session, author: User
) -> None:
    with pytest.raises(drafts.FileExists):
        drafts.create_file(session, LESSON, b"x", author.id)
    session.rollback()
    drafts.save_text(session, LESSON, "changed\n", 0, author.id, max_bytes=LIMIT)
    with pytest.raises(drafts.DraftConflict):
        drafts.delete_file(session, LESSON, 0, author.id)


def test_a_draft_with_problems_is_not_published(session: Session, author: User) -> None:
    drafts.save_text(session, LESSON, "no front matter\n", 0, author.id, max_bytes=LIMIT)
    session.commit()
    with pytest.raises(ContentInvalid) as invalid:
        publishing.publish_draft(session, "broken", author.id)
    session.rollback()
    assert any(p.path == f"modules/{LESSON}" for p in invalid.value.problems)
    assert session.scalar(select(func.count()).select_from(CourseVersion)) == 1


def test_publishing_the_draft_makes_a_version_with_message_and_author(
    session: Session, author: User
) -> None:
    text = _text(session).replace("Text.", "Text, revised.")
    drafts.save_text(session, LESSON, text, 0, author.id, max_bytes=LIMIT)
    result = publishing.publish_draft(session, "Clearer wording", author.id)
    session.commit()
    version = result.version
    assert (version.number, version.note, version.source) == (2, "Clearer wording", "editor")
    assert version.created_by_id == author.id
    assert version_files(session, version.id)[LESSON].decode() == text
    with pytest.raises(publishing.NothingToPublish):
        publishing.publish_draft(session, "again", author.id)


def test_rollback_publishes_the_old_files_as_a_new_version(session: Session, author: User) -> None:
    original = _text(session)
    drafts.save_text(
        session, LESSON, original.replace("Text.", "New."), 0, author.id, max_bytes=LIMIT
    )
    publishing.publish_draft(session, "v2", author.id)
    result = publishing.rollback(session, 1, "v2 was wrong", author.id)
    session.commit()
    assert result.version.number == 3
    assert result.version.note == "Rollback to version 1: v2 was wrong"
    assert version_files(session, result.version.id)[LESSON].decode() == original
    assert _text(session) == original  # the draft follows what is live
    numbers = session.scalars(select(CourseVersion.number).order_by(CourseVersion.number)).all()
    assert numbers == [1, 2, 3]  # history is kept


def test_an_import_updates_untouched_draft_files_and_keeps_edited_ones(
    session: Session, author: User
) -> None:
    quiz = "01-understanding-migration/quiz.en.md"
    drafts.save_text(
        session, LESSON, _text(session) + "\nMy edit.\n", 0, author.id, max_bytes=LIMIT
    )
    session.commit()
    imported = small_course()
    imported[quiz] = imported[quiz].replace(b"Pick the year.", b"Choose the year.")
    imported[LESSON] = imported[LESSON].replace(b"Text.", b"Imported.")
    publishing.publish_files(
        session, imported, label="modules", note="from git", user_id=None, source="import"
    )
    session.commit()
    assert b"Choose the year." in drafts.get_file(session, quiz).data
    assert _text(session).endswith("My edit.\n")  # the instructor's edit is not lost
