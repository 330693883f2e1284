"""A bounded, thread-safe memo of parsed content files, so unchanged files are parsed once."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar, cast

from lms.content.problems import Problem
from lms.content.questions import QUESTION_TYPES, Question
from lms.content.render import LinkStyle

T = TypeVar("T")
DEFAULT_SIZE = 1024
# A parsed file takes about two and a half times its source in memory (HTML, questions, parts),
# so 16 MiB of sources holds the course many times over and stays near 40 MB when every entry
# is a long lesson typed in the editor.
DEFAULT_BYTES = 16 * 2**20


def digest(data: bytes) -> bytes:
    """A fingerprint of a file's bytes (BLAKE2b, 256 bits)."""
    return hashlib.blake2b(data, digest_size=32).digest()


def question_types() -> tuple[tuple[str, type[Question]], ...]:
    """The registered question types: a type registered later changes how files parse."""
    return tuple(QUESTION_TYPES.items())


@dataclass(frozen=True)
class FileKey:
    """Everything the parse of one module file depends on."""

    label: str  # problems and texts carry paths that start with it
    folder: str
    name: str  # also decides what the file is (module page, lesson or quiz) and its language
    digest: bytes
    size: int  # bytes of the file: what the entry weighs in the memo's budget
    module_files: frozenset[str]  # links and images are checked against them
    style: LinkStyle
    types: tuple[tuple[str, type[Question]], ...]


@dataclass(frozen=True)
class _Entry:
    value: object
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class MemoInfo:
    """How the memo has been used."""

    hits: int
    misses: int
    size: int  # entries held
    maxsize: int
    bytes: int  # source bytes of the files held
    max_bytes: int


class FileMemo:
    """Parsed files and the problems found while parsing them, least recently used dropped first."""

    def __init__(self, maxsize: int = DEFAULT_SIZE, max_bytes: int = DEFAULT_BYTES) -> None:
        self.maxsize, self.max_bytes = maxsize, max_bytes
        self._entries: OrderedDict[FileKey, _Entry] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()
        self._hits = self._misses = 0

    def parsed(
        self, key: FileKey, parse: Callable[[list[Problem]], T], problems: list[Problem]
    ) -> T:
        """What `parse` returns for `key`, parsing only on a miss; its problems go to `problems`."""
        with self._lock:
            entry = self._entries.get(key)
            if entry is None:
                self._misses += 1
            else:
                self._hits += 1
                self._entries.move_to_end(key)
        if entry is None:
            # Parsed outside the lock: two threads may parse the same file at once, and both
            # get the same result, which is cheaper than making every other file wait.
            found: list[Problem] = []
            entry = _Entry(parse(found), tuple(found))
            with self._lock:
                self._store(key, entry)
        problems.extend(entry.problems)
        # The key names the file, and the file's name decides which parser made the value.
        return cast(T, entry.value)

    def _store(self, key: FileKey, entry: _Entry) -> None:
        """Hold `entry` as the most recent, dropping the least recent over the limits (locked)."""
        if key not in self._entries:
            self._bytes += key.size
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while self._entries and (len(self._entries) > self.maxsize or self._bytes > self.max_bytes):
            self._bytes -= self._entries.popitem(last=False)[0].size

    def entries(self) -> list[tuple[FileKey, _Entry]]:
        """Every parsed file held, least recent first: what `absorb` takes in another memo."""
        with self._lock:
            return list(self._entries.items())

    def absorb(self, entries: list[tuple[FileKey, _Entry]]) -> None:
        """Hold files parsed elsewhere (another process) as if parsed here."""
        with self._lock:
            for key, entry in entries:
                self._store(key, entry)

    def info(self) -> MemoInfo:
        """Hits, misses and size so far."""
        with self._lock:
            return MemoInfo(
                self._hits,
                self._misses,
                len(self._entries),
                self.maxsize,
                self._bytes,
                self.max_bytes,
            )

    def clear(self) -> None:
        """Forget every parsed file and the counts."""
        with self._lock:
            self._entries.clear()
            self._bytes = self._hits = self._misses = 0


FILE_MEMO = FileMemo()
"""The memo every course build shares by default."""
