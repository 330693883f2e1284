"""Authoring in the browser: the course draft, its editor, publishing, history and media."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the editor's blueprint and the template helpers its pages use."""
    from lms.authoring.messages import diff_html, editor_messages
    from lms.authoring.views import blueprint, publishing

    app.register_blueprint(blueprint)
    # Publishing checks its token itself, to keep the typed message when the token expired.
    app.extensions["csrf"].exempt(publishing.publish)
    app.jinja_env.globals["diff_html"] = diff_html
    app.jinja_env.globals["editor_messages"] = editor_messages
