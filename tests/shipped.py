"""The shipped modules, read and parsed once for the whole test run."""

from __future__ import annotations

from pathlib import Path

from lms.content import build_course, read_tree

MODULES = Path(__file__).resolve().parents[1] / "modules"
FILES = read_tree(MODULES)
COURSE, PROBLEMS = build_course(FILES)
