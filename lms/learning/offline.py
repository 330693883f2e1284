"""Reading offline: the service worker, the page it shows for what was never opened, and the
pages of a module it keeps.

The worker (lms/static/offline-worker.js) is served from /learn/ so that its scope covers the
learner's pages and nothing else: management pages and sign-in never pass through it. It keeps
the pages the learner opens, and every page of the modules they open, in one cache that belongs
to one learner: each learner page names its learner in LEARNER_HEADER, and a page for someone
else (or for no one) empties the cache first. The sign-in page empties it too (signed-out.js).
"""

from __future__ import annotations

from flask import Response, current_app, render_template, send_from_directory, url_for
from flask.typing import ResponseReturnValue

from lms.auth.access import login_required, public
from lms.auth.identity import current_account
from lms.content import Module
from lms.learning.views import bp
from lms.security import revalidated

WORKER_FILE = "offline-worker.js"
# Whose page this is, for the worker: it never keeps one learner's pages beside another's.
LEARNER_HEADER = "X-LMS-Learner"


@bp.get("/offline-worker.js")
@public("the service worker script; it holds no data")
def offline_worker() -> ResponseReturnValue:
    """The service worker, at a fixed address (content-hashed names would change its identity)."""
    assert current_app.static_folder is not None
    response: Response = send_from_directory(current_app.static_folder, WORKER_FILE, max_age=0)
    # Browsers check a worker for updates at most once a day anyway; never from a stale copy.
    response.cache_control.no_cache = True
    return response


@bp.get("/offline")
@revalidated  # kept by the offline worker
@login_required
def offline_page() -> ResponseReturnValue:
    """What the worker shows, without a connection, in place of a page never opened here."""
    return render_template("learning/offline.html")


@bp.after_request
def name_the_learner(response: Response) -> Response:
    """Tell the worker whose page this is (absent when no one is signed in)."""
    account = current_account()
    if account is not None:
        response.headers[LEARNER_HEADER] = str(account.id)
    return response


def module_pages(module: Module) -> list[str]:
    """The pages the worker keeps once a learner opens `module`: the course home (the way back
    to every module, which a first visit shows before the worker is there to keep it), the
    module's page, its lessons and its quiz form."""
    pages = [url_for("learning.home"), url_for("learning.module", module_slug=module.slug)]
    pages += [
        url_for("learning.lesson", module_slug=module.slug, lesson_slug=lesson.slug)
        for lesson in module.lessons
    ]
    if module.quiz is not None:
        pages.append(url_for("learning.quiz", module_slug=module.slug))
    return pages
