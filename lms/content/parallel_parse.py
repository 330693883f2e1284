"""Parse a course's modules on two processors: part in a forked child, the rest here.

`lms check` parses every file of the course, most of it Markdown; on one processor that is most
of its time. With two, a forked child parses part of the modules while this process checks the
files' terms and parses the rest, and the child hands back what it parsed into this process's
memo: the build that follows finds every file already parsed. Whatever goes wrong in the child,
the build parses its files here instead.
"""

from __future__ import annotations

import os
import pickle  # nosec B403  # only this process's own fork writes what is unpickled
import threading
from collections.abc import Mapping

from lms.content.loader import build_module, module_folders
from lms.content.memo import FILE_MEMO, FileMemo
from lms.content.render import LMS_LINKS, LinkStyle
from lms.processors import usable_processors

# The share of the parsing given to the child: this process also checks the files' terms and
# links meanwhile (lms.content.conventions.check_texts), about a third of the parsing's time.
CHILD_SHARE = 0.6


class ParseHelper:
    """A forked child parsing part of a course's modules while this process does other work.

    `start` forks; `finish` parses the rest here, then takes in what the child parsed. Without a
    second processor (or fork) nothing is forked and `finish` parses nothing: the build parses.
    """

    def __init__(
        self,
        folders: dict[str, dict[str, bytes]],
        ours: list[str],
        label: str,
        style: LinkStyle,
        pid: int | None,
        readable: int | None,
    ) -> None:
        self.folders, self.ours, self.label, self.style = folders, ours, label, style
        self.pid, self.readable = pid, readable

    @classmethod
    def start(
        cls,
        files: Mapping[str, bytes],
        label: str,
        style: LinkStyle = LMS_LINKS,
        *,
        child_share: float = CHILD_SHARE,
    ) -> ParseHelper:
        """Fork a child that parses about `child_share` of the module bytes."""
        folders = module_folders(files)
        if not _can_fork(len(folders)):
            return cls(folders, [], label, style, None, None)
        theirs, ours = split_folders(
            {name: sum(map(len, folder.values())) for name, folder in folders.items()},
            child_share,
        )
        readable, writable = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(readable)
            _parse_in_child(folders, theirs, label, style, writable)
        os.close(writable)
        return cls(folders, ours, label, style, pid, readable)

    def finish(self, memo: FileMemo = FILE_MEMO) -> bool:
        """Parse this process's part into `memo`, then add the child's; True if it had any."""
        if self.pid is None or self.readable is None:
            return False
        for name in self.ours:
            build_module(name, self.folders[name], [], self.label, self.style, memo=memo)
        with os.fdopen(self.readable, "rb") as pipe:
            answer = pipe.read()
        os.waitpid(self.pid, 0)
        if not answer:
            return False
        memo.absorb(pickle.loads(answer))  # nosec B301  # written by this process's own fork
        return True


def _can_fork(folders: int) -> bool:
    """Two folders or more, two processors or more, and no other thread in this process.

    A thread holding a lock at the fork would leave it held forever in the child: the command
    line is single-threaded, a server or a test run may not be, and then parses alone.
    """
    return (
        folders >= 2
        and hasattr(os, "fork")
        and usable_processors() >= 2
        and threading.active_count() == 1
    )


def split_folders(sizes: dict[str, int], child_share: float) -> tuple[list[str], list[str]]:
    """The folders for the child (about `child_share` of the bytes) and for this process."""
    total = sum(sizes.values())
    targets = (child_share * total, (1 - child_share) * total)
    sides: tuple[list[str], list[str]] = ([], [])
    given = [0, 0]
    for name in sorted(sizes, key=lambda n: -sizes[n]):  # the largest first
        side = 0 if targets[0] - given[0] >= targets[1] - given[1] else 1
        sides[side].append(name)
        given[side] += sizes[name]
    return sides


def _parse_in_child(
    folders: dict[str, dict[str, bytes]],
    names: list[str],
    label: str,
    style: LinkStyle,
    writable: int,
) -> None:
    """Parse the `names` folders, send what was parsed and leave without the parent's exits."""
    answer = b""
    try:
        parsed = FileMemo()
        for name in names:
            build_module(name, folders[name], [], label, style, memo=parsed)
        answer = pickle.dumps(parsed.entries(), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException:  # any failure: the parent parses these files itself instead
        answer = b""
    finally:
        try:
            with os.fdopen(writable, "wb") as pipe:
                pipe.write(answer)
        finally:
            os._exit(0)
