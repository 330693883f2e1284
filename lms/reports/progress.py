"""A cohort's progress: one row per learner, one cell per module, in a fixed number of queries.

The learner's module status uses the same rule as the learner's own pages (ModuleProgress):
every current lesson done and the quiz passed at its pass mark.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, null, select, tuple_
from sqlalchemy.orm import Session

from lms.content import Course
from lms.deadlines.services import cohort_deadlines, effective_due, latest_extensions
from lms.learning.progress import ModuleProgress
from lms.models import Cohort, Enrollment, Invitation, LessonCompletion, QuizAttempt, User
from lms.models.types import utcnow

STATUSES = ("not_started", "in_progress", "completed", "overdue")
# Rows per page of the table: a page of thousands of rows is slow to render and to read.
PAGE_SIZE = 100
# One cohort report at a time in a process. Two at once take about as long as one after the
# other (the interpreter lock runs one thread's Python at a time) but hold twice the peak, and a
# worker keeps its peaks: 2,000 learners leave about 7 MiB behind, 4 threads at once 32 MiB.
_ONE_REPORT_AT_A_TIME = threading.Lock()


@dataclass(frozen=True, slots=True)
class ModuleCell:
    """One learner in one module."""

    status: str
    lessons_done: int
    best_percent: float | None
    attempts: int
    last_activity: datetime | None
    completed_at: datetime | None = None  # when the last step that completed it was taken
    overdue: bool = False  # not completed and past the learner's due date


@dataclass(frozen=True, slots=True)
class LearnerRow:
    """One learner of the cohort with a cell per module."""

    user_id: int
    name: str
    email: str
    country: str
    institution: str
    cells: tuple[ModuleCell, ...]
    last_activity: datetime | None

    @property
    def modules_completed(self) -> int:
        """How many modules this learner has completed."""
        return sum(1 for cell in self.cells if cell.status == "completed")


@dataclass(frozen=True, slots=True)
class ModuleTotal:
    """A module across the rows shown: how many completed it and their mean best score."""

    completed: int
    started: int
    mean_best: float | None
    overdue: int = 0


@dataclass(frozen=True)
class Filters:
    """What the coordinator narrowed the table to, and how it is sorted."""

    country: str = ""
    institution: str = ""
    # A STATUSES value for the whole course: completed = every module, overdue = any module.
    status: str = ""
    search: str = ""
    sort: str = "name"  # name, country, institution, progress, activity
    descending: bool = False
    page: int = 1  # 0: every row (exports)


@dataclass(frozen=True)
class CohortProgress:
    """The table, its totals and what the filters can choose from."""

    rows: tuple[LearnerRow, ...]  # the page asked for
    matching: int  # rows that pass the filters, on every page
    totals: tuple[ModuleTotal, ...]
    countries: tuple[str, ...]
    institutions: tuple[str, ...]
    completions_by_week: tuple[tuple[date, int], ...] = field(default=())
    score_bins: tuple[int, ...] = field(default=())  # best quiz scores, 0-9 %, 10-19 % ... 90-100 %


def _latest(*moments: datetime | None) -> datetime | None:
    known = [moment for moment in moments if moment is not None]
    return max(known) if known else None


def cohort_progress(
    session: Session, cohort: Cohort, course: Course, filters: Filters = Filters()
) -> CohortProgress:
    """Every active learner's progress in every module of `course` (six queries)."""
    with _ONE_REPORT_AT_A_TIME:
        return _cohort_progress(session, cohort, course, filters)


def _cohort_progress(
    session: Session, cohort: Cohort, course: Course, filters: Filters
) -> CohortProgress:
    people = session.execute(
        select(User.id, User.name, User.email, Invitation.country, Invitation.institution)
        .join(Enrollment, Enrollment.user_id == User.id)
        .outerjoin(
            Invitation,
            (Invitation.accepted_by_id == User.id) & (Invitation.cohort_id == cohort.id),
        )
        .where(Enrollment.cohort_id == cohort.id, Enrollment.active.is_(True))
    ).all()
    members = select(Enrollment.user_id).where(
        Enrollment.cohort_id == cohort.id, Enrollment.active.is_(True)
    )
    # Counted in the database, one row per learner and module rather than per lesson done (a
    # cohort of 2,000 has some 50,000): (current lessons done, when the latest of all was done).
    lessons: dict[tuple[int, str], tuple[int, datetime]] = {
        (user_id, module_slug): (current_done, done_at)
        for user_id, module_slug, current_done, done_at in session.execute(
            select(
                LessonCompletion.user_id,
                LessonCompletion.module_slug,
                func.count(_current_lesson(course)),
                func.max(LessonCompletion.completed_at),
            )
            .where(LessonCompletion.user_id.in_(members))
            .group_by(LessonCompletion.user_id, LessonCompletion.module_slug)
        )
    }
    quizzes = {
        (user_id, slug): (count, best, last, first_pass)
        for user_id, slug, count, best, last, first_pass in session.execute(
            select(
                QuizAttempt.user_id,
                QuizAttempt.module_slug,
                func.count(),
                func.max(QuizAttempt.percent),
                func.max(QuizAttempt.submitted_at),
                func.min(_passing_time(course)),
            )
            .where(QuizAttempt.user_id.in_(members))
            .group_by(QuizAttempt.user_id, QuizAttempt.module_slug)
        )
    }
    deadlines = cohort_deadlines(session, cohort)
    extended = latest_extensions(session, cohort_id=cohort.id)
    now = utcnow()
    # The first n current lessons stand for the n done (the rule only counts them): one set per
    # module and count, shared by every learner, instead of one per learner and module.
    firsts = {
        module.slug: [
            frozenset(lesson.slug for lesson in module.lessons[:n])
            for n in range(len(module.lessons) + 1)
        ]
        for module in course.modules
    }
    rows = []
    for user_id, name, email, country, institution in people:
        cells = []
        for module in course.modules:
            key = (user_id, module.slug)
            attempts, best, quiz_time, passed_at = quizzes.get(key, (0, None, None, None))
            lessons_done, lesson_time = lessons.get(key, (0, None))
            done = firsts[module.slug][min(lessons_done, len(module.lessons))]
            progress = ModuleProgress(module, done, attempts, best)
            deadline = deadlines.get(module.slug)
            overdue = False
            if progress.complete:
                status = "completed"
            else:
                status = "in_progress" if progress.lessons_completed or attempts else "not_started"
                if deadline is not None:
                    moved = extended.get((user_id, cohort.id, module.slug))
                    overdue = now > effective_due(deadline.due_at, moved)
            cells.append(
                ModuleCell(
                    status,
                    progress.lessons_completed,
                    best,
                    attempts,
                    _latest(lesson_time, quiz_time),
                    _latest(lesson_time, passed_at) if progress.complete else None,
                    overdue,
                )
            )
        rows.append(
            LearnerRow(
                user_id,
                name,
                email,
                country or "",
                institution or "",
                tuple(cells),
                _latest(*(cell.last_activity for cell in cells)),
            )
        )
    everyone = tuple(rows)
    shown = _sorted(_filtered(everyone, filters), filters)
    page = shown
    if filters.page > 0:
        start = (filters.page - 1) * PAGE_SIZE
        page = shown[start : start + PAGE_SIZE]
    return CohortProgress(
        page,
        len(shown),
        _totals(shown, len(course.modules)),
        tuple(sorted({r.country for r in everyone if r.country})),
        tuple(sorted({r.institution for r in everyone if r.institution})),
        _completions_by_week(shown),
        _score_bins(shown),
    )


def _current_lesson(course: Course) -> ColumnElement[Any]:
    """1 for a completion of a lesson the course still has, NULL for a removed one."""
    current = [(m.slug, lesson.slug) for m in course.modules for lesson in m.lessons]
    if not current:
        return null()
    pair = tuple_(LessonCompletion.module_slug, LessonCompletion.lesson_slug)
    return case((pair.in_(current), 1), else_=null())


def _passing_time(course: Course) -> ColumnElement[Any]:
    """When an attempt reached its module's current pass mark (NULL when it did not).

    The minimum over a learner's attempts is the moment the quiz step was first done, which
    with the last lesson dates the module's completion.
    """
    passing = [
        (
            and_(QuizAttempt.module_slug == m.slug, QuizAttempt.percent >= m.quiz.pass_mark),
            QuizAttempt.submitted_at,
        )
        for m in course.modules
        if m.quiz is not None
    ]
    return case(*passing, else_=null()) if passing else null()


def _overall(row: LearnerRow) -> str:
    if row.cells and all(cell.status == "completed" for cell in row.cells):
        return "completed"
    if any(cell.status != "not_started" for cell in row.cells):
        return "in_progress"
    return "not_started"


def _matches_status(row: LearnerRow, status: str) -> bool:
    if status == "overdue":
        return any(cell.overdue for cell in row.cells)
    return _overall(row) == status


def _filtered(rows: Sequence[LearnerRow], filters: Filters) -> list[LearnerRow]:
    needle = filters.search.strip().casefold()
    return [
        row
        for row in rows
        if (not filters.country or row.country == filters.country)
        and (not filters.institution or row.institution == filters.institution)
        and (not filters.status or _matches_status(row, filters.status))
        and (not needle or needle in row.name.casefold() or needle in row.email.casefold())
    ]


def _sorted(rows: list[LearnerRow], filters: Filters) -> tuple[LearnerRow, ...]:
    keys = {
        "country": lambda r: (r.country, r.name.casefold()),
        "institution": lambda r: (r.institution.casefold(), r.name.casefold()),
        "progress": lambda r: (r.modules_completed, sum(c.lessons_done for c in r.cells)),
        "activity": lambda r: (r.last_activity is not None, r.last_activity or datetime.min),
    }
    key = keys.get(filters.sort, lambda r: (r.name.casefold(), r.email))
    return tuple(sorted(rows, key=key, reverse=filters.descending))


def _totals(rows: Sequence[LearnerRow], modules: int) -> tuple[ModuleTotal, ...]:
    totals = []
    for index in range(modules):
        cells = [row.cells[index] for row in rows]
        bests = [cell.best_percent for cell in cells if cell.best_percent is not None]
        totals.append(
            ModuleTotal(
                sum(1 for cell in cells if cell.status == "completed"),
                sum(1 for cell in cells if cell.status != "not_started"),
                sum(bests) / len(bests) if bests else None,
                sum(1 for cell in cells if cell.overdue),
            )
        )
    return tuple(totals)


def _completions_by_week(rows: Sequence[LearnerRow]) -> tuple[tuple[date, int], ...]:
    """Modules completed per week (Monday), dated by the step that completed each."""
    weeks: Counter[date] = Counter()
    for row in rows:
        for cell in row.cells:
            if cell.completed_at is not None:
                day = cell.completed_at.date()
                weeks[date.fromordinal(day.toordinal() - day.weekday())] += 1
    return tuple(sorted(weeks.items()))


def _score_bins(rows: Sequence[LearnerRow]) -> tuple[int, ...]:
    bins = [0] * 10
    for row in rows:
        for cell in row.cells:
            if cell.best_percent is not None:
                bins[min(int(cell.best_percent // 10), 9)] += 1
    return tuple(bins)
