"""`lms serve`: gunicorn workers, precompressed static files, a start that fails cleanly."""

from __future__ import annotations

import gzip
import re
import subprocess
from pathlib import Path

import brotli  # type: ignore[import-untyped]
from sqlalchemy import func, select

from lms.db import make_engine
from lms.models import User
from tests.serving.http import fetch, sign_in
from tests.serving.server_process import (
    LMS_COMMAND,
    REPOSITORY,
    free_port,
    lms_serve,
    server_environment,
)

PASSWORD_LINE = re.compile(r"Sign in as (\S+) with the password: (\S+)")


def test_lms_serve_runs_workers_and_sends_static_files_precompressed(
    tmp_path: Path, blank_database_url: str
) -> None:
    environment = server_environment(tmp_path / "instance", blank_database_url)
    with lms_serve(environment, "--workers", "2", "--threads", "2") as server:
        status, headers, page = fetch(f"{server.base_url}/login")
        assert status == 200
        # No software versions for an attacker to look up.
        assert not re.search(r"\d|werkzeug|python", headers["Server"], re.IGNORECASE)

        style = re.search(r'href="(/static/lms\.[0-9a-f]{12}\.css)"', page.decode())
        assert style is not None, "the page links the hashed style sheet"
        original = (REPOSITORY / "lms" / "static" / "lms.css").read_bytes()
        status, headers, body = fetch(server.base_url + style[1], **{"Accept-Encoding": "br"})
        assert (status, headers["Content-Encoding"]) == (200, "br")
        assert brotli.decompress(body) == original
        assert "immutable" in headers["Cache-Control"]
        assert headers["X-Content-Type-Options"] == "nosniff"
        status, headers, body = fetch(server.base_url + style[1], **{"Accept-Encoding": "gzip"})
        assert headers["Content-Encoding"] == "gzip" and gzip.decompress(body) == original
        # An old page's plain name still works, from Flask's static view.
        status, headers, body = fetch(f"{server.base_url}/static/lms.css")
        assert status == 200 and "immutable" not in headers["Cache-Control"]

        # The access log names the page of a reset link, never its token.
        secret = "eyJ1IjoxfQ.secret-part-of-the-link"
        fetch(f"{server.base_url}/password/reset/{secret}")
        server.wait_for_output("/password/reset/REDACTED")
        assert secret not in server.output

        printed = PASSWORD_LINE.search(server.output)
        assert printed is not None, server.output
        home = sign_in(server.base_url, printed[1], printed[2]).open(
            f"{server.base_url}/manage/users", timeout=30
        )
        assert home.status == 200 and printed[1] in home.read().decode()

        assert server.output.count("Booting worker") == 2
        assert "Using worker: gthread" in server.output


def test_a_start_without_the_course_folder_names_the_setting_and_creates_no_account(
    tmp_path: Path, blank_database_url: str
) -> None:
    missing = tmp_path / "no-course-here"
    environment = server_environment(
        tmp_path / "instance", blank_database_url, LMS_CONTENT_PATH=str(missing)
    )
    result = subprocess.run(
        [LMS_COMMAND, "serve", "--port", str(free_port())],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 1
    assert "LMS_CONTENT_PATH" in result.stderr and str(missing) in result.stderr
    assert "password" not in result.stdout
    engine = make_engine(blank_database_url)
    try:
        with engine.connect() as connection:
            assert connection.scalar(select(func.count()).select_from(User)) == 0
    finally:
        engine.dispose()
