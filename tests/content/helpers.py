"""Builds questions and small courses from text for the content tests."""

from __future__ import annotations

import textwrap
from pathlib import Path

from lms.content import Problem, build_course
from lms.content.blocks import split_blocks
from lms.content.problems import ProblemLog
from lms.content.questions import Question, build_question
from lms.content.questions.base import BuildContext
from lms.content.render import LinkStyle


def parse_question(block: str, lang: str = "en") -> tuple[Question | None, list[Problem]]:
    """Parse one `::: quiz` block; return the question and every problem reported."""
    problems: list[Problem] = []
    log = ProblemLog("test.md", problems)
    split = split_blocks(textwrap.dedent(block).strip("\n"), 1, log)
    questions = [
        build_question(raw, BuildContext(lang, log, LinkStyle())) for raw in split.questions
    ]
    return (questions[0] if questions else None), problems


def question(block: str) -> Question:
    """Parse a block that must be valid."""
    built, problems = parse_question(block)
    assert not problems, problems
    assert built is not None
    return built


MODULE_ES = """---
title: Comprender los procesos migratorios
summary: Conceptos clave.
estimated_minutes: 60
objectives:
  - Usar la terminología con precisión.
---

Introducción.
"""
MODULE_EN = """---
title: Understanding migration processes
summary: Key concepts.
estimated_minutes: 60
objectives:
  - Use the terminology accurately.
---

Introduction.
"""


def lesson(title: str, body: str) -> str:
    """A lesson file with front matter."""
    return f"---\ntitle: {title}\n---\n\n{textwrap.dedent(body).strip()}\n"


def quiz(body: str, pass_mark: int = 70, attempts: int = 3) -> str:
    """A quiz file with front matter."""
    return (
        f"---\ntitle: Quiz\npass_mark: {pass_mark}\nmax_attempts: {attempts}\n---\n\n"
        f"{textwrap.dedent(body).strip()}\n"
    )


CHECK = """
::: quiz {#m1-l1-c1}
Is it right?

- (x) Yes
  > Indeed.
- ( ) No
  > It is.
:::
"""

QUIZ = """
::: quiz {#m1-q1 points=2}
Pick the year.

= 1951
:::

::: quiz {#m1-q2}
True?

= true
:::
"""


def small_course(**overrides: str | None) -> dict[str, bytes]:
    """A valid one-module course; keyword arguments replace (or, with None, remove) files."""
    files: dict[str, str | None] = {
        "module.es.md": MODULE_ES,
        "module.en.md": MODULE_EN,
        "01-key-concepts.es.md": lesson(
            "Conceptos", "Texto.\n" + CHECK + "\n## Referencias\n\n- OIM"
        ),
        "01-key-concepts.en.md": lesson("Concepts", "Text.\n" + CHECK + "\n## References\n\n- IOM"),
        "quiz.es.md": quiz(QUIZ),
        "quiz.en.md": quiz(QUIZ),
    }
    files.update({k.replace("__", "."): v for k, v in overrides.items()})
    return {
        f"01-understanding-migration/{name}": text.encode()
        for name, text in files.items()
        if text is not None
    }


def problems_of(files: dict[str, bytes]) -> list[str]:
    """Every problem of a course, as printed by `lms check`."""
    return [str(p) for p in build_course(files)[1]]


def write_tree(files: dict[str, bytes], root: Path) -> Path:
    """Write a course's files under `root` (as a modules folder); returns `root`."""
    for path, data in files.items():
        (root / path).parent.mkdir(parents=True, exist_ok=True)
        (root / path).write_bytes(data)
    return root
