"""New modules and lessons, retitling, reordering and deleting lessons, and image uploads."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import RequestEntityTooLarge

from lms.auth.access import staff_required
from lms.authoring import drafts, structure
from lms.authoring.media import MediaRejected, clean_image, media_name
from lms.authoring.paths import InvalidPath, split_path
from lms.authoring.views import blueprint
from lms.authoring.views.common import user_id
from lms.content.model import LANGUAGES
from lms.db import db_session
from lms.i18n import gettext as _
from lms.input_limits import body_limit, media_body

INVALID = 422


def _titles() -> dict[str, str]:
    return {lang: request.form.get(f"title_{lang}", "") for lang in LANGUAGES}


def _folder_or_404(folder: str) -> str:
    try:
        split_path(f"{folder}/module.es.md")
    except InvalidPath:
        abort(404)
    if folder not in structure.module_folders(drafts.draft_files(db_session())):
        abort(404)
    return folder


@blueprint.route("/modules/new", methods=["GET", "POST"])
@staff_required
def new_module() -> ResponseReturnValue:
    """Create a module from a starter that checks clean: page, one lesson and a quiz."""
    if request.method == "GET":
        return render_template("authoring/new_module.html", values={})
    session = db_session()
    try:
        folder = structure.create_module(
            session, request.form.get("slug", "").strip(), _titles(), user_id()
        )
    except structure.StructureError as error:
        session.rollback()
        flash(str(error), "error")
        return render_template("authoring/new_module.html", values=request.form), INVALID
    session.commit()
    flash(_("Module created in the draft. Publish it when it is ready."), "success")
    return redirect(url_for(".edit", path=f"{folder}/module.es.md"))


@blueprint.route("/modules/<folder>/lessons/new", methods=["GET", "POST"])
@staff_required
def new_lesson(folder: str) -> ResponseReturnValue:
    """Add a lesson at the end of a module, in every language."""
    _folder_or_404(folder)
    if request.method == "GET":
        return render_template("authoring/new_lesson.html", folder=folder, values={})
    session = db_session()
    try:
        lesson = structure.create_lesson(
            session, folder, request.form.get("slug", "").strip(), _titles(), user_id()
        )
    except structure.StructureError as error:
        session.rollback()
        flash(str(error), "error")
        return render_template(
            "authoring/new_lesson.html", folder=folder, values=request.form
        ), INVALID
    session.commit()
    flash(_("Lesson created in the draft."), "success")
    return redirect(url_for(".edit", path=lesson.paths[LANGUAGES[0]]))


def _lesson_or_404(folder: str, slug: str) -> structure.LessonFiles:
    _folder_or_404(folder)
    found = next(
        (
            item
            for item in structure.lessons_of(drafts.draft_files(db_session()), folder)
            if item.slug == slug
        ),
        None,
    )
    if found is None:
        abort(404)
    return found


@blueprint.route("/modules/<folder>/lessons/<slug>/title", methods=["GET", "POST"])
@staff_required
def retitle_lesson(folder: str, slug: str) -> ResponseReturnValue:
    """Rename a lesson (its titles); the permanent slug, and learners' progress, stay."""
    lesson = _lesson_or_404(folder, slug)
    if request.method == "GET":
        return render_template("authoring/retitle.html", folder=folder, lesson=lesson, values={})
    session = db_session()
    try:
        structure.retitle_lesson(session, folder, slug, _titles(), user_id())
    except structure.StructureError as error:
        session.rollback()
        flash(str(error), "error")
        return render_template(
            "authoring/retitle.html", folder=folder, lesson=lesson, values=request.form
        ), INVALID
    session.commit()
    flash(_("Lesson renamed in the draft."), "success")
    return redirect(url_for(".tree", _anchor=folder))


@blueprint.post("/modules/<folder>/lessons/<slug>/move")
@staff_required
def move_lesson(folder: str, slug: str) -> ResponseReturnValue:
    """Move a lesson one place up or down; links to it from other lessons follow."""
    _lesson_or_404(folder, slug)
    offset = -1 if request.form.get("direction") == "up" else 1
    session = db_session()
    structure.move_lesson(session, folder, slug, offset, user_id())
    session.commit()
    flash(_("Lesson moved in the draft."), "success")
    return redirect(url_for(".tree", _anchor=folder))


@blueprint.route("/modules/<folder>/lessons/<slug>/delete", methods=["GET", "POST"])
@staff_required
def delete_lesson(folder: str, slug: str) -> ResponseReturnValue:
    """Ask, saying how many learners completed the lesson, then delete it from the draft."""
    lesson = _lesson_or_404(folder, slug)
    session = db_session()
    if request.method == "GET" or request.form.get("confirm") != "yes":
        module_slug = folder.split("-", 1)[1]
        return render_template(
            "authoring/delete_lesson.html",
            folder=folder,
            lesson=lesson,
            completions=structure.completions(session, module_slug, slug),
        )
    structure.delete_lesson(session, folder, slug, user_id())
    session.commit()
    flash(
        _("Lesson deleted from the draft. Learners keep their records; publish to make it final."),
        "success",
    )
    return redirect(url_for(".tree", _anchor=folder))


@blueprint.route("/modules/<folder>/media", methods=["GET", "POST"])
@body_limit(media_body)
@staff_required
def upload_media(folder: str) -> ResponseReturnValue:
    """Upload an image for the module's lessons: checked by content and stripped of metadata."""
    _folder_or_404(folder)
    if request.method == "GET":
        return render_template("authoring/upload.html", folder=folder, stored=None)
    max_bytes = int(current_app.config["LMS_MEDIA_MAX_BYTES"])
    # A little above the image limit for the form's other fields; a larger body is refused
    # before it is read.
    request.max_content_length = max_bytes + 64 * 1024
    try:
        upload = request.files.get("image")
    except RequestEntityTooLarge:
        return _upload_refused(folder, _too_large(max_bytes), 413)
    if upload is None or not upload.filename:
        return _upload_refused(folder, _("Choose an image file to upload."), INVALID)
    data = upload.read(max_bytes + 1)
    try:
        image = clean_image(data, upload.filename, max_bytes=max_bytes)
    except MediaRejected as error:
        status = 413 if len(data) > max_bytes else INVALID
        # clean_image wrote the reason in this request's interface language.
        return _upload_refused(folder, str(error), status)
    path = f"{folder}/media/{media_name(upload.filename, image.extension, image.data)}"
    session = db_session()
    try:
        drafts.create_file(session, path, image.data, user_id(), kind="upload")
    except drafts.FileExists:
        session.rollback()  # the very same image was uploaded before: reuse it
    else:
        session.commit()
    return render_template("authoring/upload.html", folder=folder, stored=path.split("/", 1)[1])


def _too_large(max_bytes: int) -> str:
    return _(
        "The file is larger than %(size)s MB: save it smaller and upload it again.",
        size=format(max_bytes / 1024 / 1024, "g"),
    )


def _upload_refused(folder: str, message: str, status: int) -> ResponseReturnValue:
    flash(message, "error")
    return render_template("authoring/upload.html", folder=folder, stored=None), status
