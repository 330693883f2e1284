"""The Containerfile, compose file and nginx site agree with the code they deploy.

The test environment builds no image (its base comes from a registry out of reach there), so
these files are read, not run: every setting they pass must be one the app reads, every path
they copy must exist, and the limits and ports on both sides of the proxy must match.
docs/deployment.md says how the image was last built and run behind the proxy.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

import yaml

from lms import create_app
from lms.config import ENVIRONMENT

REPOSITORY = Path(__file__).parents[1]
CONTAINERFILE = (REPOSITORY / "Containerfile").read_text()
COMPOSE = yaml.safe_load((REPOSITORY / "deploy" / "compose.yaml").read_text())
NGINX = (REPOSITORY / "deploy" / "nginx.conf").read_text()
MEGABYTE = 1024 * 1024


def test_the_image_copies_what_exists_and_runs_lms_serve() -> None:
    for line in re.findall(r"^COPY (.+)$", CONTAINERFILE, re.MULTILINE):
        *sources, _target = shlex.split(line)
        for source in sources:
            assert (REPOSITORY / source).exists(), f"Containerfile copies a missing {source}"
    command = re.search(r"^CMD (\[.+\])$", CONTAINERFILE, re.MULTILINE)
    assert command is not None
    assert yaml.safe_load(command[1])[:2] == ["lms", "serve"]
    assert '--port", "8000"' in command[1] and "EXPOSE 8000" in CONTAINERFILE


def test_the_image_reads_only_settings_the_app_knows(tmp_path: Path) -> None:
    variables = set(re.findall(r"\b(LMS_[A-Z_]+|DATABASE_URL|SECRET_KEY)=", CONTAINERFILE))
    assert variables <= {*ENVIRONMENT, "LMS_INSTANCE_PATH"}
    assert "/ready" in CONTAINERFILE
    rules = {
        rule.rule for rule in create_app({"INSTANCE_PATH": str(tmp_path)}).url_map.iter_rules()
    }
    assert "/ready" in rules


def test_the_compose_file_passes_only_settings_the_app_reads() -> None:
    app = COMPOSE["services"]["app"]
    assert (REPOSITORY / "deploy" / app["build"]["context"] / app["build"]["dockerfile"]).is_file()
    unknown = set(app["environment"]) - set(ENVIRONMENT)
    assert not unknown, f"the app never reads {sorted(unknown)}"
    assert app["environment"]["LMS_TRUSTED_PROXIES"] == "1", "one proxy: nginx"
    assert app["environment"]["LMS_REDIS_URL"].startswith("redis://redis:")
    assert "postgresql+psycopg://" in app["environment"]["DATABASE_URL"]
    for service in ("db", "redis"):
        assert app["depends_on"][service]["condition"] == "service_healthy"


def test_the_proxy_waits_for_the_health_check_the_image_declares() -> None:
    declared = re.search(r"^HEALTHCHECK [^\n]*\\\n\s+CMD (\[.+\])$", CONTAINERFILE, re.MULTILINE)
    assert declared is not None, "the image declares no health check"
    app = COMPOSE["services"]["app"]
    # Repeated in the compose file: an image built in the OCI format loses its HEALTHCHECK.
    assert app["healthcheck"]["test"] == ["CMD", *yaml.safe_load(declared[1])]
    assert "/ready" in declared[1]
    assert COMPOSE["services"]["proxy"]["depends_on"]["app"]["condition"] == "service_healthy"


def test_nginx_lets_through_every_body_the_app_accepts_and_forwards_what_it_trusts(
    tmp_path: Path,
) -> None:
    limit = re.search(r"client_max_body_size (\d+)m;", NGINX)
    assert limit is not None
    ceiling = create_app({"INSTANCE_PATH": str(tmp_path)}).config["MAX_CONTENT_LENGTH"]
    # Larger than the app's ceiling, so the app answers with its own page saying what to do.
    assert int(limit[1]) * MEGABYTE > ceiling
    assert "proxy_pass http://app:8000;" in NGINX
    for header in ("X-Forwarded-For", "X-Forwarded-Proto", "X-Forwarded-Host", "X-Forwarded-Port"):
        assert f"proxy_set_header {header} " in NGINX
    assert "server_tokens off;" in NGINX


def test_both_ignore_files_leave_out_the_same() -> None:
    container = (REPOSITORY / ".containerignore").read_text()
    assert container == (REPOSITORY / ".dockerignore").read_text()
