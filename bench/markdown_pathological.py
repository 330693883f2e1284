"""Time to render, and to check as a lesson, each pathological document at size n and 2n.

    .venv/bin/python bench/markdown_pathological.py                  # every document
    .venv/bin/python bench/markdown_pathological.py open-brackets    # some, by name
    .venv/bin/python bench/markdown_pathological.py --scale 4        # at 4 times their size

The documents are those of tests/content/pathological.py, each at the size it is known at (n)
and twice that (2n). For each it prints what rendering did (rendered, or refused with
MarkdownTooComplex), the seconds to render and to check the lesson holding it (the
`lms check` path), and the ratio of 2n to n: about 2 for linear work, 4 for quadratic. The best
of --repeat runs is kept, so that other work on the machine disturbs the figures less.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from lms.content import FileMemo, build_course
from lms.content.limits import MarkdownTooComplex
from lms.content.render import render_markdown
from tests.content.helpers import small_course
from tests.content.pathological import CORPUS

LESSON = "01-understanding-migration/01-key-concepts.en.md"


def best_of(repeat: int, work: Callable[[], object]) -> float:
    """The shortest of `repeat` runs of `work`, in seconds."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def render(document: str) -> str:
    try:
        render_markdown(document, "en")
    except MarkdownTooComplex:
        return "refused"
    return "rendered"


def check(document: str) -> int:
    """Check the small course with `document` in a lesson, as `lms check` does (no memo)."""
    files = small_course()
    text = files[LESSON].decode() + "\n" + document + "\n"
    files[LESSON] = text.encode("utf-8", "surrogatepass")
    return len(build_course(files, memo=FileMemo())[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="documents to time (default: all)")
    parser.add_argument("--scale", type=float, default=1.0, help="multiply every size n")
    parser.add_argument("--repeat", type=int, default=3, help="runs per figure (best kept)")
    options = parser.parse_args()
    chosen = [a for a in CORPUS if not options.names or a.name in options.names]
    print(
        f"{'document':38} {'n':>6} {'chars':>7} {'render n':>9} {'2n':>8} {'x':>5}  "
        f"{'check n':>8} {'2n':>8} {'x':>5}  result"
    )
    for attack in chosen:
        n = max(1, round(attack.n * options.scale))
        small, large = attack.document(n), attack.document(2 * n)
        rendered = [best_of(options.repeat, lambda d=d: render(d)) for d in (small, large)]  # type: ignore[misc]
        checked = [best_of(options.repeat, lambda d=d: check(d)) for d in (small, large)]  # type: ignore[misc]
        print(
            f"{attack.name:38} {n:>6} {len(small):>7} {rendered[0]:>9.3f} {rendered[1]:>8.3f} "
            f"{rendered[1] / max(rendered[0], 1e-6):>5.1f}  {checked[0]:>8.3f} {checked[1]:>8.3f} "
            f"{checked[1] / max(checked[0], 1e-6):>5.1f}  {render(small)}/{render(large)}",
            flush=True,
        )


if __name__ == "__main__":
    main()
