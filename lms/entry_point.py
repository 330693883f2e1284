"""The `lms` command. `lms check` runs on its own; every other command loads the platform."""

from __future__ import annotations

import sys


def main() -> None:
    """Run `lms ARGS...`."""
    if sys.argv[1:2] == ["check"]:
        # Checking content needs no app, database or instance folder: a second and more of
        # imports (Flask, SQLAlchemy, every blueprint) saved on every check of a lesson.
        from lms.content.check_command import check_command

        check_command.main(args=sys.argv[2:], prog_name="lms check")
    else:
        from lms.cli import main as platform_command

        platform_command()
