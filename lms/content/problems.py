"""Content problems reported as `path:line: message`, and the error that carries them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong in a content file, located by path and line."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentInvalid(Exception):
    """Content that does not check clean; carries every problem found."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = sorted(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class ProblemLog:
    """Collects problems for one file so that parsing can go on after the first one."""

    def __init__(self, path: str, sink: list[Problem]) -> None:
        self.path = path
        self._sink = sink

    def add(self, line: int, message: str) -> None:
        """Record a problem at `line` of this file."""
        self._sink.append(Problem(self.path, line, message))
