"""The learner's path: course home, lessons, knowledge checks, quizzes, progress, certificate."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the learning blueprint with all its views."""
    from lms.learning import certificate_pdf_views, certificate_views, display, offline, quiz_views  # noqa: F401 (they add routes to bp)
    from lms.learning.views import bp

    app.register_blueprint(bp)
    display.init_app(app)
    app.jinja_env.globals["offline_pages"] = offline.module_pages
    # The quiz checks its CSRF token itself, so that an expired token re-shows the filled-in
    # quiz instead of a 400 page that loses every answer.
    app.extensions["csrf"].exempt(quiz_views.submit)
