"""Builds the frozen course from its files, collecting every problem on the way."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import TypeVar

from lms.content.blocks import placeholder, split_blocks
from lms.content.files import MODULE_FOLDER, FileName, classify
from lms.content.frontmatter import Document, optional_int, require_text, split_front_matter
from lms.content.limits import MarkdownTooComplex, line_of, nesting_excesses, size_excess
from lms.content.links import check_links
from lms.content.media import MediaType, media_problem, media_type
from lms.content.memo import FILE_MEMO, FileKey, FileMemo, digest, question_types
from lms.content.model import (
    LANGUAGES,
    CheckPart,
    Course,
    HtmlPart,
    Lesson,
    LessonText,
    Module,
    ModuleText,
    Part,
    Quiz,
    QuizText,
)
from lms.content.parity import check_parity
from lms.content.problems import ContentInvalid, Problem, ProblemLog
from lms.content.questions import Question, build_question
from lms.content.questions.base import BuildContext
from lms.content.render import LMS_LINKS, LinkStyle, finish, render_markdown
from lms.content.review import ReviewOptions, describe_difference, field_line, read_review

_WORD = re.compile(r"\w+(?:[-'’.,]\w+)*")
# An address holds parentheses only in pairs (`wiki/Foo_(bar)`) and ends at the first one
# unpaired, so that each `](` reads up to the next: read on to the next `)`, 32,000 `[](` took 2 s.
_ADDRESS = re.compile(r"\]\((?:[^()]|\([^()]*\))*\)|<?https?://\S+")
_REFERENCES = re.compile(
    r"^##\s+(References|Referencias|Bibliography|Bibliografía)\s*$", re.MULTILINE
)
LANGUAGE_NAMES = {"es": "Spanish", "en": "English"}
T = TypeVar("T")
FileText = ModuleText | LessonText | QuizText  # what one module, lesson or quiz file builds into


@dataclass(frozen=True)
class _QuizFile:
    """One quiz file as parsed: its text and the settings that must agree between languages."""

    text: QuizText
    pass_mark: int
    max_attempts: int
    review: ReviewOptions
    review_line: int


def count_words(markdown_text: str) -> int:
    """Words a reader reads: addresses and link targets do not count, "10.c.1" is one word."""
    return len(_WORD.findall(_ADDRESS.sub("] ", markdown_text)))


class _ModuleBuilder:
    """Builds one module folder; problems go to the shared list, parsed files come from the memo."""

    def __init__(
        self,
        folder: str,
        files: Mapping[str, bytes],
        label: str,
        problems: list[Problem],
        style: LinkStyle,
        memo: FileMemo,
    ) -> None:
        self.folder, self.files, self.label = folder, files, label
        self.problems, self.style, self.memo = problems, style, memo
        self.names = frozenset(files)
        self.types = question_types()
        self.texts: dict[str, FileText] = {}
        self.built_quiz: Quiz | None = None

    def log(self, name: str) -> ProblemLog:
        path = f"{self.label}/{self.folder}" + (f"/{name}" if name else "")
        return ProblemLog(path, self.problems)

    def memoised(self, name: str, parse: Callable[[ProblemLog], T]) -> T | None:
        """Parse file `name` (with the problems found on the way) once per content and context."""
        data = self.files[name]
        key = FileKey(
            self.label,
            self.folder,
            name,
            digest(data),
            len(data),
            self.names,
            self.style,
            self.types,
        )
        path = f"{self.label}/{self.folder}/{name}"

        def guarded(found: list[Problem]) -> T | None:
            log = ProblemLog(path, found)
            try:
                return parse(log)
            except MarkdownTooComplex as error:  # a limit only rendering shows
                # Rendering knows no lines of the file, only a piece of text near the limit.
                text = data.decode("utf-8", errors="replace")
                log.add(error.line or line_of(error.near, text) or 1, str(error))
                return None

        return self.memo.parsed(key, guarded, self.problems)

    def document(self, name: str, log: ProblemLog) -> Document | None:
        """The file split into front matter and body; None if it cannot be (problems logged)."""
        data = self.files[name]
        too_long = size_excess(len(data))
        if too_long:
            log.add(too_long.line, too_long.message)
            return None
        try:
            text = data.decode("utf-8").replace("\r\n", "\n")
        except UnicodeDecodeError as error:
            log.add(1, f"not UTF-8 text (byte {error.start}): save the file as UTF-8")
            return None
        # Refused before anything is parsed: past these limits parsing takes too long or fails.
        excesses = nesting_excesses(text)
        for excess in excesses:
            log.add(excess.line, excess.message)
        return None if excesses else split_front_matter(text, log)

    def parts(self, doc: Document, lang: str, log: ProblemLog) -> tuple[Part, ...]:
        check_links(doc.body, doc.body_line, lang, self.names, log)
        split = split_blocks(doc.body, doc.body_line, log)
        ctx = BuildContext(lang, log, self.style)
        questions = [build_question(raw, ctx) for raw in split.questions]
        html = render_markdown(split.text, lang, self.style)
        parts: list[Part] = []
        # Cutting the HTML at the placeholders may leave an element open in one part and its end
        # in the next (a placeholder inside a quote, say): each part is sanitised again, last.
        for index, question in enumerate(questions):
            before, _, html = html.partition(f"<p>{placeholder(index)}</p>")
            if before.strip():
                parts.append(HtmlPart(finish(before)))
            if question is not None:
                parts.append(CheckPart(question))
        if html.strip():
            parts.append(HtmlPart(finish(html)))
        return tuple(parts)

    def module_text(self, lang: str) -> ModuleText | None:
        name = f"module.{lang}.md"
        text = self.memoised(name, lambda log: self.parse_module_text(name, lang, log))
        if text is not None:
            self.texts[name] = text
        return text

    def parse_module_text(self, name: str, lang: str, log: ProblemLog) -> ModuleText | None:
        doc = self.document(name, log)
        if doc is None:
            return None
        objectives = doc.meta.get("objectives")
        if (
            not isinstance(objectives, list)
            or not objectives
            or not all(isinstance(o, str) and o.strip() for o in objectives)
        ):
            log.add(1, "front matter: 'objectives' must be a list of learning objectives")
            objectives = []
        minutes = optional_int(doc.meta, "estimated_minutes", log, required=True, low=1)
        check_links(doc.body, doc.body_line, lang, self.names, log)
        return ModuleText(
            lang,
            log.path,
            require_text(doc.meta, "title", log),
            require_text(doc.meta, "summary", log),
            tuple(objectives),
            minutes or 0,
            render_markdown(doc.body, lang, self.style),
        )

    def lesson_text(self, name: str, lang: str) -> LessonText | None:
        text = self.memoised(name, lambda log: self.parse_lesson_text(name, lang, log))
        if text is not None:
            self.texts[name] = text
        return text

    def parse_lesson_text(self, name: str, lang: str, log: ProblemLog) -> LessonText | None:
        doc = self.document(name, log)
        if doc is None:
            return None
        title = require_text(doc.meta, "title", log)
        minutes = optional_int(doc.meta, "estimated_minutes", log, low=1)
        parts = self.parts(doc, lang, log)
        return LessonText(
            lang,
            log.path,
            title,
            minutes,
            parts,
            count_words(doc.body),
            bool(_REFERENCES.search(doc.body)),
        )

    def quiz_text(self, lang: str) -> _QuizFile | None:
        name = f"quiz.{lang}.md"
        built = self.memoised(name, lambda log: self.parse_quiz_text(name, lang, log))
        if built is not None:
            self.texts[name] = built.text
        return built

    def parse_quiz_text(self, name: str, lang: str, log: ProblemLog) -> _QuizFile | None:
        doc = self.document(name, log)
        if doc is None:
            return None
        pass_mark = optional_int(doc.meta, "pass_mark", log, required=True, low=0, high=100)
        attempts = optional_int(doc.meta, "max_attempts", log, required=True, low=0, high=100)
        # The document decoded, so the review's problems point at their own lines.
        lines = self.files[name].decode("utf-8").replace("\r\n", "\n").split("\n")
        review = read_review(doc.meta, lines, log)
        parts = self.parts(doc, lang, log)
        questions = tuple(p.question for p in parts if isinstance(p, CheckPart))
        intro = "".join(p.html for p in parts if isinstance(p, HtmlPart))
        if not questions:
            log.add(1, "the quiz has no questions")
        return _QuizFile(
            QuizText(lang, log.path, require_text(doc.meta, "title", log), intro, questions),
            pass_mark or 0,
            attempts or 0,
            review,
            field_line(lines),
        )

    def build(self) -> Module | None:
        match = MODULE_FOLDER.match(self.folder)
        if not match:
            self.log("").add(1, "module folders are named NN-slug, e.g. 01-understanding-migration")
            return None
        kinds: dict[str, FileName] = {name: classify(name) for name in self.files}
        media: dict[str, MediaType] = {}
        for name, kind in kinds.items():
            if kind.kind == "unknown":
                self.log(name).add(
                    1,
                    "unknown file: expected module.LANG.md, quiz.LANG.md, "
                    "NN-slug.LANG.md or media/...",
                )
            elif kind.kind == "media":
                problem = media_problem(name, self.files[name])
                if problem:
                    self.log(name).add(1, problem)
                elif (served := media_type(self.files[name])) is not None:
                    media[name] = served
            elif kind.lang not in LANGUAGES:
                self.log(name).add(
                    1, f"unknown language '{kind.lang}' (expected: {', '.join(LANGUAGES)})"
                )
        self.require_every_language(kinds)
        texts = {
            lang: t
            for lang in LANGUAGES
            if f"module.{lang}.md" in self.files and (t := self.module_text(lang))
        }
        lessons = self.lessons(kinds)
        quiz = self.quiz()
        if not lessons:
            self.log("").add(1, "the module has no lessons")
        if not texts:
            return None
        slug, number = match["slug"], int(match["num"])
        return Module(slug, number, self.folder, texts, lessons, quiz, MappingProxyType(media))

    def require_every_language(self, kinds: Mapping[str, FileName]) -> None:
        stems: dict[str, set[str]] = defaultdict(set)
        for name, kind in kinds.items():
            if kind.kind in ("module", "quiz", "lesson") and kind.lang in LANGUAGES:
                stems[name.rsplit(".", 2)[0]].add(kind.lang)
        for stem in ("module",):
            stems.setdefault(stem, set())
        for stem, langs in sorted(stems.items()):
            for lang in LANGUAGES:
                if lang not in langs:
                    where = f"{stem}.{sorted(langs)[0]}.md" if langs else ""
                    self.log(where).add(
                        1, f"missing {LANGUAGE_NAMES[lang]} version: add {stem}.{lang}.md"
                    )

    def lessons(self, kinds: Mapping[str, FileName]) -> tuple[Lesson, ...]:
        by_slug: dict[str, dict[str, LessonText]] = defaultdict(dict)
        numbers: dict[str, int] = {}
        for name, kind in sorted(kinds.items()):
            if kind.kind == "lesson" and kind.lang in LANGUAGES:
                text = self.lesson_text(name, kind.lang)
                if text is not None:
                    by_slug[kind.slug][kind.lang] = text
                    numbers[kind.slug] = kind.number
        return tuple(
            Lesson(slug, numbers[slug], texts)
            for slug, texts in sorted(by_slug.items(), key=lambda s: numbers[s[0]])
        )

    def quiz(self) -> Quiz | None:
        built = {
            lang: found
            for lang in LANGUAGES
            if f"quiz.{lang}.md" in self.files and (found := self.quiz_text(lang))
        }
        if not built:
            return None
        settings = sorted({(b.pass_mark, b.max_attempts) for b in built.values()})
        if len(settings) > 1:
            self.log(f"quiz.{LANGUAGES[1]}.md").add(
                1, "pass_mark and max_attempts must be the same in every language"
            )
        first, *others = built.values()
        for other in others:
            if other.review != first.review:
                self.log(f"quiz.{other.text.lang}.md").add(
                    other.review_line,
                    f"front matter: 'review' differs from quiz.{first.text.lang}.md "
                    f"({describe_difference(other.review, first.review)}): write the same "
                    "'review' lines in every language",
                )
        pass_mark, attempts = settings[0]
        texts = {lang: b.text for lang, b in built.items()}
        self.built_quiz = Quiz(pass_mark, attempts, texts, first.review)
        return self.built_quiz


@dataclass(frozen=True)
class BuiltModule:
    """One module folder as built: the module if it could be, and every text that could be."""

    module: Module | None
    texts: Mapping[str, FileText]  # by file name within the folder
    quiz: Quiz | None  # built even when the module as a whole could not be


def build_module(
    folder: str,
    files: Mapping[str, bytes],
    problems: list[Problem],
    label: str = "modules",
    style: LinkStyle = LMS_LINKS,
    *,
    memo: FileMemo = FILE_MEMO,
) -> BuiltModule:
    """Build one module folder from its `files` (paths relative to it), adding its problems."""
    builder = _ModuleBuilder(folder, files, label, problems, style, memo)
    module = builder.build()
    return BuiltModule(module, MappingProxyType(builder.texts), builder.built_quiz)


def module_folders(files: Mapping[str, bytes]) -> dict[str, dict[str, bytes]]:
    """The files of every top-level folder, by folder, with paths relative to it."""
    folders: dict[str, dict[str, bytes]] = defaultdict(dict)
    for path, data in files.items():
        folder, sep, rest = path.partition("/")
        if sep:
            folders[folder][rest] = data
    return folders


def build_course(
    files: Mapping[str, bytes],
    label: str = "modules",
    style: LinkStyle = LMS_LINKS,
    *,
    memo: FileMemo = FILE_MEMO,
) -> tuple[Course, list[Problem]]:
    """Build the course from `files` (paths relative to the content root) and list its problems."""
    problems: list[Problem] = []
    folders = module_folders(files)
    modules = [
        m
        for folder in sorted(folders)
        if (m := build_module(folder, folders[folder], problems, label, style, memo=memo).module)
    ]
    if not modules:
        problems.append(Problem(label, 1, "no module folders found (expected NN-slug folders)"))
    check_unique(modules, label, problems)
    for module in modules:
        check_parity(module, problems)
    return Course.of(tuple(modules)), sorted(set(problems))


def load_course(
    files: Mapping[str, bytes], label: str = "modules", style: LinkStyle = LMS_LINKS
) -> Course:
    """Build the course, raising ContentInvalid with every problem if there is any."""
    course, problems = build_course(files, label, style)
    if problems:
        raise ContentInvalid(problems)
    return course


def _all_questions(module: Module, lang: str) -> list[tuple[str, Question]]:
    found = [
        (lesson.text(lang).path, q)
        for lesson in module.lessons
        if lang in lesson.texts
        for q in lesson.texts[lang].checks
    ]
    if module.quiz and lang in module.quiz.texts:
        found += [(module.quiz.texts[lang].path, q) for q in module.quiz.texts[lang].questions]
    return found


def check_unique(modules: Sequence[Module], label: str, problems: list[Problem]) -> None:
    """Report module slugs used twice and question ids used twice in one language."""
    slugs: dict[str, str] = {}
    for module in modules:
        if module.slug in slugs:
            problems.append(
                Problem(
                    f"{label}/{module.folder}",
                    1,
                    f"module slug '{module.slug}' is used by {slugs[module.slug]}",
                )
            )
        slugs[module.slug] = module.folder
    for lang in LANGUAGES:
        seen: dict[str, str] = {}
        for module in modules:
            for path, question in _all_questions(module, lang):
                if question.id in seen:
                    problems.append(
                        Problem(
                            path,
                            question.line,
                            f"duplicate question id '{question.id}' (also in {seen[question.id]})",
                        )
                    )
                else:
                    seen[question.id] = f"{path}:{question.line}"
