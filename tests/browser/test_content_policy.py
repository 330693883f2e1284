"""Every page of the inventory, as every role, runs under the Content-Security-Policy with nothing
blocked: Chromium reports no `securitypolicyviolation` (and logs no refusal) on any of them.

The listener is added to every document before the page's own scripts run, so a style element
injected by a script (CodeMirror in the editor), a style attribute in markup (or in HTML a
script inserts) and an inline script are all caught.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from lms.security import CONTENT_SECURITY_POLICY
from tests.browser.pages import EDITED_FILE, ROLES, visits_for
from tests.browser.site import Site, page_as
from tests.browser.test_accessibility import accounts_of

pytestmark = pytest.mark.browser

LISTEN = """
window.__policyViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__policyViolations.push(
    `${event.effectiveDirective} blocked ${event.blockedURI || 'inline'} at ` +
    `${event.sourceFile || location.pathname}:${event.lineNumber} ${event.sample}`);
});
"""
# Violation events are queued as tasks: let the queue run once before reading them.
READ = """() => new Promise((done) => requestAnimationFrame(() => setTimeout(() =>
  done(window.__policyViolations || ['the listener is missing']))))"""


@contextmanager
def watched(browser: Any, site: Site, person: str) -> Iterator[tuple[Page, list[str]]]:
    """A page signed in as `person` that records every violation and every refusal logged."""
    with page_as(browser, site, person) as page:
        page.context.add_init_script(LISTEN)
        logged: list[str] = []
        page.on(
            "console",
            lambda message: (
                logged.append(message.text) if "Content Security Policy" in message.text else None
            ),
        )
        yield page, logged


def violations(page: Page, logged: list[str]) -> list[str]:
    """What the page's policy blocked since the document loaded, plus refusals logged."""
    found: list[str] = page.evaluate(READ)
    found += logged
    logged.clear()
    return found


def test_the_pages_send_the_policy_the_browser_enforces(chromium: Any, site: Site) -> None:
    """The sweep can fail: the policy blocks what is planted, and the listener hears it."""
    with watched(chromium, site, "anonymous") as (page, logged):
        response = page.goto("/login")
        assert response is not None
        assert "style-src 'self'" in response.headers["content-security-policy"]
        assert violations(page, logged) == []
        page.evaluate(
            """() => {
              document.querySelector('main').insertAdjacentHTML(
                'beforeend', '<p id="red" style="color: rgb(255, 0, 0)">red</p>');
              const style = document.createElement('style');
              style.textContent = 'body { color: rgb(0, 0, 255) }';
              document.head.append(style);
            }"""
        )
        found = violations(page, logged)
        assert any("style-src-attr" in line for line in found), found
        assert any("style-src-elem" in line for line in found), found
        assert page.locator("#red").evaluate("p => getComputedStyle(p).color") != "rgb(255, 0, 0)"
    assert CONTENT_SECURITY_POLICY["style-src"] == "'self'"


def test_the_editor_is_styled_under_the_policy(chromium: Any, site: Site) -> None:
    """CodeMirror's own style elements carry the page's nonce, so its layout applies."""
    with watched(chromium, site, "instructor") as (page, logged):
        page.goto(f"/manage/editor/files/{EDITED_FILE.format(**site.ids())}")
        expect(page.locator("html")).to_have_attribute("data-editor-ready", "1")
        editor = page.locator(".cm-editor")
        assert editor.evaluate("e => getComputedStyle(e).display") == "flex"
        assert page.locator("style[nonce]").count() >= 1
        page.locator(".cm-content").click()
        page.keyboard.type("Más texto. ")
        assert violations(page, logged) == []


@pytest.mark.parametrize("role", ROLES)
def test_no_page_breaks_the_content_policy(chromium: Any, site: Site, role: str) -> None:
    findings: list[str] = []
    visited = 0
    for account in accounts_of(role):
        with watched(chromium, site, account or role) as (page, logged):
            for endpoint, visit in visits_for(role):
                if visit.account != account:
                    continue
                where = f"{visit.name(endpoint)} [{role}]"
                page.goto(visit.path.format(**site.ids()))
                findings += [f"{where}: {line}" for line in violations(page, logged)]
                if visit.act is not None:
                    with page.expect_navigation():
                        visit.act(page)
                    findings += [f"{where}, after: {line}" for line in violations(page, logged)]
                visited += 1
    assert visited > 0
    assert not findings, "\n".join(findings)
