"""Every page, for every role, in every language: axe-core finds no violation of WCAG 2.0/2.1
A and AA (nor of its best practices for headings and landmarks), nothing scrolls sideways at
320 CSS pixels, and printing leaves out the navigation.

One browser context per role, account and language visits the role's pages one after another
(see tests/browser/pages.py for the inventory and docs/development.md for how to run this).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page

from tests.browser.pages import INVENTORY, LEFT_OUT, ROLES, Visit, visits_for
from tests.browser.site import Site, page_as

pytestmark = pytest.mark.browser

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
LANGUAGES = ("es", "en", "pt")
DESKTOP = {"width": 1280, "height": 800}
NARROWEST = {"width": 320, "height": 640}
# axe-core checks the desktop layout in Spanish and English and the phone layout (where wide
# tables scroll) in Portuguese; every page is also measured at 320 px in every language.
LAYOUT = {"es": DESKTOP, "en": DESKTOP, "pt": NARROWEST}

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {
    runOnly: {type: 'tag', values: tags}, resultTypes: ['violations'],
  });
  return result.violations.map(v => ({
    rule: v.id,
    help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(' ') + ': ' + n.failureSummary),
  }));
}"""

# What is wider than the window at 320 px: the element that sticks out furthest, named.
OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return null;
  let widest = null, right = root.clientWidth;
  for (const element of document.body.querySelectorAll('*')) {
    const box = element.getBoundingClientRect();
    if (box.right > right + 0.5) {
      right = box.right;
      widest = element.tagName.toLowerCase() + (element.className ? '.' + element.className : '');
    }
  }
  return `${root.scrollWidth} px wide (${widest} reaches ${Math.round(right)} px)`;
}"""

# Printing: the header and its navigation, the language switch, the skip link, every other
# navigation, the buttons and the footer are left off the paper.
CHROME_ON_PAPER = """() => [...document.querySelectorAll(
    '.skip-link, .site-header, nav, .language-switch, .site-footer, button, .button')]
  .filter(element => element.checkVisibility())
  .map(element => element.outerHTML.slice(0, 80))"""


def test_every_get_route_is_in_the_inventory_or_left_out_for_a_reason(app: Flask) -> None:
    routes = {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in (rule.methods or ())}
    unchecked = routes - INVENTORY.keys() - LEFT_OUT.keys()
    assert not unchecked, f"add these pages to tests/browser/pages.py: {sorted(unchecked)}"
    stale = (INVENTORY.keys() | LEFT_OUT.keys()) - routes
    assert not stale, f"no longer routes: {sorted(stale)}"
    assert all(INVENTORY.values()), "every page in the inventory has a visit"


def test_every_visit_is_made_by_some_role() -> None:
    for endpoint, visits in INVENTORY.items():
        for visit in visits:
            assert visit.roles, f"{endpoint}: nobody checks {visit.path}"
            assert set(visit.roles) <= set(ROLES), f"{endpoint}: unknown role in {visit.roles}"


def test_the_checker_finds_what_is_wrong(chromium: Any, site: Site) -> None:
    """The sweep can fail: axe-core reports real faults planted in a real page."""
    with role_context(chromium, site, "anonymous", "en") as page:
        page.goto("/login")
        # Styles through the CSSOM, which a Content-Security-Policy does not block.
        page.evaluate(
            """() => {
              document.querySelector('main').insertAdjacentHTML('beforeend',
                '<img src="/static/none.png"><p id="pale">pale</p><input type="text">');
              document.querySelector('#pale').style.color = '#bbb';
            }"""
        )
        rules = {problem.split(" ")[0] for problem in problems_on(page)}
        assert {"image-alt", "color-contrast", "label"} <= rules
        page.evaluate("() => { document.body.style.width = '600px'; }")
        assert "600 px wide" in (overflow_at_320(page) or "")
        page.evaluate("() => { document.body.style.width = ''; }")
        page.evaluate(
            """() => document.styleSheets[0].insertRule(
              '@media print { .site-footer { display: block !important } }',
              document.styleSheets[0].cssRules.length)"""
        )
        assert any("site-footer" in html for html in chrome_in_print(page))


@contextmanager
def role_context(
    browser: Any, site: Site, role: str, language: str, account: str | None = None
) -> Iterator[Page]:
    """A page signed in as the role's person (or `account`), in the language's layout."""
    with page_as(browser, site, account or role, language, viewport=LAYOUT[language]) as page:
        yield page


def open_visit(page: Page, site: Site, visit: Visit) -> int:
    """Open the visit's page and bring it to its state; returns the last HTTP status."""
    response = page.goto(visit.path.format(**site.ids()))
    assert response is not None
    if visit.act is None:
        return response.status
    with page.expect_navigation() as navigation:
        visit.act(page)
    answered = navigation.value
    assert answered is not None
    return answered.status


def problems_on(page: Page) -> list[str]:
    """axe-core's violations on the page, one line per rule."""
    found = page.evaluate(RUN_AXE, AXE_TAGS)
    return [f"{v['rule']} ({v['help']}): {' | '.join(v['nodes'])}" for v in found]


def overflow_at_320(page: Page) -> str | None:
    """What scrolls sideways at 320 CSS pixels, or None."""
    layout = page.viewport_size
    assert layout is not None
    if layout != NARROWEST:
        page.set_viewport_size(NARROWEST)
    try:
        return page.evaluate(OVERFLOW)  # type: ignore[no-any-return]
    finally:
        if layout != NARROWEST:
            page.set_viewport_size(layout)


def chrome_in_print(page: Page) -> list[str]:
    """Navigation and controls still shown when the page is printed."""
    page.emulate_media(media="print")
    try:
        return page.evaluate(CHROME_ON_PAPER)  # type: ignore[no-any-return]
    finally:
        page.emulate_media(media="screen")


def accounts_of(role: str) -> list[str | None]:
    """The role's own person first, then any other account its visits need."""
    others = {visit.account for _, visit in visits_for(role) if visit.account}
    return [None, *sorted(others)]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_page_is_accessible_reflows_and_prints_clean(
    chromium: Any,
    site: Site,
    role: str,
    language: str,
) -> None:
    findings: list[str] = []
    for account in accounts_of(role):
        with role_context(chromium, site, role, language, account) as page:
            for endpoint, visit in visits_for(role):
                if visit.account != account:
                    continue
                where = f"{visit.name(endpoint)} [{role}, {language}]"
                status = open_visit(page, site, visit)
                if status != visit.status:
                    findings.append(f"{where}: HTTP {status}, expected {visit.status}")
                findings += [f"{where}: {problem}" for problem in problems_on(page)]
                overflow = overflow_at_320(page)
                if overflow:
                    findings.append(f"{where}: at 320 px the page is {overflow}")
                findings += [f"{where}: printed: {html}" for html in chrome_in_print(page)]
    assert not findings, "\n".join(findings)
