"""The shared reference files (SCORM schemas, Moodle's package rules) found beside the clone."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path
from types import ModuleType

import pytest

REPOSITORY = Path(__file__).resolve().parents[2]


def shared_path(relative: str) -> Path:
    """A file or folder of the shared folder; skips (fails in CI) when it is missing."""
    root = Path(os.environ.get("LMS_SHARED_DIR") or REPOSITORY.parent / "shared")
    path = root / relative
    if not path.exists():
        message = (f"{path} is missing: these tests need the shared reference folder "
                   "(set LMS_SHARED_DIR to it)")
        if os.environ.get("LMS_REQUIRE_SHARED"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def moodle_checker() -> ModuleType:
    """tools/moodle_like_check.py, Moodle's package-parsing rules restated in Python."""
    path = shared_path("tools/moodle_like_check.py")
    spec = importlib.util.spec_from_file_location("moodle_like_check", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
