"""The course's own conventions, checked after the course builds: official terms (errors),
links to non-primary hosts (warnings) and balanced quiz answer keys (errors, with figures).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from lms.content.files import classify
from lms.content.glossary import GLOSSARY_FILE, Glossary, read_glossary
from lms.content.key_balance import KeyBalance, check_key_balance
from lms.content.model import LANGUAGES, Course
from lms.content.official_terms import check_terms
from lms.content.problems import Problem, ProblemLog
from lms.content.source_hosts import host_warning, non_primary_links


@dataclass(frozen=True)
class ConventionReport:
    """What the conventions found: problems fail a check, warnings only inform."""

    problems: list[Problem]
    warnings: list[Problem]
    balances: list[KeyBalance]


def _texts(files: Mapping[str, bytes]) -> list[tuple[str, str, str]]:
    """(path, language, text) of every module, lesson and quiz file that decodes."""
    found = []
    for path, data in sorted(files.items()):
        _, sep, name = path.partition("/")
        kind = classify(name)
        if sep and kind.kind in ("module", "lesson", "quiz") and kind.lang in LANGUAGES:
            try:
                found.append((path, kind.lang, data.decode("utf-8").replace("\r\n", "\n")))
            except UnicodeDecodeError:
                continue  # the loader reports it
    return found


def check_conventions(
    files: Mapping[str, bytes],
    course: Course,
    *,
    label: str = "modules",
    glossary: bytes | None = None,
) -> ConventionReport:
    """Check `files` (and the `course` built from them) against the glossary and the quiz rules.

    `glossary` is the glossary file's content; by default the one among `files`, if any.
    """
    return check_quiz_keys(course, check_texts(files, label=label, glossary=glossary))


def check_texts(
    files: Mapping[str, bytes], *, label: str = "modules", glossary: bytes | None = None
) -> ConventionReport:
    """The conventions that read the files alone (terms, hosts): no need to build the course."""
    problems: list[Problem] = []
    warnings: list[Problem] = []
    data = files.get(GLOSSARY_FILE) if glossary is None else glossary
    rules = (
        read_glossary(data, ProblemLog(f"{label}/{GLOSSARY_FILE}", problems))
        if data is not None
        else Glossary()
    )
    for path, lang, text in _texts(files):
        where = f"{label}/{path}"
        check_terms(text, rules.terms.get(lang, ()), ProblemLog(where, problems))
        for line, address, host in non_primary_links(text, rules.non_primary_hosts):
            warnings.append(Problem(where, line, host_warning(address, host)))
    return ConventionReport(problems, warnings, [])


def check_quiz_keys(course: Course, texts: ConventionReport) -> ConventionReport:
    """Add the answer-key balance of every quiz of `course` to what `check_texts` found."""
    problems = list(texts.problems)
    balances = [
        check_key_balance(text, ProblemLog(text.path, problems))
        for module in course.modules
        if module.quiz
        for text in module.quiz.texts.values()
    ]
    return ConventionReport(sorted(set(problems)), sorted(set(texts.warnings)), balances)
