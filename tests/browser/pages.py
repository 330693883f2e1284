"""Every page the platform serves, in every state worth checking, and who can see it.

The inventory is keyed by the endpoints of `app.url_map`: a test fails when a GET route has
neither visits here nor a reason in LEFT_OUT, so a new page cannot go unchecked. Addresses use
the placeholders of `Site.ids()`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from playwright.sync_api import Page

ROLES = ("anonymous", "learner", "instructor", "admin")
# Who a page is checked as. Instructors and administrators get the same markup on every page
# they share (the header knows only "staff"), so the instructor checks those and the
# administrator the pages that differ; staff see the learner's pages as learners do.
ANONYMOUS = ("anonymous",)
LEARNER = ("learner",)
STAFF = ("instructor",)
ADMIN = ("admin",)
SIGNED_IN = ("learner", "instructor", "admin")
EVERYONE = ROLES


def submit(page: Page, form: str = "main form", **values: str) -> None:
    """Fill fields (by id) and send the form as it is, past the browser's own checks.

    The server's answer to a wrong entry is what is under test, so the browser's constraint
    validation (which would stop some entries earlier) is bypassed with form.submit().
    """
    for field, value in values.items():
        page.locator(f"#{field}").fill(value)
    page.locator(form).first.evaluate("form => form.submit()")


def expire_form_token(page: Page, form: str = "main form") -> None:
    """Send a form whose security token has gone stale, as after a long pause."""
    page.locator(f'{form} input[name="csrf_token"]').first.evaluate("i => i.value = 'stale'")
    page.locator(form).first.evaluate("form => form.submit()")


def upload(page: Page, field: str, name: str, data: bytes, mime: str) -> None:
    """Choose a file in an upload field and send its form."""
    page.locator(f"#{field}").set_input_files({"name": name, "mimeType": mime, "buffer": data})
    page.locator("main form").last.evaluate("form => form.submit()")


@dataclass(frozen=True)
class Visit:
    """One page in one state: open `path`, then `act` (if any) to reach the state.

    `roles` are the roles the page is checked as (see STAFF above), not all who may open it.
    """

    path: str
    roles: tuple[str, ...]
    state: str = ""
    status: int = 200
    act: Callable[[Page], None] | None = None
    # Another account of the role, for states one person cannot be in at once (a graduate).
    account: str | None = None

    def name(self, endpoint: str) -> str:
        return f"{endpoint} ({self.state})" if self.state else endpoint


LESSON = "/learn/{module}/{lesson}"
# Requests above this size are refused whole (the site's MAX_CONTENT_LENGTH is lowered to it).
TOO_LARGE = 400_000
EDITED_FILE = "{folder}/01-key-concepts.es.md"

INVENTORY: dict[str, list[Visit]] = {
    "index": [Visit("/", EVERYONE)],
    "auth.login": [
        Visit("/login", ANONYMOUS),
        Visit(
            "/login",
            ANONYMOUS,
            "wrong password",
            422,
            lambda page: submit(page, email="nadie@example.org", password="no es esta"),
        ),
        Visit("/login", ANONYMOUS, "expired form", 400, expire_form_token),
    ],
    "auth.account": [Visit("/account", SIGNED_IN)],
    "auth.change_password": [
        Visit("/account/password", LEARNER),
        Visit("/account/password", LEARNER, "form with errors", 422, lambda page: submit(page)),
    ],
    "auth.forgot_password": [
        Visit("/password/forgot", ANONYMOUS),
        Visit(
            "/password/forgot",
            ANONYMOUS,
            "form with errors",
            422,
            lambda page: submit(page, email=""),
        ),
        Visit(
            "/password/forgot",
            ANONYMOUS,
            "link sent",
            200,
            lambda page: submit(page, email="alguien@example.org"),
        ),
    ],
    "auth.reset_password": [
        Visit("/password/reset/{reset}", ANONYMOUS),
        Visit(
            "/password/reset/{reset}",
            ANONYMOUS,
            "form with errors",
            422,
            lambda page: submit(page, new_password="una-clave-larga", confirm="otra-distinta"),
        ),
        Visit("/password/reset/not-a-real-link", ANONYMOUS, "invalid link", 410),
    ],
    "auth.confirm_email": [
        Visit("/account/email/confirm/not-a-real-link", ANONYMOUS, "invalid link", 410),
    ],
    "cohorts.join": [
        Visit("/join/{join}", ANONYMOUS, "sign-up form"),
        Visit("/join/{join}", ANONYMOUS, "form with errors", 422, lambda page: submit(page)),
        Visit("/join/{join}", LEARNER, "already enrolled"),
        Visit("/join/no-such-link", ("anonymous", "learner"), "invalid link", 404),
    ],
    "cohorts.accept_invitation": [
        Visit("/invitation/{invitation}", ANONYMOUS, "sign-up form"),
        Visit("/invitation/{invitation}", STAFF, "signed in"),
        Visit("/invitation/{expired_invitation}", ANONYMOUS, "expired link", 410),
    ],
    "learning.home": [Visit("/learn/", LEARNER)],
    "learning.resume": [Visit("/learn/continue", LEARNER, "back to the last lesson")],
    "learning.module": [Visit("/learn/{module}/", LEARNER)],
    "learning.lesson": [
        Visit(LESSON, LEARNER),
        Visit("/learn/{module}/no-such-lesson", LEARNER, "missing lesson", 404),
    ],
    "learning.quiz": [
        Visit("/learn/{module}/quiz", LEARNER),
        Visit("/learn/{module}/quiz", LEARNER, "expired form", 400, expire_form_token),
    ],
    "learning.attempt": [Visit("/learn/{module}/quiz/attempts/{attempt}", LEARNER, "review")],
    "learning.offline_page": [
        Visit("/learn/offline", LEARNER, "shown offline for a page never opened")
    ],
    "learning.certificate": [
        Visit("/learn/certificate", LEARNER, "not yet earned"),
        Visit("/learn/certificate", LEARNER, "issued", account="graduate"),
    ],
    "learning.verify": [
        Visit("/learn/verify/{code}", ANONYMOUS),
        Visit("/learn/verify/AAAA-BBBB-CCCC", ANONYMOUS, "unknown code", 404),
    ],
    "manage.index": [
        Visit("/manage", ("instructor", "admin")),
        Visit("/manage", LEARNER, "forbidden", 403),
    ],
    "manage.users": [
        Visit("/manage/users", ADMIN),
        Visit("/manage/users", ("instructor",), "forbidden", 403),
    ],
    "manage.health_page": [Visit("/manage/health", ADMIN)],
    "manage.audit_log": [
        Visit("/manage/audit", ADMIN),
        Visit("/manage/audit?action=auth.&since=2026-01-01", ADMIN, "filtered"),
        Visit("/manage/audit?since=yesterday&actor=nobody@example.org", ADMIN, "bad filters", 422),
    ],
    "cohorts.index": [Visit("/manage/cohorts", ("instructor", "admin"))],
    "cohorts.create": [
        Visit("/manage/cohorts/new", STAFF),
        Visit("/manage/cohorts/new", STAFF, "form with errors", 422, lambda page: submit(page)),
    ],
    "cohorts.detail": [Visit("/manage/cohorts/{cohort}", STAFF)],
    "cohorts.invitation_list": [Visit("/manage/cohorts/{cohort}/invitations", STAFF)],
    "cohorts.upload_roster": [
        Visit("/manage/cohorts/{cohort}/invitations/upload", STAFF),
        Visit(
            "/manage/cohorts/{cohort}/invitations/upload",
            STAFF,
            "unreadable file",
            422,
            lambda page: upload(page, "roster", "lista.pdf", b"%PDF-1.4", "application/pdf"),
        ),
        Visit(
            "/manage/cohorts/{cohort}/invitations/upload",
            STAFF,
            "file too large",
            413,
            lambda page: upload(page, "roster", "lista.csv", b"x" * TOO_LARGE, "text/csv"),
        ),
    ],
    "cohorts.roster_preview": [
        Visit("/manage/cohorts/{cohort}/invitations/upload/{upload}", STAFF, "rows with problems")
    ],
    "deadlines.edit": [
        Visit("/manage/cohorts/{cohort}/deadlines", STAFF),
        Visit(
            "/manage/cohorts/{cohort}/deadlines",
            STAFF,
            "form with errors",
            422,
            lambda page: submit(page, remind_days_before="99"),
        ),
    ],
    "reports.progress": [Visit("/manage/cohorts/{cohort}/progress", STAFF)],
    "reports.learner": [Visit("/manage/cohorts/{cohort}/learners/{learner}", STAFF)],
    "reports.items": [Visit("/manage/cohorts/{cohort}/items/{module}", STAFF)],
    "exports.index": [Visit("/manage/exports/", STAFF)],
    "authoring.tree": [Visit("/manage/editor/", STAFF)],
    "authoring.activity": [Visit("/manage/editor/activity", STAFF)],
    "authoring.changes": [Visit("/manage/editor/changes", STAFF)],
    "authoring.edit": [
        Visit(f"/manage/editor/files/{EDITED_FILE}", STAFF),
        Visit(
            f"/manage/editor/files/{EDITED_FILE}",
            STAFF,
            "conflicting save",
            409,
            lambda page: page.evaluate(
                "() => { const form = document.querySelector('#editor-form');"
                " form.revision.value = '-1'; form.text.value += '\\nOtro párrafo.\\n';"
                " form.submit(); }"
            ),
        ),
        Visit(
            f"/manage/editor/files/{EDITED_FILE}",
            STAFF,
            "bad request",
            400,
            lambda page: page.evaluate(
                "() => { const form = document.querySelector('#editor-form');"
                " form.revision.value = 'none'; form.submit(); }"
            ),
        ),
        Visit("/manage/editor/files/{folder}/99-nothing.es.md", STAFF, "missing file", 404),
    ],
    "authoring.history": [Visit("/manage/editor/history", STAFF)],
    "authoring.version": [Visit("/manage/editor/history/1", STAFF)],
    "authoring.version_file": [Visit(f"/manage/editor/history/1/files/{EDITED_FILE}", STAFF)],
    "authoring.compare": [Visit("/manage/editor/history/compare?from=1&to=2", STAFF)],
    "authoring.new_module": [
        Visit("/manage/editor/modules/new", STAFF),
        Visit(
            "/manage/editor/modules/new",
            STAFF,
            "form with errors",
            422,
            lambda page: submit(page, slug="No Vale"),
        ),
    ],
    "authoring.new_lesson": [
        Visit("/manage/editor/modules/{folder}/lessons/new", STAFF),
        Visit(
            "/manage/editor/modules/{folder}/lessons/new",
            STAFF,
            "form with errors",
            422,
            lambda page: submit(page, slug="key-concepts"),
        ),
    ],
    "authoring.retitle_lesson": [
        Visit("/manage/editor/modules/{folder}/lessons/{lesson}/title", STAFF),
        Visit(
            "/manage/editor/modules/{folder}/lessons/{lesson}/title",
            STAFF,
            "form with errors",
            422,
            lambda page: submit(page, title_es="", title_en=""),
        ),
    ],
    "authoring.delete_lesson": [
        Visit("/manage/editor/modules/{folder}/lessons/{lesson}/delete", STAFF)
    ],
    "authoring.upload_media": [
        Visit("/manage/editor/modules/{folder}/media", STAFF),
        Visit(
            "/manage/editor/modules/{folder}/media",
            STAFF,
            "not an image",
            422,
            lambda page: upload(page, "image", "nota.png", b"not a picture", "image/png"),
        ),
    ],
}

# GET routes that serve no HTML page, and why they are not swept.
LEFT_OUT = {
    "static": "stylesheets, scripts and fonts, not pages",
    "favicon": "an empty answer to the browser's own request for an icon",
    "learning.media": "lesson images, served as files",
    "learning.offline_worker": "the service worker's script, not a page",
    "learning.certificate_pdf": "a PDF download (the print tests read it)",
    "learner_certificates.learner_pdf": "a PDF download for staff",
    "reports.grades": "a CSV or XLSX download",
    "reports.responses": "a CSV or XLSX download",
    "cohorts.invitation_links": "a CSV download",
    "exports.download": "a SCORM package or Moodle XML download",
    "manage.health_json": "JSON for monitoring",
    "readiness.ready": "one word of plain text for load balancers",
    "auth.data_json": "a person's own data as a JSON download",
    "auth.data_zip": "a person's own data as a zip of CSV files",
}

# Error pages that no address shows on purpose: the site serves them from a test route.
SERVER_ERROR = Visit("/__fails", EVERYONE, "server error", 500)


def visits_for(role: str) -> list[tuple[str, Visit]]:
    """The role's visits in inventory order, each with its endpoint."""
    found = [
        (endpoint, visit)
        for endpoint, visits in INVENTORY.items()
        for visit in visits
        if role in visit.roles
    ]
    if role in SERVER_ERROR.roles:
        found.append(("server error", SERVER_ERROR))
    return found
