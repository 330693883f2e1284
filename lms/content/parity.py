"""Spanish and English versions must ask the same questions with the same answer keys."""

from __future__ import annotations

from lms.content.model import LANGUAGES, Module
from lms.content.problems import Problem
from lms.content.questions import Question


def _compare(
    reference: tuple[Question, ...],
    other: tuple[Question, ...],
    other_path: str,
    reference_path: str,
    problems: list[Problem],
) -> None:
    ref_ids = [q.id for q in reference]
    other_ids = [q.id for q in other]
    if ref_ids != other_ids:
        problems.append(
            Problem(
                other_path,
                1,
                f"questions differ from {reference_path}: "
                f"{', '.join(other_ids) or 'none'} here, "
                f"{', '.join(ref_ids) or 'none'} there (same ids, same order)",
            )
        )
        return
    for mine, theirs in zip(other, reference, strict=True):
        for aspect, a, b in (
            ("type", mine.type_name, theirs.type_name),
            ("points", mine.points, theirs.points),
            ("answer key", mine.answer_key(), theirs.answer_key()),
        ):
            if a != b:
                problems.append(
                    Problem(
                        other_path,
                        mine.line,
                        f"question {mine.id}: {aspect} differs from {reference_path}:{theirs.line}",
                    )
                )
                break


def check_parity(module: Module, problems: list[Problem]) -> None:
    """Report questions whose ids, types, points or answer keys differ between languages."""
    first, *others = LANGUAGES
    for lesson in module.lessons:
        if first not in lesson.texts:
            continue
        ref = lesson.texts[first]
        for lang in others:
            if lang in lesson.texts:
                text = lesson.texts[lang]
                _compare(ref.checks, text.checks, text.path, ref.path, problems)
    if module.quiz and first in module.quiz.texts:
        ref_quiz = module.quiz.texts[first]
        for lang in others:
            if lang in module.quiz.texts:
                quiz = module.quiz.texts[lang]
                _compare(ref_quiz.questions, quiz.questions, quiz.path, ref_quiz.path, problems)
