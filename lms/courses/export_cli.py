"""`lms export scorm` and `lms export moodle-xml`: packages for external Moodle sites."""

from __future__ import annotations

from pathlib import Path

import click

from lms.content import LANGUAGES, Course, build_course
from lms.content.check_command import content_files
from scorm_export.versions import ScormVersion

SOURCE_HELP = "Folder of modules to export (default: modules)."


def _load(source: Path) -> tuple[Course, dict[str, bytes]]:
    """The course to export; content that does not check clean is refused with its problems."""
    if not source.is_dir():
        raise click.ClickException(f"{source} is not a folder of modules: pass --source PATH")
    files, label = content_files(source)
    course, problems = build_course(files, label=label)
    if problems:
        for problem in problems:
            click.echo(str(problem))
        raise click.ClickException(f"nothing exported: {len(problems)} problem(s); fix them "
                                   f"and run `lms check {source}`")
    return course, files


def _prepare(out: Path) -> None:
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise click.ClickException(f"cannot create {out}: {error.strerror}") from error


def _write(out: Path, name: str, data: bytes) -> None:
    from scorm_export.package import write_atomically

    try:
        write_atomically(data, out / name)
    except OSError as error:
        raise click.ClickException(f"cannot write {out / name}: {error.strerror}; "
                                   "nothing was left behind") from error
    click.echo(str(out / name))


@click.group("export")
def export_group() -> None:
    """Export modules as SCORM packages or quizzes as Moodle XML."""


@export_group.command("scorm")
@click.argument("modules", nargs=-1)
@click.option("--version", "version", type=click.Choice(["1.2", "2004"]), default="1.2",
              show_default=True, help="SCORM version.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder the zips are written to.")
@click.option("--course", "whole_course", is_flag=True,
              help="One package holding the whole pre-course, one SCO per module.")
@click.option("--lang", type=click.Choice(LANGUAGES), default=LANGUAGES[0], show_default=True,
              help="Content language.")
@click.option("--source", type=click.Path(path_type=Path), default=Path("modules"),
              help=SOURCE_HELP)
@click.option("--schemas", type=click.Path(file_okay=False, path_type=Path), default=None,
              envvar="LMS_SCORM_SCHEMAS",
              help="Folder with scorm12/ and scorm2004_4ed/ XSDs to ship at the zip root.")
def scorm_command(modules: tuple[str, ...], version: ScormVersion, out: Path, whole_course: bool,
                  lang: str, source: Path, schemas: Path | None) -> None:
    """Write one SCORM zip per MODULE (default: every module)."""
    from scorm_export.package import ExportError, course_package, module_package, select_modules

    course, files = _load(source)
    try:
        chosen = select_modules(course, modules)
        _prepare(out)
        if whole_course:
            package = course_package(files, course, version=version,
                                     lang=lang, schemas=schemas)
            _write(out, package.file_name, package.data)
            return
        for module in chosen:
            package = module_package(files, module, version=version,
                                     lang=lang, schemas=schemas)
            _write(out, package.file_name, package.data)
    except ExportError as error:
        raise click.ClickException(str(error)) from error


@export_group.command("moodle-xml")
@click.argument("modules", nargs=-1)
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), required=True,
              help="Folder the XML files are written to.")
@click.option("--lang", type=click.Choice(LANGUAGES), default=LANGUAGES[0], show_default=True,
              help="Content language.")
@click.option("--source", type=click.Path(path_type=Path), default=Path("modules"),
              help=SOURCE_HELP)
def moodle_xml_command(modules: tuple[str, ...], out: Path, lang: str, source: Path) -> None:
    """Write each MODULE's quiz (default: every module) as a Moodle XML question bank."""
    from scorm_export.moodle_xml import MoodleXmlError, quiz_to_moodle_xml
    from scorm_export.package import ExportError, module_media, select_modules

    course, files = _load(source)
    try:
        chosen = select_modules(course, modules)
    except ExportError as error:
        raise click.ClickException(str(error)) from error
    _prepare(out)
    for module in chosen:
        if module.quiz is None:
            click.echo(f"{module.folder}: no quiz, skipped")
            continue
        try:
            data = quiz_to_moodle_xml(module, lang, module_media(files, module))
        except MoodleXmlError as error:
            raise click.ClickException(str(error)) from error
        _write(out, f"{module.folder}-quiz-{lang}.xml", data)
