"""`lms content import|export` (`lms check` is lms/content/check_command.py)."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.content import read_tree
from lms.content.problems import ContentInvalid
from lms.db import db_session


@click.group("content")
def content_group() -> None:
    """Import course content into the database or export it back to files."""


@content_group.command("import")
@click.argument("path", type=click.Path(file_okay=False, path_type=Path))
@click.option("--note", default="", help="What changed in this version.")
@with_appcontext
def import_command(path: Path, note: str) -> None:
    """Publish the modules under PATH as a new course version."""
    from lms.authoring.publishing import publish_files

    if not path.is_dir():
        raise click.ClickException(f"{path} is not a folder of modules")
    session = db_session()
    try:
        result = publish_files(
            session,
            read_tree(path),
            label=path.as_posix().rstrip("/"),
            note=note,
            user_id=None,
            source="import",
        )
    except ContentInvalid as invalid:
        for problem in invalid.problems:
            click.echo(str(problem))
        raise click.ClickException(
            f"nothing imported: {len(invalid.problems)} problem(s); "
            f"fix them and run `lms check {path}`"
        ) from invalid
    session.commit()
    if result.created:
        click.echo(f"published course version {result.version.number}")
    else:
        click.echo(f"unchanged: course version {result.version.number} already holds these files")


@content_group.command("export")
@click.argument("destination", type=click.Path(file_okay=False, path_type=Path))
@click.option("--version", "number", type=int, help="Version number (default: the live one).")
@with_appcontext
def export_command(destination: Path, number: int | None) -> None:
    """Write a course version's files under DESTINATION, byte for byte."""
    from lms.courses.services import current_version, export_files, version_by_number, version_files

    session = db_session()
    version = current_version(session) if number is None else version_by_number(session, number)
    if version is None:
        raise click.ClickException(
            "no such course version: import content first with `lms content import modules`"
            if number is None
            else f"there is no course version {number}"
        )
    try:
        count = export_files(version_files(session, version.id), destination)
    except OSError as error:
        raise click.ClickException(f"cannot write to {destination}: {error.strerror}") from error
    click.echo(f"wrote {count} files of course version {version.number} to {destination}")
