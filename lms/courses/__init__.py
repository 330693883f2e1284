"""Course versions in the database: import, export and the per-version cache of parsed content."""

from flask import Flask


def init_app(app: Flask) -> None:
    """Register the content commands and the parsed-course cache."""
    from lms.content.check_command import check_command
    from lms.courses.cache import CourseCache
    from lms.courses.cli import content_group
    from lms.courses.export_cli import export_group
    from lms.courses.views import bp

    app.extensions["lms.course_cache"] = CourseCache()
    app.cli.add_command(check_command)
    app.cli.add_command(content_group)
    app.cli.add_command(export_group)
    app.register_blueprint(bp)
