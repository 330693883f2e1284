"""Where Debian's Chromium is and how to start it here, for every browser test."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest

CHROMIUM = os.environ.get("LMS_CHROMIUM", "/usr/bin/chromium")
# Chromium's background services try the network at start; this machine has none to give.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_browser() -> None:
    """Skip (or, with LMS_REQUIRE_BROWSER set, fail) when Chromium is not installed."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        message = (
            f"Chromium not found at {CHROMIUM}: install Debian's chromium package "
            "(apt-get install chromium) or set LMS_CHROMIUM"
        )
        if os.environ.get("LMS_REQUIRE_BROWSER"):
            pytest.fail(message)
        pytest.skip(message)


@contextmanager
def watched_page(browser: Any, **context_options: Any) -> Iterator[Any]:
    """A page in a fresh context; a JavaScript error thrown in it fails the test at the end."""
    context = browser.new_context(**context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], f"the page's scripts threw errors: {errors}"
