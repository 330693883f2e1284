"""A live server and Debian's Chromium, driven by Playwright (no browser download)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

from tests.browser.chromium import CHROMIUM, CHROMIUM_ARGS, require_browser


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
def page(live_server: str) -> Iterator[object]:
    """A fresh Chromium page."""
    require_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server, locale="es-AR")
        context.set_default_timeout(10_000)
        yield context.new_page()
        context.close()
        browser.close()
