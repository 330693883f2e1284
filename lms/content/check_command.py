"""`lms check`: course content checked on its own, without the web application or a database.

The `lms` command runs this module directly for `check` (lms/entry_point.py), so that checking
a lesson costs the content parser's imports only, not Flask's and SQLAlchemy's.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from lms.content.conventions import check_quiz_keys, check_texts
from lms.content.files import MODULE_FOLDER, read_tree
from lms.content.glossary import GLOSSARY_FILE
from lms.content.loader import build_course
from lms.content.parallel_parse import ParseHelper


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
    helper = ParseHelper.start(files, label)
    texts = check_texts(files, label=label, glossary=glossary_of(path))
    helper.finish()
    course, problems = build_course(files, label=label)
    report = check_quiz_keys(course, texts)
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
