"""`lms check` and `lms content import|export`."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask.cli import with_appcontext

from lms.content import build_course, read_tree
from lms.content.conventions import check_conventions
from lms.content.files import MODULE_FOLDER
from lms.content.glossary import GLOSSARY_FILE
from lms.content.problems import ContentInvalid
from lms.db import db_session


@click.command("check")
@click.argument("path", default="modules", type=click.Path(file_okay=False, path_type=Path))
@click.option("--stats", is_flag=True, help="Also print where the answer keys of each quiz are.")
def check_command(path: Path, stats: bool) -> None:
    """Check course content; print every problem as path:line: message.

    Warnings (path:line: warning: message) are printed too but do not fail the check.
    """
    if not path.is_dir():
        raise click.ClickException(f"{path} is not a folder of modules")
    files, label = content_files(path)
    course, problems = build_course(files, label=label)
    report = check_conventions(files, course, label=label, glossary=glossary_of(path))
    problems = sorted(set(problems) | set(report.problems))
    for problem in problems:
        click.echo(str(problem))
    for warning in report.warnings:
        click.echo(f"{warning.path}:{warning.line}: warning: {warning.message}")
    if stats:
        for balance in report.balances:
            click.echo(balance.summary())
    warned = f" and {len(report.warnings)} warning(s)" if report.warnings else ""
    if problems:
        click.echo(f"{len(problems)} problem(s){warned} found in {path}", err=True)
        sys.exit(1)
    questions = sum(len(lesson.text("es").checks) for m in course.modules for lesson in m.lessons)
    click.echo(
        f"{path}: {len(course.modules)} modules, "
        f"{sum(len(m.lessons) for m in course.modules)} lessons, "
        f"{questions} knowledge checks: no problems"
        + (f", {len(report.warnings)} warning(s)" if report.warnings else "")
    )


def glossary_of(path: Path) -> bytes | None:
    """The glossary a single module folder is checked against: its course's, beside it."""
    if MODULE_FOLDER.match(path.name) and (path.parent / GLOSSARY_FILE).is_file():
        return (path.parent / GLOSSARY_FILE).read_bytes()
    return None


def content_files(path: Path) -> tuple[dict[str, bytes], str]:
    """Files of a modules folder, or of a single module folder given on its own."""
    if MODULE_FOLDER.match(path.name) and any(path.glob("module.*.md")):
        tree = read_tree(path)
        return {f"{path.name}/{name}": data for name, data in tree.items()}, path.parent.as_posix()
    return read_tree(path), path.as_posix().rstrip("/")


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
