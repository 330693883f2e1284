"""Readable by everyone: errors said and tied to their fields, the course's words in their own
language, the whole course at 320 px, text at 200 %, and pages (the certificate above all) on
paper."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Page, TimeoutError, expect

from lms.content import load_course, read_tree
from tests.browser.pages import expire_form_token, submit
from tests.browser.site import FIRST_MODULE, MODULES, Site, page_as

pytestmark = pytest.mark.browser

# Every field marked invalid, with the texts of the error messages it is described by.
INVALID_FIELDS = """() => [...document.querySelectorAll('[aria-invalid="true"]')].map(field => ({
  id: field.id,
  errors: (field.getAttribute('aria-describedby') || '').split(/\\s+/)
    .map(id => document.getElementById(id))
    .filter(element => element && element.classList.contains('field-error'))
    .map(element => element.textContent.trim())
    .filter(Boolean),
}))"""

# Whether the focus is on an alert (autofocus moves it there once the page has rendered).
ALERT_FOCUSED = "() => document.activeElement.getAttribute('role') === 'alert'"


def alert_has_focus(page: Page) -> bool:
    """Wait for an alert to take the focus; False if none does."""
    try:
        page.wait_for_function(ALERT_FOCUSED, timeout=5_000)
    except TimeoutError:
        return False
    return True


@dataclass(frozen=True)
class BadForm:
    person: str
    path: str
    fill: Callable[[Page], None]
    fields: int  # how many fields the server marks invalid


BAD_FORMS = {
    "sign-up": BadForm("anonymous", "/join/{join}", submit, 4),
    "new password": BadForm(
        "anonymous",
        "/password/reset/{reset}",
        lambda page: submit(page, new_password="una-clave-larga", confirm="otra-distinta"),
        1,
    ),
    "change password": BadForm("learner", "/account/password", submit, 3),
    "new cohort": BadForm("instructor", "/manage/cohorts/new", submit, 1),
    "deadlines": BadForm(
        "instructor",
        "/manage/cohorts/{cohort}/deadlines",
        lambda page: submit(page, remind_days_before="99"),
        1,
    ),
}


@pytest.mark.parametrize("form", list(BAD_FORMS))
def test_form_errors_are_tied_to_their_fields_and_said_at_once(
    chromium: Any, site: Site, form: str
) -> None:
    bad = BAD_FORMS[form]
    with page_as(chromium, site, bad.person, "en") as page:
        page.goto(bad.path.format(**site.ids()))
        with page.expect_navigation():
            bad.fill(page)
        invalid = page.evaluate(INVALID_FIELDS)
        assert len(invalid) == bad.fields, invalid
        for field in invalid:
            assert field["errors"], f"#{field['id']} is invalid but says nowhere why"
        # The summary is an alert and has the focus, so it is read first; it leads to each field.
        assert alert_has_focus(page), "the error summary is not focused as the page opens"
        links = page.locator("#form-errors a[href^='#']")
        if links.count():
            targets = {link.get_attribute("href") for link in links.all()}
            assert targets == {f"#{field['id']}" for field in invalid}


def test_a_sign_in_refused_and_an_expired_form_are_said_at_once(chromium: Any, site: Site) -> None:
    with page_as(chromium, site, "anonymous", "en") as page:
        page.goto("/login")
        with page.expect_navigation():
            submit(page, email="nobody@example.org", password="not the password")
        assert alert_has_focus(page)
    with page_as(chromium, site, "learner", "en") as page:
        page.goto(f"/learn/{FIRST_MODULE}/quiz")
        with page.expect_navigation():
            expire_form_token(page, "form.quiz-form")
        # The quiz comes back filled in, with the reason before it.
        expect(page.locator(".flash")).to_be_visible()
        expect(page.locator("form.quiz-form")).to_be_visible()


# The language each part of a page is read in: the nearest lang attribute.
LANGUAGE_OF = """selector => [...document.querySelectorAll(selector)].map(
  element => element.closest('[lang]').getAttribute('lang'))"""


def languages(page: Page, selector: str) -> set[str]:
    found: list[str] = page.evaluate(LANGUAGE_OF, selector)
    assert found, f"nothing on {page.url} matches {selector}"
    return set(found)


@pytest.mark.parametrize("interface", ["en", "pt"])
def test_the_spanish_course_is_marked_spanish_inside_another_interface(
    chromium: Any, site: Site, interface: str
) -> None:
    """A reader's screen reader speaks each part in its language: content es, the rest not."""
    reader = site.new_learner(f"lector-{interface}@example.org", interface, "es")
    lesson = f"/learn/{FIRST_MODULE}/key-concepts"
    content = {
        "/learn/": [".module-card h2", ".module-card > p:not(.module-status, .due)"],
        f"/learn/{FIRST_MODULE}/": ["h1", "article > div", "article > ul", "ol.lessons a"],
        lesson: [
            "article h1",
            "article > p:not(.meta)",
            "article li",
            ".check legend",
            "#check-m1-l1-c1 .options label span",
            "nav.pager a",
            "nav.breadcrumbs a[lang]",
        ],
        f"/learn/{FIRST_MODULE}/quiz": [
            "h1",
            "form.quiz-form legend",
            ".question-single .options span",
        ],
    }
    interface_words = {
        "/learn/": ["h1", ".module-status", ".progress-text"],
        f"/learn/{FIRST_MODULE}/": ["article > h2", "article .meta", ".progress-text"],
        lesson: ["article .meta", ".check h2", ".check button", "nav.pager button"],
        f"/learn/{FIRST_MODULE}/quiz": [
            ".meta",
            "form.quiz-form button[type=submit]",
            ".question-truefalse .options span",
            ".answer-label",
            ".instructions",
            ".points",
        ],
    }
    with page_as(chromium, site, reader) as page:
        for path, selectors in content.items():
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", interface)
            for selector in selectors:
                assert languages(page, selector) == {"es"}, f"{path} {selector}"
            for selector in interface_words[path]:
                assert languages(page, selector) == {interface}, f"{path} {selector}"
        # The review of an attempt (sent blank): the questions in Spanish, the marks not.
        page.click("form.quiz-form button[type=submit]")
        page.wait_for_url(re.compile(r"/quiz/attempts/1$"))
        assert languages(page, ".review .stem") == {"es"}
        assert languages(page, ".review .options li > span:not(.mark)") == {"es"}
        for selector in (".review .result", ".question-truefalse.review > p"):
            assert languages(page, selector) == {interface}, selector


# Sideways scrolling at 320 CSS pixels: how much wider than the window the page is.
EXCESS_WIDTH = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def test_every_lesson_module_and_quiz_of_the_course_reflows_at_320_px(
    chromium: Any, site: Site
) -> None:
    """The real course, both its languages: long addresses wrap, wide tables scroll inside."""
    course = load_course(read_tree(MODULES))
    paths = []
    for module in course.modules:
        paths.append(f"/learn/{module.slug}/")
        paths += [f"/learn/{module.slug}/{lesson.slug}" for lesson in module.lessons]
        if module.quiz:
            paths.append(f"/learn/{module.slug}/quiz")
    wide: list[str] = []
    for language in ("es", "en"):
        reader = site.new_learner(f"telefono-{language}@example.org", "en", language)
        with page_as(chromium, site, reader, viewport={"width": 320, "height": 640}) as page:
            for path in paths:
                page.goto(path)
                excess = page.evaluate(EXCESS_WIDTH)
                if excess > 0:
                    wide.append(f"{path} ({language}) is {excess} px too wide")
            # A table wider than the phone scrolls in its own box, which the keyboard reaches.
            page.goto(f"/learn/{FIRST_MODULE}/key-concepts")
            box = page.locator("article .table-scroll").first
            assert box.evaluate("b => b.scrollWidth > b.clientWidth"), "the table fits: test moot"
            assert box.get_attribute("tabindex") == "0"
    assert not wide, "\n".join(wide)


# Nothing clipped or overlapping: controls and labels of the header and the forms, and the
# headings, each whole and apart from the others.
CLASHES = """() => {
  const parts = [...document.querySelectorAll(
    'header a, header label, header select, header button, main h1, main h2, main label, ' +
    'main input:not([type=hidden]), main select, main button, main textarea, main .button')]
    .filter(element => element.checkVisibility() && element.getClientRects().length);
  const found = [];
  const name = element => element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
    + (element.className ? '.' + element.className : '');
  for (const element of parts) {
    const style = getComputedStyle(element);
    const clips = style.overflowX !== 'visible' || style.overflowY !== 'visible';
    if (clips && (element.scrollWidth > element.clientWidth + 1
                  || element.scrollHeight > element.clientHeight + 1)) {
      found.push('clipped: ' + name(element));
    }
  }
  for (let i = 0; i < parts.length; i++) {
    for (let j = i + 1; j < parts.length; j++) {
      const a = parts[i], b = parts[j];
      if (a.contains(b) || b.contains(a) || (a.control && a.control === b)) continue;
      const r = a.getBoundingClientRect(), s = b.getBoundingClientRect();
      const x = Math.min(r.right, s.right) - Math.max(r.left, s.left);
      const y = Math.min(r.bottom, s.bottom) - Math.max(r.top, s.top);
      if (x > 1 && y > 1) found.push('overlap: ' + name(a) + ' / ' + name(b));
    }
  }
  return found;
}"""


@pytest.mark.parametrize(
    ("person", "path"),
    [
        ("learner", f"/learn/{FIRST_MODULE}/key-concepts"),
        ("learner", f"/learn/{FIRST_MODULE}/quiz"),
        ("learner", "/account/password"),
        ("instructor", "/manage/cohorts/{cohort}/progress"),
    ],
)
def test_text_at_200_percent_keeps_everything_whole_and_apart(
    chromium: Any, site: Site, person: str, path: str
) -> None:
    with page_as(chromium, site, person, "en", viewport={"width": 1024, "height": 768}) as page:
        page.goto(path.format(**site.ids()))
        before = page.evaluate("() => getComputedStyle(document.body).fontSize")
        # The browser's text size at 200 %: the root font size every rem follows.
        page.evaluate("() => { document.documentElement.style.fontSize = '200%'; }")
        after = page.evaluate("() => getComputedStyle(document.body).fontSize")
        assert float(after[:-2]) == 2 * float(before[:-2])
        assert page.evaluate(CLASHES) == []
        assert page.evaluate(EXCESS_WIDTH) <= 0


PAGE_OBJECTS = re.compile(rb"/Type\s*/Page\b")


def test_the_certificate_prints_on_one_page_and_offers_the_pdf(chromium: Any, site: Site) -> None:
    with page_as(chromium, site, "graduate", "en") as page:
        page.goto("/learn/certificate")
        offer = page.locator('main a[href$="/learn/certificate.pdf"]')
        expect(offer).to_be_visible()
        download = page.request.get(offer.get_attribute("href") or "")
        assert download.ok and download.headers["content-type"] == "application/pdf"

        page.emulate_media(media="print")
        for chrome in (".site-header", ".skip-link", ".language-switch", ".site-footer", offer):
            target = page.locator(chrome) if isinstance(chrome, str) else chrome
            expect(target).to_be_hidden()
        expect(page.locator(".certificate h1")).to_be_visible()
        for paper in ("A4", "Letter"):
            pdf = page.pdf(format=paper, print_background=True)
            assert len(PAGE_OBJECTS.findall(pdf)) == 1, (
                f"the certificate takes more than one {paper}"
            )


def test_a_lesson_prints_its_content_without_the_navigation(chromium: Any, site: Site) -> None:
    with page_as(chromium, site, "learner", "en") as page:
        page.goto(f"/learn/{FIRST_MODULE}/key-concepts")
        page.emulate_media(media="print")
        expect(page.locator("article h1")).to_be_visible()
        for chrome in ("nav.breadcrumbs", "nav.pager", ".site-nav", "main button"):
            expect(page.locator(chrome).first).to_be_hidden()
        page.emulate_media(media="screen")
        expect(page.locator("nav.pager")).to_be_visible()
