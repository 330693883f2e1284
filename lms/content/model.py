"""The course as frozen objects: built once per course version, shared by every request."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TypeVar

from lms.content.media import MediaType
from lms.content.questions import Question
from lms.content.review import DEFAULT_REVIEW, ReviewOptions

LANGUAGES = ("es", "en")
DEFAULT_LANGUAGE = "es"
T = TypeVar("T")


def pick(texts: Mapping[str, T], lang: str) -> T:
    """The text in `lang`, else in the default language, else any."""
    if lang in texts:
        return texts[lang]
    if DEFAULT_LANGUAGE in texts:
        return texts[DEFAULT_LANGUAGE]
    return next(iter(texts.values()))


@dataclass(frozen=True)
class HtmlPart:
    """Rendered lesson prose between two knowledge checks."""

    html: str


@dataclass(frozen=True)
class CheckPart:
    """An ungraded knowledge check placed in the lesson's flow."""

    question: Question


Part = HtmlPart | CheckPart


@dataclass(frozen=True)
class LessonText:
    """One language version of a lesson."""

    lang: str
    path: str
    title: str
    estimated_minutes: int | None
    parts: tuple[Part, ...]
    words: int
    has_references: bool

    @property
    def checks(self) -> tuple[Question, ...]:
        """The knowledge checks of this lesson, in order."""
        return tuple(p.question for p in self.parts if isinstance(p, CheckPart))


@dataclass(frozen=True)
class Lesson:
    """A lesson with its text in every language."""

    slug: str
    number: int
    texts: Mapping[str, LessonText]

    def text(self, lang: str) -> LessonText:
        """The lesson in `lang` (or the default language)."""
        return pick(self.texts, lang)


@dataclass(frozen=True)
class ModuleText:
    """One language version of a module's front page."""

    lang: str
    path: str
    title: str
    summary: str
    objectives: tuple[str, ...]
    estimated_minutes: int
    intro_html: str


@dataclass(frozen=True)
class QuizText:
    """One language version of a module quiz."""

    lang: str
    path: str
    title: str
    intro_html: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Quiz:
    """The graded quiz of a module."""

    pass_mark: int
    max_attempts: int  # 0: unlimited
    texts: Mapping[str, QuizText]
    review: ReviewOptions = DEFAULT_REVIEW  # what the review of an attempt shows, and when

    def text(self, lang: str) -> QuizText:
        """The quiz in `lang` (or the default language)."""
        return pick(self.texts, lang)

    @property
    def total_points(self) -> float:
        """Points available in the quiz (the same in every language)."""
        return sum(q.points for q in pick(self.texts, DEFAULT_LANGUAGE).questions)


@dataclass(frozen=True)
class Module:
    """A module: front page, lessons in order and its quiz."""

    slug: str
    number: int
    folder: str
    texts: Mapping[str, ModuleText]
    lessons: tuple[Lesson, ...]
    quiz: Quiz | None
    # Its media files ("media/map.png") -> the type each is served as, found by the checks
    # that built the module: a refused file is not here (and fails the build).
    media: Mapping[str, MediaType] = field(default_factory=lambda: MappingProxyType({}))

    def text(self, lang: str) -> ModuleText:
        """The module front page in `lang` (or the default language)."""
        return pick(self.texts, lang)

    def lesson(self, slug: str) -> Lesson | None:
        """The lesson with this slug, if the module has it."""
        return next((lesson for lesson in self.lessons if lesson.slug == slug), None)


@dataclass(frozen=True)
class Course:
    """The whole pre-course: its modules in order."""

    modules: tuple[Module, ...]
    _by_slug: Mapping[str, Module] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, modules: tuple[Module, ...]) -> Course:
        """A course with its lookup table."""
        return cls(modules, MappingProxyType({m.slug: m for m in modules}))

    def module(self, slug: str) -> Module | None:
        """The module with this slug, if any."""
        return self._by_slug.get(slug)
