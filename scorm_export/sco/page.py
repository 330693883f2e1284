"""The SCO's launch page: the module's introduction, lessons and quiz in one HTML document."""

from __future__ import annotations

import json
from collections.abc import Set
from dataclasses import dataclass
from functools import cache
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from lms.content import Module
from lms.content.model import LessonText, QuizText
from lms.content.questions import Question
from lms.content.questions.interaction import FORMATS, decimal_text, plain_text
from lms.content.render import finish
from lms.content.review import ReviewOptions
from scorm_export.sco.anchors import INTRO_PAGE, QUIZ_PAGE, lesson_page, rewrite
from scorm_export.sco.labels import LABELS, RUNTIME_LABELS

DESCRIPTION_LIMIT = 250  # characters of a SCORM 2004 interaction description


@dataclass(frozen=True)
class LessonPage:
    """A lesson in the content language, with the id of its page."""

    page: str
    text: LessonText


@dataclass(frozen=True)
class QuizPage:
    """The quiz in the content language, with its rules."""

    page: str
    text: QuizText
    pass_mark: int
    max_attempts: int
    review: ReviewOptions

    @property
    def never(self) -> frozenset[str]:
        """The parts of the review this quiz never shows: they are left out of the page."""
        return frozenset(
            item for item, moment in self.review.as_dict().items() if moment == "never"
        )


@cache
def _environment() -> Environment:
    return Environment(
        loader=PackageLoader("scorm_export.sco", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
    )


def _number(value: float) -> str:
    """A number as people write it: 2, 1.5 (no trailing zeros)."""
    return f"{value:.10g}"


def _interval_text(intervals: tuple[tuple[float, float], ...], lang: str) -> str:
    between = LABELS[lang]["between"]
    parts = [
        _number(low) if low == high else between.format(low=_number(low), high=_number(high))
        for low, high in intervals
    ]
    text = " / ".join(parts)
    return text.replace(".", ",") if lang == "es" else text


def _quiz_entry(question: Question, version: str, lang: str) -> dict[str, Any]:
    """What sco.js needs to grade and report one quiz question."""
    fmt = FORMATS[version]
    interaction: dict[str, Any] = {
        "type": question.interaction_type,
        "patterns": list(question.interaction_patterns(fmt)),
        "weighting": decimal_text(question.points),
    }
    if version == "2004":
        stem = plain_text(question.stem_html, DESCRIPTION_LIMIT)
        interaction["description"] = f"{{lang={lang}}}{stem}"
    return {**question.client_data(), "interaction": interaction}


def _data(lessons: list[LessonPage], quiz: QuizPage | None, version: str, lang: str) -> Markup:
    """The JSON the runtime reads, safe inside a <script> element."""
    pages = [INTRO_PAGE, *(lesson.page for lesson in lessons)] + ([QUIZ_PAGE] if quiz else [])
    data = {
        "version": version,
        "lang": lang,
        "pages": pages,
        "lessons": len(lessons),
        "passMark": quiz.pass_mark if quiz else None,
        "maxAttempts": quiz.max_attempts if quiz else None,
        "review": quiz.review.as_dict() if quiz else None,
        "quiz": [_quiz_entry(q, version, lang) for q in quiz.text.questions] if quiz else [],
        "checks": [q.client_data() for lesson in lessons for q in lesson.text.checks],
        "labels": {
            **RUNTIME_LABELS[lang],
            "previous": LABELS[lang]["previous"],
            "next": LABELS[lang]["next"],
        },
    }
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    # `<` escaped: no `</script>` or `<!--` can end the element early.
    escaped = text.replace("<", "\\u003c")
    return Markup(escaped)  # nosec B704  # JSON with every `<` escaped


def render_page(module: Module, version: str, lang: str, runtime: str = "") -> str:
    """The launch page of a module's SCO; `runtime` is the folder of the runtime files relative to
    the page ("" for beside it, "../runtime/" for a runtime shared by several SCOs)."""
    lessons = [LessonPage(lesson_page(one.slug), one.texts[lang]) for one in module.lessons]
    quiz = None
    if module.quiz:
        rules = module.quiz
        quiz = QuizPage(
            QUIZ_PAGE, rules.texts[lang], rules.pass_mark, rules.max_attempts, rules.review
        )
    slugs: Set[str] = frozenset(lesson.slug for lesson in module.lessons)

    def html(markup: str, page: str) -> Markup:
        # Content HTML is sanitised by lms.content's renderer; ids and links are made local here,
        # and the result goes through the renderer's final pass like every content HTML.
        local = finish(rewrite(markup, page, slugs))
        return Markup(local)  # nosec B704  # sanitised HTML with local ids and links

    return _environment().get_template("index.html").render(
        lang=lang,
        module=module,
        module_text=module.texts[lang],
        lessons=lessons,
        quiz=quiz,
        intro=INTRO_PAGE,
        runtime=runtime,
        t=LABELS[lang],
        labels=RUNTIME_LABELS[lang],
        html=html,
        number=_number,
        intervals=lambda intervals: _interval_text(intervals, lang),
        data=_data(lessons, quiz, version, lang),
    )
