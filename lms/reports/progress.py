"""A cohort's progress: one row per learner, one cell per module, in a fixed number of queries.

The learner's module status uses the same rule as the learner's own pages (ModuleProgress):
every current lesson done and the quiz passed at its pass mark.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lms.content import Course
from lms.learning.progress import ModuleProgress
from lms.models import Cohort, Enrollment, Invitation, LessonCompletion, QuizAttempt, User

STATUSES = ("not_started", "in_progress", "completed")
# Rows per page of the table: a page of thousands of rows is slow to render and to read.
PAGE_SIZE = 100


@dataclass(frozen=True)
class ModuleCell:
    """One learner in one module."""

    status: str
    lessons_done: int
    best_percent: float | None
    attempts: int
    last_activity: datetime | None


@dataclass(frozen=True)
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


@dataclass(frozen=True)
class ModuleTotal:
    """A module across the rows shown: how many completed it and their mean best score."""

    completed: int
    started: int
    mean_best: float | None


@dataclass(frozen=True)
class Filters:
    """What the coordinator narrowed the table to, and how it is sorted."""

    country: str = ""
    institution: str = ""
    status: str = ""  # a STATUSES value for the whole course: completed = every module
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
    """Every active learner's progress in every module of `course` (four queries)."""
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
    lessons: dict[tuple[int, str], set[str]] = defaultdict(set)
    lesson_times: dict[tuple[int, str], datetime] = {}
    for user_id, module_slug, lesson_slug, done_at in session.execute(
        select(
            LessonCompletion.user_id,
            LessonCompletion.module_slug,
            LessonCompletion.lesson_slug,
            LessonCompletion.completed_at,
        ).where(LessonCompletion.user_id.in_(members))
    ):
        lessons[(user_id, module_slug)].add(lesson_slug)
        key = (user_id, module_slug)
        lesson_times[key] = _latest(lesson_times.get(key), done_at) or done_at
    quizzes = {
        (user_id, slug): (count, best, last)
        for user_id, slug, count, best, last in session.execute(
            select(
                QuizAttempt.user_id,
                QuizAttempt.module_slug,
                func.count(),
                func.max(QuizAttempt.percent),
                func.max(QuizAttempt.submitted_at),
            )
            .where(QuizAttempt.user_id.in_(members))
            .group_by(QuizAttempt.user_id, QuizAttempt.module_slug)
        )
    }
    rows = []
    for user_id, name, email, country, institution in people:
        cells = []
        for module in course.modules:
            key = (user_id, module.slug)
            attempts, best, quiz_time = quizzes.get(key, (0, None, None))
            progress = ModuleProgress(module, frozenset(lessons.get(key, ())), attempts, best)
            if progress.complete:
                status = "completed"
            elif progress.lessons_completed or attempts:
                status = "in_progress"
            else:
                status = "not_started"
            cells.append(
                ModuleCell(
                    status,
                    progress.lessons_completed,
                    best,
                    attempts,
                    _latest(lesson_times.get(key), quiz_time),
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


def _overall(row: LearnerRow) -> str:
    if row.cells and all(cell.status == "completed" for cell in row.cells):
        return "completed"
    if any(cell.status != "not_started" for cell in row.cells):
        return "in_progress"
    return "not_started"


def _filtered(rows: Sequence[LearnerRow], filters: Filters) -> list[LearnerRow]:
    needle = filters.search.strip().casefold()
    return [
        row
        for row in rows
        if (not filters.country or row.country == filters.country)
        and (not filters.institution or row.institution == filters.institution)
        and (not filters.status or _overall(row) == filters.status)
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
            )
        )
    return tuple(totals)


def _completions_by_week(rows: Sequence[LearnerRow]) -> tuple[tuple[date, int], ...]:
    """Modules completed per week (Monday), dated by the learner's last activity in them."""
    weeks: Counter[date] = Counter()
    for row in rows:
        for cell in row.cells:
            if cell.status == "completed" and cell.last_activity is not None:
                day = cell.last_activity.date()
                weeks[date.fromordinal(day.toordinal() - day.weekday())] += 1
    return tuple(sorted(weeks.items()))


def _score_bins(rows: Sequence[LearnerRow]) -> tuple[int, ...]:
    bins = [0] * 10
    for row in rows:
        for cell in row.cells:
            if cell.best_percent is not None:
                bins[min(int(cell.best_percent // 10), 9)] += 1
    return tuple(bins)
