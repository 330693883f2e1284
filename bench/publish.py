"""Publishing the whole course from the editor: check, new version, cache warm.

Each run changes one lesson in the draft (through the editor's save), then times
POST /manage/editor/publish: the whole course is checked, a version with every file is written
and the parsed course is put in the cache, so the next learner request parses nothing. "warm"
runs follow earlier checks (an editor session: unchanged files come from the parse memo);
the "cold" run empties that memo first, like the first publish after a restart.
Prints a table and, last, the warm median in seconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from flask.testing import FlaskClient

sys.path.insert(0, str(Path(__file__).resolve().parent))

from editor import ROOT, editor_app, row
from preview_content import timed

from lms.content import read_tree
from lms.content.memo import FILE_MEMO
from lms.courses.cache import course_cache
from lms.courses.services import current_version
from lms.db import db_session

LESSON = "01-understanding-migration/01-key-concepts.en.md"


def main(argv: Sequence[str] | None = None) -> float:
    """Run the benchmark; returns the warm median in seconds."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=8, help="warm publishes timed")
    parser.add_argument("--content", type=Path, default=ROOT / "modules", help="course folder")
    options = parser.parse_args(argv)
    files = read_tree(options.content)
    original = files[LESSON].decode()
    with editor_app(files) as (app, client):
        revision = 0

        def change_then_publish(run: int, *, cold: bool = False) -> None:
            nonlocal revision
            text = original + f"\nRevision {run}.\n"
            saved = client.post(
                "/manage/editor/save", json={"path": LESSON, "text": text, "revision": revision}
            )
            assert saved.status_code == 200, saved.get_data(as_text=True)
            revision = saved.get_json()["revision"]
            if cold:
                FILE_MEMO.clear()
            timings.append(_publish(client, run))

        timings: list[float] = []
        change_then_publish(0, cold=True)
        cold = timings[:]
        timings.clear()
        timed(options.runs, lambda run: change_then_publish(run + 1))
        warm = timings[:]
        with app.app_context():
            live = current_version(db_session())
            assert live is not None
            assert live.number == options.runs + 2
            assert course_cache().get(db_session(), live.id)  # warmed by the publish
    print(f"{len(files)} files published per version")
    print("| publish | runs | median s | max s |")
    print("| --- | ---: | ---: | ---: |")
    print(row("cold (memo emptied)", cold, "s"))
    print(row("warm", warm, "s"))
    median = statistics.median(warm)
    print(f"{median:.3f}")
    return median


def _publish(client: FlaskClient, run: int) -> float:
    start = time.perf_counter()
    response = client.post("/manage/editor/publish", data={"message": f"run {run}"})
    seconds = time.perf_counter() - start
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return seconds


if __name__ == "__main__":
    main(sys.argv[1:])
