"""New modules and lessons check clean; reorders keep slugs and links; deletes count learners."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy.orm import Session

from lms.authoring import drafts, publishing, structure
from lms.content import build_course
from lms.learning import services as learning
from lms.models import User

FOLDER = "01-understanding-migration"


def _problems(session: Session) -> list[str]:
    return [str(p) for p in build_course(drafts.draft_files(session))[1]]


def test_a_new_module_checks_clean_and_publishes(session: Session, author: User) -> None:
    folder = structure.create_module(
        session,
        "regional-integration",
        {"es": "Integración: regional", "en": "Integration"},
        author.id,
    )
    assert folder == "02-regional-integration"
    assert _problems(session) == []
    result = publishing.publish_draft(session, "new module", author.id)
    module = result.course.module("regional-integration")
    assert module is not None
    assert module.text("es").title == "Integración: regional"
    assert [lesson.slug for lesson in module.lessons] == ["introduction"]


@pytest.mark.parametrize(
    ("slug", "titles", "message"),
    [
        ("Bad Slug", {"es": "a", "en": "b"}, "permanent name"),
        ("ok", {"es": "a", "en": " "}, "missing: en"),
        ("understanding-migration", {"es": "a", "en": "b"}, "exists already"),
    ],
)
def test_a_module_needs_a_valid_unused_slug_and_both_titles(
    session: Session, author: User, slug: str, titles: dict[str, str], message: str
) -> None:
    with pytest.raises(structure.StructureError, match=message):
        structure.create_module(session, slug, titles, author.id)


def test_lessons_are_added_at_the_end_and_check_clean(session: Session, author: User) -> None:
    lesson = structure.create_lesson(
        session, FOLDER, "global-numbers", {"es": "Cifras", "en": "Numbers"}, author.id
    )
    assert lesson.paths == {
        "es": f"{FOLDER}/02-global-numbers.es.md",
        "en": f"{FOLDER}/02-global-numbers.en.md",
    }
    assert _problems(session) == []
    with pytest.raises(structure.StructureError, match="already has"):
        structure.create_lesson(
            session, FOLDER, "global-numbers", {"es": "x", "en": "y"}, author.id
        )


def test_moving_a_lesson_renumbers_files_and_follows_links(session: Session, author: User) -> None:
    structure.create_lesson(
        session, FOLDER, "numbers", {"es": "Cifras", "en": "Numbers"}, author.id
    )
    numbers = f"{FOLDER}/02-numbers.en.md"
    text = bytes(drafts.get_file(session, numbers).data).decode()
    drafts.save_text(
        session,
        numbers,
        text + "\nSee [concepts](01-key-concepts.en.md#top).\n",
        drafts.get_file(session, numbers).revision,
        author.id,
        max_bytes=10**6,
    )
    structure.move_lesson(session, FOLDER, "numbers", -1, author.id)
    files = drafts.draft_files(session)
    assert f"{FOLDER}/01-numbers.en.md" in files
    assert f"{FOLDER}/02-key-concepts.es.md" in files
    assert numbers not in files
    assert b"](02-key-concepts.en.md#top)" in files[f"{FOLDER}/01-numbers.en.md"]
    assert _problems(session) == []


def test_renaming_a_lesson_changes_titles_and_keeps_its_slug(
    session: Session, author: User
) -> None:
    structure.retitle_lesson(
        session, FOLDER, "key-concepts", {"es": "Conceptos: básicos", "en": "Basics"}, author.id
    )
    course = build_course(drafts.draft_files(session))[0]
    module = course.module("understanding-migration")
    assert module is not None
    lesson = module.lesson("key-concepts")
    assert lesson is not None
    assert (lesson.text("es").title, lesson.text("en").title) == ("Conceptos: básicos", "Basics")


def test_deleting_a_lesson_says_how_many_completed_it(
    session: Session, author: User, make_user: Callable[..., User], course_version: int
) -> None:
    learner = make_user()
    learning.complete_lesson(
        session, learner.id, "understanding-migration", "key-concepts", course_version
    )
    session.commit()
    assert structure.completions(session, "understanding-migration", "key-concepts") == 1
    structure.create_lesson(
        session, FOLDER, "numbers", {"es": "Cifras", "en": "Numbers"}, author.id
    )
    structure.delete_lesson(session, FOLDER, "key-concepts", author.id)
    assert not any("key-concepts" in path for path in drafts.draft_files(session))
