"""In Chromium, no stored payload runs: every role opens its pages and `window.__pwned` stays unset.

The platform is the one of tests/security/test_stored_payloads.py (a payload in every writable
field), served live; the HTML-breaking variants are the ones a browser could run.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from lms.db import get_engine
from tests.browser.pages import visits_for
from tests.browser.site import Site, page_as
from tests.security.stored import Seeded, markers_in, payload_app, seed

pytestmark = pytest.mark.browser

# The variants a browser could run if a page let them through unescaped.
RUNNABLE = ("script", "img", "attribute", "link")
ACCOUNTS = ("anonymous", "learner", "graduate", "instructor", "admin")
# A page is also scrolled through and its links focused, which fires focus handlers and
# `autofocus`; links are not followed (a `javascript:` one would be caught by the HTTP checks).
TOUCH = """() => {
  for (const element of document.querySelectorAll('a, button, input, textarea, select')) {
    try { element.focus(); } catch (e) {}
  }
  window.scrollTo(0, document.body.scrollHeight);
  return typeof window.__pwned === 'undefined' ? null : String(window.__pwned);
}"""


@pytest.fixture(scope="module", params=RUNNABLE)
def payload_site(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Site, Seeded]]:
    """The payload platform served on a free local port."""
    folder = tmp_path_factory.mktemp(f"browser-payload-{request.param}")
    app = payload_app(request, folder)
    seeded = seed(app, request.param)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    site = Site(
        app=app,
        base_url=f"http://127.0.0.1:{server.server_port}",
        people=seeded.people,
        cohort_id=seeded.cohort_id,
        upload_id=seeded.upload_id,
        invitation_token=seeded.invitation_token,
        expired_invitation_token=seeded.expired_invitation_token,
        join_token=seeded.join_token,
        reset_token=seeded.reset_token,
        certificate_code=seeded.certificate_code,
        attempt_number=seeded.attempt_number,
    )
    yield site, seeded
    server.shutdown()
    thread.join(timeout=5)
    get_engine(app).dispose()


def _paths(account: str, ids: dict[str, Any]) -> list[str]:
    """The account's pages of the inventory, once each (the graduate sees the learner's)."""
    role = "learner" if account == "graduate" else account
    paths: list[str] = []
    for _, visit in visits_for(role):
        path = visit.path.format(**ids)
        if visit.path != "/__fails" and path not in paths:
            paths.append(path)
    return paths


@pytest.mark.parametrize("account", ACCOUNTS)
def test_no_stored_payload_runs_in_the_browser(
    chromium: Any, payload_site: tuple[Site, Seeded], account: str
) -> None:
    site, seeded = payload_site
    ran: list[str] = []
    shown: set[str] = set()
    with page_as(chromium, site, account) as page:
        for path in _paths(account, site.ids()):
            page.goto(path)
            page.wait_for_load_state("load")
            value = page.evaluate(TOUCH)
            if value is not None:
                ran.append(f"{path}: window.__pwned = {value}")
            shown |= markers_in(page.content())
    assert ran == [], f"{seeded.variant} payload ran as {account}"
    assert shown, f"no stored payload reached {account}'s pages"
