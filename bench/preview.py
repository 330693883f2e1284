"""Server time of the editor's live preview of a 1,000-line lesson (the whole request).

Adds a generated lesson of `--lines` lines (prose, links, footnotes, a table, call-outs and
knowledge checks, in both languages) to the course, publishes it, opens it in the editor (as an
instructor does before typing) and times POST /manage/editor/preview with a new text each run:
routing, sign-in check, the draft read from the database, the check of the file and its pair,
and the preview's HTML. Prints a table and, last, the median in milliseconds.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from editor import ROOT, editor_app, row
from preview_content import timed, with_long_lesson

from lms.content import read_tree


def main(argv: Sequence[str] | None = None) -> float:
    """Run the benchmark; returns the median in milliseconds."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=60, help="previews timed")
    parser.add_argument("--lines", type=int, default=1000, help="lines of the generated lesson")
    parser.add_argument("--content", type=Path, default=ROOT / "modules", help="course folder")
    parser.add_argument("--folder", default="01-understanding-migration", help="its module")
    options = parser.parse_args(argv)
    files, path = with_long_lesson(read_tree(options.content), options.lines, options.folder)
    typed = files[path].decode()
    with editor_app(files) as (_app, client):
        assert client.get(f"/manage/editor/files/{path}").status_code == 200

        def preview(run: int) -> None:
            text = typed.replace("(revision 0)", f"(revision {run + 1})")
            response = client.post("/manage/editor/preview", json={"path": path, "text": text})
            assert response.status_code == 200, response.get_data(as_text=True)
            assert not [p for p in response.get_json()["problems"] if p["here"]]

        seconds = timed(options.runs, preview)
    print(f"{len(files)} files; {path}: {len(typed.splitlines())} lines")
    print("| request | runs | median ms | max ms |")
    print("| --- | ---: | ---: | ---: |")
    print(row("POST /manage/editor/preview", seconds))
    median = statistics.median(seconds) * 1000
    print(f"{median:.1f}")
    return median


if __name__ == "__main__":
    main(sys.argv[1:])
