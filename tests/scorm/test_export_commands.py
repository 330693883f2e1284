"""`lms export scorm` and `lms export moodle-xml` from the command line."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from tests.content.helpers import small_course, write_tree

MODULES = Path(__file__).resolve().parents[2] / "modules"


def run(app: Flask, *args: str) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["export", *args])
    return result.exit_code, result.output


def test_default_exports_every_module_in_scorm_12(app: Flask, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run(app, "scorm", "--source", str(MODULES), "--out", str(out))
    assert code == 0, output
    assert sorted(p.name for p in out.iterdir()) == sorted(
        f"{m.name}-scorm12-es.zip" for m in MODULES.iterdir() if m.is_dir())


def test_chosen_modules_version_language_and_course(app: Flask, tmp_path: Path) -> None:
    code, output = run(app, "scorm", "1", "regional-integration", "--version", "2004",
                       "--lang", "en", "--source", str(MODULES), "--out", str(tmp_path / "out"))
    assert code == 0, output
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == [
        "01-understanding-migration-scorm2004-en.zip", "06-regional-integration-scorm2004-en.zip"]
    code, output = run(app, "scorm", "--course", "--source", str(MODULES), "--out",
                       str(tmp_path / "course"))
    assert code == 0 and (tmp_path / "course" / "pre-course-scorm12-es.zip").is_file()


def test_unknown_module_is_a_clear_error(app: Flask, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run(app, "scorm", "no-such-module", "--source", str(MODULES), "--out", str(out))
    assert code != 0 and "unknown module 'no-such-module'" in output and "known:" in output
    assert not out.exists() or list(out.iterdir()) == []


def test_content_that_does_not_check_clean_is_refused(app: Flask, tmp_path: Path) -> None:
    source = write_tree(small_course(quiz__en__md=None), tmp_path / "modules")
    code, output = run(app, "scorm", "--source", str(source), "--out", str(tmp_path / "out"))
    assert code != 0 and "missing English version" in output and "nothing exported" in output
    assert not (tmp_path / "out").exists()


def test_unwritable_destination_is_a_clear_error(app: Flask, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    code, output = run(app, "scorm", "--source", str(MODULES), "--out", str(blocker / "out"))
    assert code != 0 and "cannot create" in output


def test_moodle_xml_one_file_per_quiz(app: Flask, tmp_path: Path) -> None:
    out = tmp_path / "out"
    code, output = run(app, "moodle-xml", "2", "--lang", "en", "--source", str(MODULES),
                       "--out", str(out))
    assert code == 0, output
    assert [p.name for p in out.iterdir()] == ["02-international-protection-quiz-en.xml"]
    written = out / "02-international-protection-quiz-en.xml"
    assert written.read_bytes().startswith(b"<?xml")


@pytest.fixture
def usual_umask() -> Iterator[None]:
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.mark.parametrize(("kind", "options"), [
    ("scorm", ["1", "--version", "2004"]),
    ("scorm", ["--course"]),
    ("moodle-xml", ["1", "2"]),
])
def test_exported_files_are_readable_by_all(app: Flask, tmp_path: Path, usual_umask: None,
                                            kind: str, options: list[str]) -> None:
    out = tmp_path / "out"
    code, output = run(app, kind, *options, "--source", str(MODULES), "--out", str(out))
    assert code == 0, output
    written = sorted(out.iterdir())
    assert written and {stat.filemode(p.stat().st_mode) for p in written} == {"-rw-r--r--"}
