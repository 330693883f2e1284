"""The Redis the tests use: LMS_TEST_REDIS_URL (default redis://127.0.0.1:6379/0)."""

from __future__ import annotations

import os

import pytest

TEST_REDIS_URL = os.environ.get("LMS_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def reachable_test_redis() -> str:
    """The test Redis's URL, or a skip (a failure under LMS_REQUIRE_REDIS=1) when it is down."""
    import redis

    try:
        redis.Redis.from_url(TEST_REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError as error:
        message = (
            f"Redis at {TEST_REDIS_URL} cannot be reached ({error}): start redis-server or set "
            "LMS_TEST_REDIS_URL"
        )
        if os.environ.get("LMS_REQUIRE_REDIS") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return TEST_REDIS_URL
