"""Two instances of the platform on one PostgreSQL database and one Redis, for a module's tests.

Redis is the one at LMS_TEST_REDIS_URL (default redis://127.0.0.1:6379/0); without it the
tests skip, unless LMS_REQUIRE_REDIS=1 (CI), where they fail. Every run uses a key prefix of its
own and deletes its keys afterwards.
"""

from __future__ import annotations

import os
import secrets
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from sqlalchemy import Engine

from lms.config import ENVIRONMENT
from lms.db import make_engine
from tests.conftest import TEST_DATABASE_URL, is_postgres
from tests.redis_server import reachable_test_redis
from tests.scaleout import servers
from tests.scaleout.site import (
    Accounts,
    add_accounts,
    own_database_url,
    recreate_database,
    write_course,
)

SIGN_IN_LIMIT_PER_EMAIL = 5


@dataclass(frozen=True)
class TwoInstances:
    """Instances A and B of one site, its accounts, and the database behind them."""

    a: servers.Instance
    b: servers.Instance
    accounts: Accounts
    database: Engine
    rate_limit_prefix: str
    seconds_to_ready: float


@pytest.fixture(scope="module")
def shared_redis() -> str:
    """The test Redis, or a skip (a failure under LMS_REQUIRE_REDIS=1) when it cannot be reached."""
    return reachable_test_redis()


@pytest.fixture(scope="module")
def own_database() -> Iterator[str]:
    """An empty PostgreSQL database beside the test database, dropped afterwards."""
    if not is_postgres():
        pytest.skip("two instances need PostgreSQL: set LMS_TEST_DATABASE_URL=postgresql+...")
    assert TEST_DATABASE_URL is not None
    url = own_database_url(TEST_DATABASE_URL)
    recreate_database(url)
    yield url
    recreate_database(url, create=False)


@pytest.fixture(scope="module")
def two_instances(
    request: pytest.FixtureRequest,
    own_database: str,
    shared_redis: str,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[TwoInstances]:
    """Instances A and B, started together on an empty database; stopped whatever happens."""
    import redis

    folder = tmp_path_factory.mktemp("two-instances")
    secret_key = secrets.token_hex(32)
    prefix = f"lms-scaleout-{uuid.uuid4().hex}"
    # Kept between runs in pytest's cache folder, unless the cache is turned off.
    cache = getattr(request.config, "cache", None)
    kept = cache.mkdir("lms-static-build") if cache is not None else folder / "static-build"
    static_build = servers.build_static_once(kept)
    # Only what a real server gets: none of the developer's own LMS settings leak in.
    environment = {
        name: value
        for name, value in os.environ.items()
        if name not in ENVIRONMENT and not name.startswith("LMS_")
    }
    environment.update(
        DATABASE_URL=own_database,
        SECRET_KEY=secret_key,
        LMS_REDIS_URL=shared_redis,
        LMS_CONTENT_PATH=str(write_course(folder)),
        LMS_RATE_LIMIT_PREFIX=prefix,
        LMS_SIGN_IN_LIMIT_PER_EMAIL=f"{SIGN_IN_LIMIT_PER_EMAIL} per minute",
        # All requests come from 127.0.0.1: only the per-account limit is under test.
        LMS_SIGN_IN_LIMIT_PER_ADDRESS="10000 per minute",
    )
    started: list[servers.Instance] = []
    database = make_engine(own_database)
    try:
        starting = time.monotonic()
        for name in ("a", "b"):
            instance_environment = {**environment, "LMS_INSTANCE_PATH": str(folder / name)}
            servers.give_static_build(folder / name, static_build)
            started.append(servers.start(name, instance_environment, folder))
        for instance in started:
            servers.wait_until_ready(instance)
        ready = time.monotonic() - starting
        prepared = add_accounts(own_database, folder / "accounts")
        yield TwoInstances(started[0], started[1], prepared, database, prefix, ready)
    finally:
        servers.stop(started)
        database.dispose()
        server = redis.Redis.from_url(shared_redis)
        keys = list(server.scan_iter(match=f"*LIMITER/{prefix}/*"))
        if keys:
            server.delete(*keys)
