"""The course tree, the file editor, its live preview and saving (form and JSON)."""

from __future__ import annotations

from typing import Any

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from lms.auth.access import staff_required
from lms.auth.identity import current_account
from lms.authoring import drafts
from lms.authoring.diff import diff_text
from lms.authoring.messages import diff_html
from lms.authoring.paths import InvalidPath, check_text_path, is_media, language_of, language_pair
from lms.authoring.preview import check_preview, render_preview
from lms.authoring.tree import course_tree
from lms.authoring.views import blueprint
from lms.authoring.views.common import json_error, live_files, media_response, user_id
from lms.content.preview import UnknownFile
from lms.db import db_session
from lms.i18n import gettext as _
from lms.input_limits import MAX_ID, body_limit, editor_body, parse_int
from lms.learning.context import content_language


@blueprint.get("/")
@staff_required
def tree() -> ResponseReturnValue:
    """Every module with its files side by side per language, their status and problems."""
    session = db_session()
    draft = drafts.draft_files(session)
    session.commit()  # the draft may just have been started from the live version
    if not draft:
        return render_template("authoring/empty.html")
    return render_template(
        "authoring/tree.html",
        tree=course_tree(draft, live_files(session), content_language()),
    )


def _text_path_or_404(path: str) -> str:
    try:
        return check_text_path(path)
    except InvalidPath:
        abort(404)


@blueprint.get("/files/<path:path>")
@staff_required
def edit(path: str) -> ResponseReturnValue:
    """The editor of one file (media files are served as they are, for the preview's images)."""
    session = db_session()
    if is_media(path):
        try:
            return media_response(bytes(drafts.get_file(session, path).data), path)
        except drafts.NoSuchFile:
            abort(404)
    _text_path_or_404(path)
    try:
        found = drafts.get_file(session, path)
    except drafts.NoSuchFile:
        session.commit()
        return render_template("authoring/missing.html", path=path), 404
    session.commit()
    return _editor_page(path, bytes(found.data).decode("utf-8", errors="replace"), found.revision)


def _editor_page(path: str, text: str, revision: int, status: int = 200) -> ResponseReturnValue:
    session = db_session()
    files = drafts.draft_files(session)
    preview = render_preview(files, path, text)
    pair = language_pair(path)
    account = current_account()
    assert account is not None
    return render_template(
        "authoring/edit.html",
        path=path,
        text=text,
        revision=revision,
        preview=preview,
        problems=_linked(preview.problem_dicts()),
        lang=language_of(path),
        pair=pair if pair in files else None,
        storage_key=f"lms-editor/{account.id}/{path}",
        live_text=live_files(session).get(path),
    ), status


@blueprint.post("/files/<path:path>")
@body_limit(editor_body)
@staff_required
def save_form(path: str) -> ResponseReturnValue:
    """Save from the plain form (no JavaScript); a conflict shows both texts to choose from."""
    _text_path_or_404(path)
    text = request.form.get("text", "")
    # Any other number than the file's revision is a conflict; beyond INTEGER it is unreadable.
    base = parse_int(request.form.get("revision", ""), -MAX_ID - 1, MAX_ID)
    if base is None:
        abort(400)
    session = db_session()
    try:
        drafts.save_text(session, path, text, base, user_id(), max_bytes=_max_bytes())
    except drafts.NoSuchFile:
        abort(404)
    except drafts.DraftConflict as conflict:
        session.rollback()
        return _conflict_page(path, text, conflict.current)
    except drafts.FileTooLarge as error:
        session.rollback()
        flash(str(error), "error")
        return _editor_page(path, text, base, 413)
    session.commit()
    flash(_("Draft saved."), "success")
    return redirect(url_for(".edit", path=path))


def _conflict_page(path: str, mine: str, theirs: drafts.DraftState) -> ResponseReturnValue:
    difference = diff_html(diff_text(theirs.text, mine), caption=_("Their text → your text"))
    return render_template(
        "authoring/conflict.html", path=path, mine=mine, theirs=theirs, difference=difference
    ), 409


def _max_bytes() -> int:
    return int(current_app.config["LMS_EDITOR_MAX_FILE_BYTES"])


def _json_body() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict) or not isinstance(body.get("path"), str):
        abort(json_error(_("The request must be JSON with a file path and text."), 400))
    if not isinstance(body.get("text"), str):
        abort(json_error(_("The request must be JSON with a file path and text."), 400))
    return body


@blueprint.post("/preview")
@body_limit(editor_body)
@staff_required
def preview() -> ResponseReturnValue:
    """Render a file as typed, with every problem of it and of its language pair (JSON)."""
    body = _json_body()
    path, text = body["path"], body["text"]
    try:
        check_text_path(path)
    except InvalidPath as error:
        return json_error(str(error), 404)
    session = db_session()
    files = drafts.draft_files(session)
    session.commit()
    if path not in files:
        return json_error(_("There is no file %(path)s in the draft.", path=path), 404)
    if len(text.encode("utf-8")) > _max_bytes():
        return json_error(_("This file is larger than the editor accepts: split it."), 413)
    try:
        rendered = render_preview(files, path, text)
    except UnknownFile as error:
        return json_error(str(error), 404)
    return {"html": rendered.html, "problems": _linked(rendered.problem_dicts())}


def _linked(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Give each problem the address of its file's editor, at its line."""
    for problem in problems:
        problem["url"] = url_for(".edit", path=problem["path"], _anchor=f"line-{problem['line']}")
    return problems


@blueprint.post("/save")
@body_limit(editor_body)
@staff_required
def save() -> ResponseReturnValue:
    """Save a draft file over the revision the editor started from (JSON; 409 on conflict)."""
    body = _json_body()
    path, text, base = body["path"], body["text"], body.get("revision")
    if not isinstance(base, int) or isinstance(base, bool) or not -MAX_ID - 1 <= base <= MAX_ID:
        return json_error(_("The request must name the revision the text started from."), 400)
    try:
        check_text_path(path)
    except InvalidPath as error:
        return json_error(str(error), 404)
    session = db_session()
    try:
        revision = drafts.save_text(session, path, text, base, user_id(), max_bytes=_max_bytes())
    except drafts.NoSuchFile:
        return json_error(_("There is no file %(path)s in the draft.", path=path), 404)
    except drafts.FileTooLarge as error:
        return json_error(str(error), 413)
    except drafts.DraftConflict as conflict:
        session.rollback()
        theirs = conflict.current
        return {
            "error": "conflict",
            "their_text": theirs.text,
            "their_revision": theirs.revision,
            "their_author": theirs.author,
            "their_saved_at": theirs.saved_at.isoformat() if theirs.saved_at else "",
            "their_deleted": theirs.data is None,
            "diff_html": diff_html(diff_text(theirs.text, text), _("Their text → your text")),
        }, 409
    session.commit()
    saved = drafts.state_of(session, path)
    checked = check_preview(drafts.draft_files(session), path, text)
    return {
        "revision": revision,
        "saved_at": saved.saved_at.isoformat() if saved.saved_at else "",
        "problems": len(checked.problems) + len(checked.pair_problems),
    }
