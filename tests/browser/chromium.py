"""Where Debian's Chromium is and how to start it here, for every browser test."""

from __future__ import annotations

import os
import shutil

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
