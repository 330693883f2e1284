"""A learner's progress through the course, computed in a fixed number of queries."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.content import Course, Module
from lms.deadlines.services import Due, dues_for_learner
from lms.models import AttemptGrant, LessonCompletion, QuizAttempt


@dataclass(frozen=True)
class ModuleProgress:
    """Lessons done, quiz attempts and best score for one module."""

    module: Module
    lessons_done: frozenset[str]
    attempts_used: int = 0
    best_percent: float | None = None
    extra_attempts: int = 0  # granted by an instructor
    due: Due | None = None  # the learner's due date, if their cohort set one

    @property
    def lessons_total(self) -> int:
        """How many lessons the module has."""
        return len(self.module.lessons)

    @property
    def quiz_passed(self) -> bool:
        """Whether the best attempt reached the pass mark (a module without a quiz passes)."""
        quiz = self.module.quiz
        if quiz is None:
            return True
        return self.best_percent is not None and self.best_percent >= quiz.pass_mark

    @property
    def lessons_completed(self) -> int:
        """How many of the module's current lessons are done (removed lessons do not count)."""
        return sum(1 for lesson in self.module.lessons if lesson.slug in self.lessons_done)

    @property
    def all_lessons_done(self) -> bool:
        """Whether every current lesson is done."""
        return self.lessons_completed == self.lessons_total

    @property
    def complete(self) -> bool:
        """Every lesson done and the quiz passed at its pass mark."""
        return self.all_lessons_done and self.quiz_passed

    @property
    def overdue(self) -> bool:
        """Not complete and past its due date."""
        return self.due is not None and not self.complete and self.due.passed()

    @property
    def closed(self) -> bool:
        """The quiz takes no more attempts: its due date passed and the cohort closes it then."""
        return self.due is not None and self.due.closes and self.due.passed()

    @property
    def attempts_allowed(self) -> int | None:
        """Attempts allowed in all, with those granted (None: unlimited)."""
        quiz = self.module.quiz
        if quiz is None or quiz.max_attempts == 0:
            return None
        return quiz.max_attempts + self.extra_attempts

    @property
    def attempts_left(self) -> int | None:
        """Attempts still allowed (None: unlimited)."""
        allowed = self.attempts_allowed
        return None if allowed is None else max(0, allowed - self.attempts_used)

    @property
    def percent(self) -> int:
        """Share of the module's steps done (each lesson and the quiz count as one step)."""
        steps = self.lessons_total + (1 if self.module.quiz else 0)
        done = self.lessons_completed
        done += 1 if self.module.quiz and self.quiz_passed else 0
        return round(100 * done / steps) if steps else 100


@dataclass(frozen=True)
class CourseProgress:
    """Progress in every module of the course."""

    modules: tuple[ModuleProgress, ...]
    by_slug: dict[str, ModuleProgress] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        """The pre-course is complete when every module is."""
        return bool(self.modules) and all(m.complete for m in self.modules)

    def of(self, slug: str) -> ModuleProgress:
        """Progress in one module."""
        return self.by_slug[slug]


def extra_attempts(session: Session, user_id: int) -> dict[str, int]:
    """Attempts granted to a learner beyond each quiz's limit, by module."""
    rows = session.execute(
        select(AttemptGrant.module_slug, func.sum(AttemptGrant.extra))
        .where(AttemptGrant.user_id == user_id)
        .group_by(AttemptGrant.module_slug)
    )
    return {slug: int(total or 0) for slug, total in rows}


def _lessons_done(session: Session, user_id: int) -> dict[str, set[str]]:
    """The lessons a learner marked done, by module."""
    done: dict[str, set[str]] = {}
    for module_slug, lesson_slug in session.execute(
        select(LessonCompletion.module_slug, LessonCompletion.lesson_slug).where(
            LessonCompletion.user_id == user_id
        )
    ):
        done.setdefault(module_slug, set()).add(lesson_slug)
    return done


def _quiz_results(session: Session, user_id: int) -> dict[str, tuple[int, float | None]]:
    """Attempts used and best percent of a learner, by module."""
    rows = session.execute(
        select(QuizAttempt.module_slug, func.count(), func.max(QuizAttempt.percent))
        .where(QuizAttempt.user_id == user_id)
        .group_by(QuizAttempt.module_slug)
    )
    return {slug: (count, best) for slug, count, best in rows}


def course_progress(session: Session, user_id: int, course: Course) -> CourseProgress:
    """Progress of one learner in every module, in a fixed number of queries."""
    return _progress(
        course,
        _lessons_done(session, user_id),
        _quiz_results(session, user_id),
        extra_attempts(session, user_id),
        dues_for_learner(session, user_id),
    )


def _progress(
    course: Course,
    done: dict[str, set[str]],
    quizzes: dict[str, tuple[int, float | None]],
    extra: dict[str, int],
    dues: dict[str, Due],
) -> CourseProgress:
    """Each module's progress from what the queries found, by module slug."""
    modules = tuple(
        ModuleProgress(
            m,
            frozenset(done.get(m.slug, ())),
            attempts_used=quizzes.get(m.slug, (0, None))[0],
            best_percent=quizzes.get(m.slug, (0, None))[1],
            extra_attempts=extra.get(m.slug, 0),
            due=dues.get(m.slug),
        )
        for m in course.modules
    )
    return CourseProgress(modules, {p.module.slug: p for p in modules})


def lessons_done_in(session: Session, user_id: int, module_slug: str) -> frozenset[str]:
    """The lessons of one module a learner marked done: all a lesson page shows of progress."""
    return frozenset(
        session.scalars(
            select(LessonCompletion.lesson_slug).where(
                LessonCompletion.user_id == user_id, LessonCompletion.module_slug == module_slug
            )
        )
    )


def course_complete(session: Session, user_id: int, course: Course) -> bool:
    """Whether every module is complete, in two queries.

    Completion is lessons done and quizzes passed; due dates and granted attempts, which the
    full progress also reads, do not change it.
    """
    done = _lessons_done(session, user_id)
    return _progress(course, done, _quiz_results(session, user_id), {}, {}).complete
