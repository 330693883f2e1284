"""`lms check` and `lms content import|export` from the command line."""

from __future__ import annotations

from pathlib import Path

from flask import Flask
from sqlalchemy import func, select

from lms.content import read_tree
from lms.db import db_session
from lms.models import CourseVersion
from tests.content.helpers import small_course, write_tree

MODULES = Path(__file__).resolve().parents[2] / "modules"


def versions(app: Flask) -> int:
    with app.app_context():
        return db_session().scalar(select(func.count()).select_from(CourseVersion)) or 0


def test_check_is_clean_on_the_shipped_modules(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["check", str(MODULES)])
    assert result.exit_code == 0, result.output
    assert "6 modules" in result.output and "no problems" in result.output


def test_check_lists_every_problem_and_fails(app: Flask, tmp_path: Path) -> None:
    root = write_tree(small_course(quiz__en__md=None, module__es__md=None), tmp_path / "modules")
    result = app.test_cli_runner().invoke(args=["check", str(root)])
    assert result.exit_code == 1
    lines = [line for line in result.output.splitlines() if ".md:" in line]
    assert len(lines) == 2 and all(line.startswith(str(root)) for line in lines)


def test_check_accepts_a_single_module_folder(app: Flask) -> None:
    folder = next(MODULES.glob("01-*"))
    result = app.test_cli_runner().invoke(args=["check", str(folder)])
    assert result.exit_code == 0 and "1 modules" in result.output


def test_import_then_export_reproduces_the_files_byte_for_byte(app: Flask, tmp_path: Path) -> None:
    runner = app.test_cli_runner()
    imported = runner.invoke(args=["content", "import", str(MODULES)])
    assert imported.exit_code == 0 and "published course version 1" in imported.output
    again = runner.invoke(args=["content", "import", str(MODULES)])
    assert "unchanged" in again.output and versions(app) == 1
    exported = runner.invoke(args=["content", "export", str(tmp_path / "out")])
    assert exported.exit_code == 0, exported.output
    assert read_tree(tmp_path / "out") == read_tree(MODULES)


def test_invalid_content_imports_nothing(app: Flask, tmp_path: Path) -> None:
    root = write_tree(small_course(quiz__en__md=None), tmp_path / "modules")
    result = app.test_cli_runner().invoke(args=["content", "import", str(root)])
    assert result.exit_code != 0
    assert "missing English version" in result.output and "nothing imported" in result.output
    assert versions(app) == 0


def test_export_without_content_is_a_clear_error(app: Flask, tmp_path: Path) -> None:
    result = app.test_cli_runner().invoke(args=["content", "export", str(tmp_path)])
    assert result.exit_code != 0 and "import content first" in result.output
