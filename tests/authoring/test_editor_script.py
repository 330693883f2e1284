"""The course editor's script in Chromium, over a static copy of the page and fake endpoints.

The page follows the editor page's contract (form, status, restore, conflict, problems and
preview elements); the JSON endpoints answer as the tests say, and can hold an answer back to
show what happens while a request is on its way.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from html import escape
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect
from playwright.sync_api import Error as PlaywrightError

from tests.browser.chromium import watched_page

pytestmark = pytest.mark.browser

STATIC = Path(__file__).resolve().parents[2] / "lms" / "static"
ORIGIN = "http://editor.test"
PATH = "01-understanding-migration/01-key-concepts.en.md"
PAIR = "01-understanding-migration/01-key-concepts.es.md"
STORAGE_KEY = f"lms-editor/7/{PATH}"
TEXT = "---\ntitle: Key concepts\n---\n\n# Key concepts\n\nMigration is movement.\n"
CSRF = "token-123"
# The page's messages in another language, to show they replace the English ones.
MESSAGES = {"saved": "Borrador guardado a las {time}."}

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Editor</title>
<link rel="stylesheet" href="/static/lms.css">
<link rel="stylesheet" href="/static/editor/editor.css">
<script src="/static/editor/editor.js" defer></script></head>
<body><main class="wrap"><div class="editor-layout"><div class="editor-pane">
<form id="editor-form" method="post" action="/manage/editor/save-form"
      data-preview-url="/manage/editor/preview" data-save-url="/manage/editor/save"
      data-path="{path}" data-revision="{revision}" data-storage-key="{key}" data-lang="en">
  <input type="hidden" name="csrf_token" value="{csrf}">
  <input type="hidden" name="revision" value="{revision}">
  <label for="editor-text">Markdown of 01-key-concepts.en.md</label>
  <textarea id="editor-text" name="text" rows="30">{text}</textarea>
  <button type="submit">Save draft</button>
</form>
<p id="editor-status" role="status" aria-live="polite"></p>
<div id="editor-restore" hidden></div>
<div id="editor-conflict" hidden></div>
<section id="editor-problems"><h2>Problems</h2><ol>
  <li class="problem-here">
    <a href="#editor-text" data-line="2" data-here="true">Line 2: Title missing</a></li>
  <li class="problem-pair"><a href="/manage/editor/edit/{pair}" data-line="4" data-here="false">
    <code>{pair}</code> Line 4: Old</a></li>
</ol></section></div>
<section id="editor-preview" class="editor-preview" lang="en"><p>Server preview</p></section>
</div></main>
<script type="application/json" id="editor-messages">{messages}</script>
</body></html>
"""

Reply = tuple[int, dict[str, Any]] | None  # None holds the request back
OFFLINE: Reply = (0, {})  # the request fails as when the connection drops


@dataclass
class FakeServer:
    """The editor page and its two endpoints; records every request the script sends."""

    text: str = TEXT
    revision: int = 17
    preview: Callable[[dict[str, Any]], Reply] = lambda body: (200, {"html": "", "problems": []})
    save: Callable[[dict[str, Any]], Reply] = lambda body: (200, saved(body["revision"] + 1))
    previews: list[dict[str, Any]] = field(default_factory=list)
    saves: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    held: list[Route] = field(default_factory=list)

    def install(self, page: Page) -> None:
        """Answer every request `page` makes to the fake origin."""
        page.route(f"{ORIGIN}/**", self.handle)

    def handle(self, route: Route) -> None:
        url = route.request.url.removeprefix(ORIGIN)
        if url == "/edit":
            route.fulfill(content_type="text/html", body=self.page())
        elif url.startswith("/static/"):
            kind = "text/css" if url.endswith(".css") else "text/javascript"
            route.fulfill(content_type=kind, body=(STATIC / url[len("/static/") :]).read_bytes())
        elif url in ("/manage/editor/preview", "/manage/editor/save"):
            body = json.loads(route.request.post_data or "{}")
            self.headers.append(route.request.headers)
            is_save = url.endswith("save")
            (self.saves if is_save else self.previews).append(body)
            reply = (self.save if is_save else self.preview)(body)
            if reply is None:
                self.held.append(route)
            elif reply == OFFLINE:
                route.abort("internetdisconnected")
            else:
                answer(route, *reply)
        else:
            route.fulfill(status=404, body="")

    def page(self) -> str:
        """The editor page for the server's text and revision."""
        return PAGE.format(
            path=PATH,
            pair=PAIR,
            revision=self.revision,
            key=escape(STORAGE_KEY),
            csrf=CSRF,
            text=escape(self.text),
            messages=json.dumps(MESSAGES),
        )


def answer(route: Route, status: int, data: dict[str, Any]) -> None:
    """Answer a request with JSON."""
    route.fulfill(status=status, content_type="application/json", body=json.dumps(data))


def saved(revision: int, problems: int = 0) -> dict[str, Any]:
    """A successful save's answer; 17:05 UTC is 14:05 in Buenos Aires, the browser's zone."""
    return {"revision": revision, "saved_at": "2025-03-01T17:05:00+00:00", "problems": problems}


@pytest.fixture
def page(chromium: Browser) -> Iterator[Page]:
    """A fresh page in Buenos Aires time; fails the test if the script throws."""
    with watched_page(chromium, timezone_id="America/Argentina/Buenos_Aires") as page:
        yield page


def open_editor(page: Page, server: FakeServer) -> None:
    """Load the editor page from `server` and wait for the script to be ready."""
    server.install(page)
    page.goto(f"{ORIGIN}/edit")
    expect(page.locator("html")).to_have_attribute("data-editor-ready", "1")


def type_at_end(page: Page, text: str) -> None:
    """Type `text` at the end of the editor's text, as a person would."""
    page.locator(".cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type(text)


def editor_text(page: Page) -> str:
    """The editor's text."""
    return str(page.evaluate("window.lmsEditor.getText()"))


def cursor_line(page: Page) -> int:
    """The 1-based line of the editor's cursor."""
    script = "(() => { const s = window.lmsEditor.view.state;"
    script += " return s.doc.lineAt(s.selection.main.head).number; })()"
    return int(page.evaluate(script))


def wait_until(page: Page, condition: Callable[[], bool], timeout_ms: int = 10_000) -> None:
    """Let the page run until `condition` holds (the fake server answers meanwhile)."""
    for _ in range(timeout_ms // 50):
        if condition():
            return
        page.wait_for_timeout(50)
    raise AssertionError("timed out waiting for the editor")


def stored_copy(page: Page) -> Any:
    """The copy of unsaved text the page keeps on the device, or None."""
    return page.evaluate(f"JSON.parse(localStorage.getItem({json.dumps(STORAGE_KEY)}))")


def test_the_editor_replaces_the_textarea_and_keeps_it_in_sync(page: Page) -> None:
    server = FakeServer()
    open_editor(page, server)
    textarea = page.locator("#editor-text")
    expect(textarea).to_be_hidden()
    content = page.locator(".cm-content")
    expect(content).to_have_attribute("aria-label", "Markdown of 01-key-concepts.en.md")
    assert editor_text(page) == TEXT
    # The page's problems of this file are marked at their line before anything is typed.
    expect(page.locator(".cm-line").nth(1).locator(".cm-lintRange-error")).to_have_count(1)

    # Front matter is not taken for a heading ("title: …" above "---"); the heading is one.
    lines = page.locator(".cm-line")
    expect(lines.nth(1)).to_have_css("font-weight", "400")
    expect(lines.nth(4).locator("span").first).to_have_css("font-weight", "700")

    type_at_end(page, "More.")
    assert textarea.input_value() == TEXT + "More."
    # Tab leaves the editor for the next control, as in any other field.
    page.keyboard.press("Tab")
    expect(page.get_by_role("button", name="Save draft")).to_be_focused()


def test_a_preview_marks_problems_at_their_line_and_the_list_leads_there(page: Page) -> None:
    problems = [
        {"path": PATH, "line": 5, "message": "Headings need text", "here": True},
        {"path": PAIR, "line": 3, "message": "Missing title", "here": False},
    ]
    server = FakeServer(preview=lambda body: (200, {"html": "<p>Fresh</p>", "problems": problems}))
    open_editor(page, server)
    type_at_end(page, "x")

    expect(page.locator("#editor-preview")).to_have_text("Fresh")
    assert server.previews == [{"path": PATH, "text": TEXT + "x"}]
    assert server.headers[0]["x-csrftoken"] == CSRF
    assert server.headers[0]["content-type"] == "application/json"
    # Only this file's problem is marked in the editor, on line 5.
    expect(page.locator(".cm-lintRange-error")).to_have_count(1)
    expect(page.locator(".cm-line").nth(4).locator(".cm-lintRange-error")).to_have_count(1)
    items = page.locator("#editor-problems li")
    expect(items).to_have_text(
        ["Line 5: Headings need text", "01-key-concepts.es.md Line 3: Missing title"]
    )
    expect(items.nth(1).locator("a")).to_have_attribute("href", f"/manage/editor/edit/{PAIR}")

    page.locator("#editor-problems a[data-here=true]").focus()
    page.keyboard.press("Enter")
    expect(page.locator(".cm-content")).to_be_focused()
    assert cursor_line(page) == 5
    assert page.url == f"{ORIGIN}/edit"


def test_only_the_latest_preview_is_shown(page: Page) -> None:
    server = FakeServer(preview=lambda body: None)
    open_editor(page, server)
    type_at_end(page, "a")
    wait_until(page, lambda: len(server.held) == 1)
    type_at_end(page, "b")
    wait_until(page, lambda: len(server.held) == 2)
    first, second = server.held
    answer(second, 200, {"html": "<p>Second</p>", "problems": []})
    expect(page.locator("#editor-preview")).to_have_text("Second")
    # The first answer comes late: it changes nothing (the script gave its request up).
    with contextlib.suppress(PlaywrightError):
        answer(first, 200, {"html": "<p>First</p>", "problems": []})
    page.wait_for_timeout(300)
    expect(page.locator("#editor-preview")).to_have_text("Second")


def test_autosave_sends_the_base_revision_one_save_at_a_time(page: Page) -> None:
    server = FakeServer(save=lambda body: None)
    open_editor(page, server)
    type_at_end(page, "One.")
    wait_until(page, lambda: len(server.saves) == 1)
    assert server.saves[0] == {"path": PATH, "text": TEXT + "One.", "revision": 17}
    assert stored_copy(page)["text"] == TEXT + "One."
    assert stored_copy(page)["revision"] == 17

    # Typing while that save is on its way sends nothing until it is answered.
    type_at_end(page, " Two.")
    page.wait_for_timeout(2500)
    assert len(server.saves) == 1
    server.save = lambda body: (200, saved(body["revision"] + 1, problems=2))
    answer(server.held.pop(), 200, saved(18))
    wait_until(page, lambda: len(server.saves) == 2)
    assert server.saves[1] == {"path": PATH, "text": TEXT + "One. Two.", "revision": 18}
    status = page.locator("#editor-status")
    expect(status).to_have_text("Draft saved at 14:05. Problems to fix before publishing: 2.")
    expect(page.locator("#editor-form input[name=revision]")).to_have_value("19")
    expect(page.locator("#editor-form")).to_have_attribute("data-revision", "19")
    # Saved as typed: nothing is left to offer back.
    assert stored_copy(page) is None


def test_the_save_button_saves_without_leaving_the_page(page: Page) -> None:
    server = FakeServer()
    open_editor(page, server)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#editor-status")).to_have_text(
        "Nothing new to save: the draft is up to date."
    )
    type_at_end(page, "!")
    page.get_by_role("button", name="Save draft").click()
    # The page's own translation of the message is used.
    expect(page.locator("#editor-status")).to_have_text("Borrador guardado a las 14:05.")
    assert server.saves == [{"path": PATH, "text": TEXT + "!", "revision": 17}]
    assert page.url == f"{ORIGIN}/edit"


CONFLICT = {
    "error": "conflict",
    "their_text": "Their text\n",
    "their_revision": 30,
    "their_author": "Ana Pérez",
    "their_saved_at": "2025-03-01T16:00:00+00:00",
    "diff_html": '<table class="diff"><tr><td>1</td><td>Their text</td></tr></table>',
}


def conflicted(page: Page) -> FakeServer:
    """An editor whose first save met a conflict; later saves succeed."""
    replies = iter([(409, CONFLICT)])
    server = FakeServer(save=lambda body: next(replies, (200, saved(body["revision"] + 1))))
    open_editor(page, server)
    type_at_end(page, "Mine.")
    page.get_by_role("button", name="Save draft").click()
    return server


def test_a_conflict_stops_autosave_and_keeping_mine_saves_over_theirs(page: Page) -> None:
    server = conflicted(page)
    panel = page.locator("#editor-conflict")
    expect(panel).to_be_visible()
    expect(panel.get_by_role("heading", name="Someone else saved this file")).to_be_focused()
    expect(panel).to_contain_text("Ana Pérez saved it at")
    expect(panel.locator("table.diff")).to_contain_text("Their text")
    type_at_end(page, " More.")
    page.wait_for_timeout(2500)
    assert len(server.saves) == 1

    keep = panel.get_by_role("button", name="Keep my version")
    keep.focus()
    page.keyboard.press("Enter")
    expect(panel).to_be_hidden()
    wait_until(page, lambda: len(server.saves) == 2)
    assert server.saves[1] == {"path": PATH, "text": TEXT + "Mine. More.", "revision": 30}
    expect(page.locator("#editor-form")).to_have_attribute("data-revision", "31")


def test_using_their_version_loads_it_and_forgets_mine(page: Page) -> None:
    server = conflicted(page)
    page.locator("#editor-conflict").get_by_role("button", name="Use their version").click()
    expect(page.locator("#editor-conflict")).to_be_hidden()
    assert editor_text(page) == "Their text\n"
    assert stored_copy(page) is None
    expect(page.locator("#editor-form")).to_have_attribute("data-revision", "30")
    type_at_end(page, "Next.")
    wait_until(page, lambda: len(server.saves) == 2)
    assert server.saves[1]["revision"] == 30


def test_offline_edits_stay_on_the_device_and_are_offered_back(page: Page) -> None:
    server = FakeServer(save=lambda body: OFFLINE)
    open_editor(page, server)
    type_at_end(page, "Written offline.")
    wait_until(page, lambda: len(server.saves) == 1)
    expect(page.locator("#editor-status")).to_contain_text("kept on this device")
    assert stored_copy(page)["text"] == TEXT + "Written offline."

    # The tab is reopened later; the server still has the old text.
    server.save = lambda body: (200, saved(body["revision"] + 1))
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-editor-ready", "1")
    banner = page.locator("#editor-restore")
    expect(banner.get_by_role("heading", name="Unsaved text on this device")).to_be_focused()
    assert editor_text(page) == TEXT
    banner.get_by_role("button", name="Restore my unsaved text").click()
    expect(banner).to_be_hidden()
    assert editor_text(page) == TEXT + "Written offline."
    wait_until(page, lambda: len(server.saves) == 2)
    assert server.saves[1] == {"path": PATH, "text": TEXT + "Written offline.", "revision": 17}
    expect(page.locator("#editor-status")).to_have_text("Borrador guardado a las 14:05.")
    assert stored_copy(page) is None


def test_a_discarded_copy_is_not_offered_again(page: Page) -> None:
    server = FakeServer()
    server.install(page)
    page.goto(f"{ORIGIN}/edit")
    page.evaluate(
        f"localStorage.setItem({json.dumps(STORAGE_KEY)}, JSON.stringify("
        "{text: 'Old words', revision: 12, savedAt: '2025-02-01T10:00:00Z'}))"
    )
    page.reload()
    page.locator("#editor-restore").get_by_role("button", name="Discard it").click()
    assert stored_copy(page) is None
    page.reload()
    expect(page.locator("html")).to_have_attribute("data-editor-ready", "1")
    expect(page.locator("#editor-restore")).to_be_hidden()
    assert server.saves == []


@pytest.mark.parametrize("failure", [OFFLINE, (503, {"error": "Down for maintenance"})])
def test_a_failed_save_is_tried_again_when_the_connection_returns(
    page: Page, failure: Reply
) -> None:
    server = FakeServer(save=lambda body: failure)
    open_editor(page, server)
    type_at_end(page, "Later.")
    wait_until(page, lambda: len(server.saves) == 1)
    expect(page.locator("#editor-status")).to_contain_text("will be saved when the connection")
    server.save = lambda body: (200, saved(body["revision"] + 1))
    page.evaluate("window.dispatchEvent(new Event('online'))")
    wait_until(page, lambda: len(server.saves) == 2)
    assert server.saves[1]["text"] == TEXT + "Later."
    expect(page.locator("#editor-status")).to_have_text("Borrador guardado a las 14:05.")
    assert stored_copy(page) is None


def test_a_failed_save_is_tried_again_every_15_seconds(page: Page) -> None:
    # The clock is paused: it moves only when the test moves it, so a slow machine (late
    # network events) cannot make timers fire early or late.
    page.clock.install()
    server = FakeServer(save=lambda body: OFFLINE)
    open_editor(page, server)
    page.clock.pause_at(page.evaluate("Date.now()"))
    type_at_end(page, "Later.")
    page.clock.run_for(2_100)
    wait_until(page, lambda: len(server.saves) == 1)
    expect(page.locator("#editor-status")).to_contain_text("kept on this device")
    page.clock.run_for(14_500)
    page.wait_for_timeout(200)
    assert len(server.saves) == 1  # not before 15 s
    page.clock.run_for(600)
    wait_until(page, lambda: len(server.saves) == 2)
    assert server.saves[1] == server.saves[0]


def test_a_refused_save_says_why_and_keeps_the_text(page: Page) -> None:
    refusal = "The form has expired: reload the page."
    server = FakeServer(save=lambda body: (400, {"error": refusal}))
    open_editor(page, server)
    type_at_end(page, "Kept.")
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator("#editor-status")).to_have_text(
        f"Draft not saved: {refusal} Your text is kept on this device."
    )
    assert stored_copy(page)["text"] == TEXT + "Kept."
