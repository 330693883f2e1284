"""`lms check` with a glossary: refused terms fail, non-primary hosts warn, --stats shows keys."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from flask import Flask

from tests.content.helpers import CHECK, lesson, small_course, write_tree

GLOSSARY = b"""\
terms:
  es:
    - use: enfoque pansocial
      refused: enfoque de toda la sociedad
      reason: texto oficial
non_primary_hosts: [scribd.com]
"""


def course(tmp_path: Path, body_es: str) -> Path:
    files = small_course(**{"01-key-concepts__es__md": lesson("Conceptos", body_es + "\n" + CHECK)})
    files["glossary.yaml"] = GLOSSARY
    return write_tree(files, tmp_path / "modules")


def test_a_warning_is_printed_but_the_check_passes(app: Flask, tmp_path: Path) -> None:
    root = course(tmp_path, "Texto: https://www.scribd.com/doc/1")
    result = app.test_cli_runner().invoke(args=["check", str(root)])
    assert result.exit_code == 0, result.output
    assert f"{root}/01-understanding-migration/01-key-concepts.es.md:5: warning: link to " in (
        result.output
    )
    assert "no problems, 1 warning(s)" in result.output


def test_a_refused_term_fails_the_check(app: Flask, tmp_path: Path) -> None:
    root = course(tmp_path, "Con el enfoque de toda la sociedad.")
    result = app.test_cli_runner().invoke(args=["check", str(root)])
    assert result.exit_code == 1
    assert (
        f"{root}/01-understanding-migration/01-key-concepts.es.md:5: write 'enfoque pansocial' "
        "instead of 'enfoque de toda la sociedad': texto oficial"
    ) in result.output


def test_a_single_module_folder_is_checked_against_the_glossary_beside_it(
    app: Flask, tmp_path: Path
) -> None:
    root = course(tmp_path, "Con el enfoque de toda la sociedad.")
    result = app.test_cli_runner().invoke(args=["check", str(root / "01-understanding-migration")])
    assert result.exit_code == 1 and "'enfoque pansocial'" in result.output


def test_stats_prints_the_figures_of_every_quiz(app: Flask, tmp_path: Path) -> None:
    root = course(tmp_path, "Texto.")
    result = app.test_cli_runner().invoke(args=["check", "--stats", str(root)])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "single choice" in line]
    assert [line.split(":")[0] for line in lines] == [
        f"{root}/01-understanding-migration/quiz.es.md",
        f"{root}/01-understanding-migration/quiz.en.md",
    ]
    plain = app.test_cli_runner().invoke(args=["check", str(root)])
    assert "single choice" not in plain.output


def test_the_lms_command_checks_content_without_loading_the_web_application(
    tmp_path: Path,
) -> None:
    # `lms check` is what an author runs after every edit: it answers without Flask,
    # SQLAlchemy or an instance folder, and says the same as the app's own command.
    root = course(tmp_path, "Según el enfoque de toda la sociedad.")
    probe = (
        "import sys\n"
        "from lms.entry_point import main\n"
        f"sys.argv = ['lms', 'check', {str(root)!r}]\n"
        "try:\n"
        "    main()\n"
        "finally:\n"
        "    loaded = sorted({m.split('.')[0] for m in sys.modules} & {'flask', 'sqlalchemy'})\n"
        "    print('loaded:', loaded, file=sys.stderr)\n"
    )
    run = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert run.returncode == 1, run.stderr
    assert "write 'enfoque pansocial' instead of 'enfoque de toda la sociedad'" in run.stdout
    assert "loaded: []" in run.stderr
    assert "1 problem(s) found" in run.stderr
