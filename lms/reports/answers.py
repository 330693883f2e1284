"""Quiz answers as people read them, for the responses export and the item analysis."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.content import Course, Module
from lms.content.questions import Question
from lms.courses.cache import course_cache
from lms.models import Cohort, Enrollment, QuizAttempt, User
from lms.reports.item_analysis import AttemptRecord, ItemSpec

_TAG = re.compile(r"<[^>]+>")
BATCH = 500  # attempts fetched per round trip while streaming an export


def plain(html: str) -> str:
    """Rendered Markdown as one line of text."""
    return " ".join(unescape(_TAG.sub(" ", html)).split())


def answer_label(question: Question, response: Any) -> str | None:
    """What a learner answered, as text (None: no answer)."""
    if response is None or response == [] or response == "":
        return None
    kind = question.type_name
    options = getattr(question, "options", ())
    try:
        if kind == "single":
            return plain(options[int(response)].html)
        if kind == "multiple":
            return " | ".join(plain(options[int(i)].html) for i in response)
        if kind == "truefalse":
            return "true" if response is True else "false"
        if kind == "matching":
            lefts, rights = question.lefts_html, question.rights_html  # type: ignore[attr-defined]
            return " | ".join(
                f"{plain(lefts[i])} → {plain(rights[int(r)]) if r is not None else '—'}"
                for i, r in enumerate(response)
            )
        if kind == "order":
            items = question.items_html  # type: ignore[attr-defined]
            return " | ".join(f"{plain(items[i])} = {p}" for i, p in enumerate(response))
    except (IndexError, TypeError, ValueError):
        return str(response)
    return str(response)


def _questions(course: Course, slug: str, lang: str) -> dict[str, Question]:
    module = course.module(slug)
    if module is None or module.quiz is None:
        return {}
    return {q.id: q for q in module.quiz.text(lang).questions}


def _attempts(session: Session, cohort: Cohort) -> Any:
    members = select(Enrollment.user_id).where(
        Enrollment.cohort_id == cohort.id, Enrollment.active.is_(True)
    )
    return session.execute(
        select(QuizAttempt, User.name, User.email)
        .join(User, User.id == QuizAttempt.user_id)
        .where(QuizAttempt.user_id.in_(members))
        .order_by(User.name, QuizAttempt.module_slug, QuizAttempt.number)
        .execution_options(yield_per=BATCH)
    )


def response_rows(session: Session, cohort: Cohort) -> Iterator[list[object]]:
    """One row per answer of every attempt of the cohort's active learners, streamed."""
    for attempt, name, email in _attempts(session, cohort):
        course = course_cache().get(session, attempt.version_id)
        questions = _questions(course, attempt.module_slug, attempt.lang)
        for question_id, question in questions.items():
            score = (attempt.scores or {}).get(question_id)
            yield [
                name,
                email,
                attempt.module_slug,
                attempt.number,
                attempt.submitted_at,
                attempt.lang,
                f"{question_id}: {plain(question.stem_html)}",
                answer_label(question, (attempt.responses or {}).get(question_id)),
                score,
                question.points,
            ]
        session.expunge(attempt)  # keeps the session's memory flat however many rows


def _hashable(response: Any) -> Any:
    """A response as a dictionary key (lists, as matching and ordering answers are, to tuples)."""
    if isinstance(response, list):
        return tuple(_hashable(item) for item in response)
    return response


def analysis_input(
    session: Session, cohort: Cohort, module: Module, *, first_only: bool = True
) -> tuple[list[ItemSpec], list[AttemptRecord]]:
    """The live quiz's questions and the cohort's attempts at them, for item analysis.

    First attempts are attempt number 1 (numbers start at 1 for each learner and quiz), so
    they are chosen by the database instead of read and dropped.
    """
    assert module.quiz is not None
    questions = module.quiz.text("es").questions
    specs = [ItemSpec(q.id, q.points) for q in questions]
    known = {q.id for q in questions}
    records = []
    members = select(Enrollment.user_id).where(
        Enrollment.cohort_id == cohort.id, Enrollment.active.is_(True)
    )
    rows = session.execute(
        select(
            QuizAttempt.user_id,
            QuizAttempt.number,
            QuizAttempt.lang,
            QuizAttempt.version_id,
            QuizAttempt.scores,
            QuizAttempt.responses,
        ).where(
            QuizAttempt.module_slug == module.slug,
            QuizAttempt.user_id.in_(members),
            *([QuizAttempt.number == 1] if first_only else []),
        )
    )
    # A cohort gives few distinct answers to each question: label each one once.
    named: dict[tuple[int, str, str, Any], str | None] = {}
    asked_in: dict[tuple[int, str], list[tuple[str, Question]]] = {}
    for user_id, number, lang, version_id, scores, responses in rows:
        asked = asked_in.get((version_id, lang))
        if asked is None:
            course = course_cache().get(session, version_id)
            asked = asked_in[(version_id, lang)] = [
                (qid, q) for qid, q in _questions(course, module.slug, lang).items() if qid in known
            ]
        responses = responses or {}
        scores = scores or {}
        labels: dict[str, str] = {}
        for qid, question in asked:
            response = responses.get(qid)
            key = (version_id, lang, qid, _hashable(response))
            if key in named:
                label = named[key]
            else:
                label = named[key] = answer_label(question, response)
            if label is not None:
                labels[qid] = label
        marks = {qid: float(scores.get(qid, 0.0)) for qid, _ in asked}
        records.append(AttemptRecord(user_id, number, marks, labels, lang))
    return specs, records
