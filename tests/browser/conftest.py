"""A live server and Debian's Chromium, driven by Playwright (no browser download)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

# The lived-in platform of the page-wide checks (one per test module that asks for it).
from tests.browser.site import site  # noqa: F401


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """Serve the test app on a free local port; yields its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def browser_contexts(live_server: str, chromium: Any) -> Iterator[Callable[..., Any]]:
    """Open browser contexts (separate cookie jars, as two people) on the live server."""
    opened: list[Any] = []

    def new_context(**options: Any) -> Any:
        context = chromium.new_context(base_url=live_server, **{"locale": "es-AR", **options})
        context.set_default_timeout(10_000)
        opened.append(context)
        return context

    yield new_context
    for context in opened:
        context.close()


@pytest.fixture
def page(browser_contexts: Callable[..., Any]) -> Iterator[object]:
    """A fresh Chromium page."""
    yield browser_contexts().new_page()
