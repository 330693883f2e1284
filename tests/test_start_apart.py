"""Start-up work run in a forked child: its result comes back, its imports stay there."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import click
import pytest

from lms.start_apart import run_apart


def test_the_result_comes_back_and_the_childs_imports_stay_in_the_child() -> None:
    probe = textwrap.dedent(
        """
        import importlib, sys
        from lms.start_apart import run_apart

        def work():
            importlib.import_module("tabnanny")
            return {"imported": "tabnanny" in sys.modules}

        print(run_apart(work), "tabnanny" in sys.modules)
        """
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "{'imported': True} False"


def test_a_refusal_in_the_child_is_raised_here_with_its_message() -> None:
    def refuse() -> None:
        raise click.ClickException("LMS_CONTENT_PATH: no such folder /nowhere")

    with pytest.raises(click.ClickException, match="LMS_CONTENT_PATH: no such folder /nowhere"):
        run_apart(refuse)


def test_a_crash_in_the_child_is_named_here_and_its_traceback_printed(
    capfd: pytest.CaptureFixture[str],
) -> None:
    def crash() -> None:
        raise ZeroDivisionError("division by zero")

    with pytest.raises(click.ClickException, match="ZeroDivisionError: division by zero"):
        run_apart(crash)
    assert "Traceback" in capfd.readouterr().err


def test_the_serving_process_loads_no_migration_or_report_tooling() -> None:
    # What the arbiter imports, every worker carries: Alembic comes in only with migrations,
    # openpyxl with a spreadsheet, fpdf2 with a certificate.
    probe = textwrap.dedent(
        """
        import sys
        import lms, lms.cli
        lms.create_app({"DATABASE_URL": "sqlite://"})
        heavy = {"alembic", "mako", "openpyxl", "fpdf", "segno"}
        print(sorted({name.split(".")[0] for name in sys.modules} & heavy))
        """
    )
    run = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert run.stdout.strip() == "[]"
