"""The settings every machine of one site must share can be given as environment variables.

`lms serve` takes no configuration mapping: a site of several machines sharing one Redis sets
its sign-in limits and key prefix in each machine's environment.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from lms import create_app
from lms.config import from_environment


def test_sign_in_limits_and_prefix_come_from_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LMS_SIGN_IN_LIMIT_PER_EMAIL", " 3 per minute; 10 per hour ")
    monkeypatch.setenv("LMS_SIGN_IN_LIMIT_PER_ADDRESS", "100 per minute")
    monkeypatch.setenv("LMS_RATE_LIMIT_PREFIX", "site-b")
    config = create_app({"INSTANCE_PATH": str(tmp_path)}).config
    assert config["LMS_SIGN_IN_LIMIT_PER_EMAIL"] == "3 per minute; 10 per hour"
    assert config["LMS_SIGN_IN_LIMIT_PER_ADDRESS"] == "100 per minute"
    assert config["LMS_RATE_LIMIT_PREFIX"] == "site-b"


def test_an_unreadable_limit_stops_the_start_naming_the_variable() -> None:
    with pytest.raises(ValueError, match="LMS_SIGN_IN_LIMIT_PER_ADDRESS: couldn't parse"):
        from_environment({"LMS_SIGN_IN_LIMIT_PER_ADDRESS": "thirty a minute"})
