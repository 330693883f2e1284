"""The six shipped modules meet the course standard in both languages."""

from __future__ import annotations

import pytest

from lms.content import LANGUAGES, Module
from lms.content.questions.choice import MultipleChoice, SingleChoice
from tests.shipped import COURSE, PROBLEMS


def test_modules_check_clean() -> None:
    assert PROBLEMS == []
    assert [m.number for m in COURSE.modules] == [1, 2, 3, 4, 5, 6]


@pytest.fixture(params=COURSE.modules, ids=lambda m: m.folder)
def module(request: pytest.FixtureRequest) -> Module:
    return request.param  # type: ignore[no-any-return]


def test_module_has_four_or_five_lessons_with_objectives(module: Module) -> None:
    assert 4 <= len(module.lessons) <= 5
    for lang in LANGUAGES:
        assert module.texts[lang].objectives and module.texts[lang].estimated_minutes > 0


def test_every_lesson_is_substantial_checked_and_referenced(module: Module) -> None:
    for lesson in module.lessons:
        for lang in LANGUAGES:
            text = lesson.texts[lang]
            assert 800 <= text.words <= 1500, f"{text.path}: {text.words} words"
            assert text.checks, f"{text.path}: no knowledge check"
            assert text.has_references, f"{text.path}: no references section"


def test_quiz_is_varied_explained_and_teaches_on_wrong_answers(module: Module) -> None:
    quiz = module.quiz
    assert quiz is not None and quiz.pass_mark == 70
    for lang in LANGUAGES:
        questions = quiz.texts[lang].questions
        assert len(questions) >= 12
        assert len({q.type_name for q in questions}) >= 5
        for q in questions:
            assert q.explanation_html, f"{quiz.texts[lang].path}: {q.id} has no explanation"
            if isinstance(q, SingleChoice | MultipleChoice):
                for option in q.options:
                    assert option.correct or option.feedback_html, f"{q.id}: silent wrong option"
