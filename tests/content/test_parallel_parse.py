"""`lms check` parses on two processors: same course, same problems as parsing alone."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from lms.content.parallel_parse import split_folders
from tests.shipped import MODULES

# In a fresh interpreter: the helper forks only in a process with a single thread.
PROBE = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from lms.content.check_command import content_files
    from lms.content.loader import build_course
    from lms.content.memo import FileMemo
    from lms.content.parallel_parse import ParseHelper

    files, label = content_files(Path(sys.argv[1]))
    files = dict(files)
    lesson = next(p for p in sorted(files) if p.endswith(".en.md") and "/01-" in p)
    files[lesson] += b"\\n[a link](nowhere.en.md)\\n"  # a problem, found by the child or here
    alone, alone_problems = build_course(files, label=label, memo=FileMemo())
    shared = FileMemo()
    helper = ParseHelper.start(files, label)
    used = helper.finish(shared)
    info = shared.info()
    together, together_problems = build_course(files, label=label, memo=shared)
    print(used, info.size == shared.info().size, shared.info().misses == info.misses)
    print(repr(together) == repr(alone), together_problems == alone_problems)
    print(len(alone_problems))
    """
)


def test_the_course_and_its_problems_are_the_same_as_when_parsed_alone() -> None:
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(MODULES)], capture_output=True, text=True, check=True
    )
    used, same, problems = run.stdout.split("\n")[:3]
    # The child parsed its part; the build then parsed nothing (no new miss, no new entry).
    assert used == "True True True"
    assert same == "True True"
    assert int(problems) >= 1


def test_the_child_gets_its_share_of_the_bytes_largest_folders_first() -> None:
    sizes = {"01": 50, "02": 40, "03": 30, "04": 20, "05": 10, "06": 10}
    child, here = split_folders(sizes, 0.6)
    assert sorted(child + here) == sorted(sizes)
    assert abs(sum(sizes[n] for n in child) - 0.6 * 160) <= 10
    assert split_folders({"01": 5}, 0.6) == (["01"], [])
