"""Sign-in rate limits: per email and per address, a localized 429 page, exact across workers.

The Redis tests use the server at LMS_TEST_REDIS_URL (default redis://127.0.0.1:6379/0) with a
key prefix of their own, deleted afterwards. Without a reachable Redis they skip, unless
LMS_REQUIRE_REDIS=1 (CI), where they fail.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from lms.auth.throttle import MULTI_PROCESS_WARNING, email_key
from lms.db import get_engine
from lms.models import User
from tests.conftest import make_test_app
from tests.redis_server import reachable_test_redis

WRONG = {"email": "ana@example.org", "password": "not the password"}
TOO_MANY = {  # then when: "in 45 seconds", "in 1 minute"
    "es": "Demasiados intentos de inicio de sesión. Vuelva a intentarlo dentro de",
    "en": "Too many sign-in attempts. Try again in",
    "pt": "Muitas tentativas de entrada. Tente novamente em",
}


def attempts(client: FlaskClient, count: int, **headers: str) -> list[int]:
    """Status codes of `count` wrong sign-ins for the same email."""
    return [client.post("/login", data=WRONG, headers=headers).status_code for _ in range(count)]


def test_sixth_attempt_in_a_minute_for_one_email_is_refused(client: FlaskClient) -> None:
    assert attempts(client, 6) == [422] * 5 + [429]


def test_refusal_is_a_localized_page_that_says_when_and_keeps_the_form(
    client: FlaskClient,
) -> None:
    attempts(client, 5)
    for language in ("es", "en", "pt"):
        response = client.post(
            "/login?next=/learn/",
            data={**WRONG, "remember": "y", "next": "/learn/"},
            headers={"Accept-Language": language},
        )
        assert response.status_code == 429
        wait = int(response.headers["Retry-After"])
        assert 1 <= wait <= 60
        page = response.get_data(as_text=True)
        assert f'<html lang="{language}">' in page and TOO_MANY[language] in page
        when = re.match(r" (\d+) (\w+)", page.split(TOO_MANY[language])[1])
        assert when, page
        if when.group(2).startswith("segund") or when.group(2).startswith("second"):
            assert int(when.group(1)) == wait
        else:
            assert when.group(1) == "1" and when.group(2).startswith("minut")
        # Nothing typed is lost but the password, which is never sent back.
        assert 'value="ana@example.org"' in page
        assert re.search(r'name="remember"[^>]*checked|checked[^>]*name="remember"', page)
        assert 'name="next" type="hidden" value="/learn/"' in page
        assert "not the password" not in page


def test_the_right_password_is_refused_too_while_limited(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="ana@example.org", password="the-right-password")
    attempts(client, 5)
    response = client.post(
        "/login", data={"email": "ANA@example.org ", "password": "the-right-password"}
    )
    assert response.status_code == 429
    assert client.get("/account").status_code == 302  # still signed out


@pytest.mark.app_config(LMS_SIGN_IN_LIMIT_PER_EMAIL="1 per hour")
def test_a_long_wait_is_said_in_minutes(client: FlaskClient) -> None:
    attempts(client, 1)
    response = client.post("/login", data=WRONG, headers={"Accept-Language": "en"})
    assert response.status_code == 429
    assert int(response.headers["Retry-After"]) > 3500
    assert "Try again in 1 hour." in response.get_data(as_text=True)


def test_other_emails_and_reading_the_form_are_not_limited(client: FlaskClient) -> None:
    attempts(client, 6)
    assert all(client.get("/login").status_code == 200 for _ in range(10))
    other = client.post("/login", data={"email": "bea@example.org", "password": "x"})
    assert other.status_code == 422


def test_incomplete_forms_do_not_count(client: FlaskClient) -> None:
    for _ in range(10):
        assert client.post("/login", data={"email": "ana@example.org"}).status_code == 422
    assert attempts(client, 5) == [422] * 5


@pytest.mark.app_config(LMS_SIGN_IN_LIMIT_PER_ADDRESS="3 per minute")
def test_one_address_trying_many_emails_is_limited(client: FlaskClient) -> None:
    codes = [
        client.post("/login", data={"email": f"p{n}@example.org", "password": "x"}).status_code
        for n in range(4)
    ]
    assert codes == [422, 422, 422, 429]
    elsewhere = client.post(
        "/login",
        data={"email": "p9@example.org", "password": "x"},
        environ_base={"REMOTE_ADDR": "192.0.2.7"},
    )
    assert elsewhere.status_code == 422


@pytest.mark.app_config(RATELIMIT_ENABLED=False)
def test_limits_can_be_switched_off(client: FlaskClient) -> None:
    assert 429 not in attempts(client, 8)


def test_memory_storage_warns_about_several_processes_once(
    client: FlaskClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        attempts(client, 3)
    assert caplog.text.count(MULTI_PROCESS_WARNING) == 1


@pytest.mark.parametrize("url", ["http://127.0.0.1:6379", "127.0.0.1:6379", "memcached://x"])
def test_a_redis_url_that_is_not_one_is_a_clear_error(
    tmp_path: Path, database_url: str, url: str
) -> None:
    with pytest.raises(ValueError, match=r"LMS_REDIS_URL must be a Redis address such as redis://"):
        make_test_app(tmp_path, database_url, LMS_REDIS_URL=url)


def test_emails_are_stored_only_as_digests() -> None:
    assert email_key(" Ana@Example.org") == email_key("ana@example.org")
    assert "ana" not in email_key("ana@example.org")


# Against a real Redis ------------------------------------------------------------------------


@pytest.fixture
def redis_url() -> str:
    """The test Redis, or a skip (a failure under LMS_REQUIRE_REDIS=1) when it cannot be reached."""
    return reachable_test_redis()


@pytest.fixture
def workers(redis_url: str, tmp_path: Path, database_url: str) -> Iterator[Any]:
    """`workers(n, **settings)`: n apps sharing one database, like the processes of one site."""
    import redis

    prefix = f"lms-test-{uuid.uuid4().hex}"
    made: list[Flask] = []

    def make(count: int, **settings: Any) -> list[Flask]:
        settings.setdefault("LMS_REDIS_URL", redis_url)
        settings.setdefault("LMS_RATE_LIMIT_PREFIX", prefix)
        apps = [
            make_test_app(tmp_path / f"w{len(made) + n}", database_url, **settings)
            for n in range(count)
        ]
        made.extend(apps)
        return apps

    yield make
    for app in made:
        get_engine(app).dispose()
    server = redis.Redis.from_url(redis_url)
    keys = list(server.scan_iter(match=f"*LIMITER/{prefix}/*"))
    if keys:
        server.delete(*keys)


def stored_keys(redis_url: str, prefix: str) -> list[str]:
    import redis

    server = redis.Redis.from_url(redis_url)
    return [key.decode() for key in server.scan_iter(match=f"*LIMITER/{prefix}/*")]


def test_redis_keeps_exact_counts_across_workers(
    workers: Any, redis_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    clients = [app.test_client() for app in workers(2)]
    with caplog.at_level(logging.WARNING):
        codes = [clients[n % 2].post("/login", data=WRONG).status_code for n in range(10)]
    assert codes == [422] * 5 + [429] * 5
    assert MULTI_PROCESS_WARNING not in caplog.text
    prefix = clients[0].application.config["LMS_RATE_LIMIT_PREFIX"]
    keys = stored_keys(redis_url, prefix)
    assert keys and all(f"/{prefix}/" in key for key in keys)
    assert not any("ana@example.org" in key for key in keys)


def test_concurrent_attempts_through_two_workers_let_exactly_five_through(workers: Any) -> None:
    apps = workers(2)

    def attempt(n: int) -> int:
        return apps[n % 2].test_client().post("/login", data=WRONG).status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        codes = list(pool.map(attempt, range(16)))
    assert codes.count(422) == 5 and codes.count(429) == 11


def test_without_redis_each_worker_counts_alone(workers: Any) -> None:
    # What Redis is for: with memory storage two workers together let twice the limit through.
    clients = [app.test_client() for app in workers(2, LMS_REDIS_URL=None)]
    codes = [clients[n % 2].post("/login", data=WRONG).status_code for n in range(10)]
    assert codes == [422] * 10


@pytest.mark.app_config(LMS_REDIS_URL="redis://127.0.0.1:1/0")  # nothing listens on port 1
def test_sign_in_still_works_and_is_limited_when_redis_is_down(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    make_user(email="bea@example.org", password="the-right-password")
    right = {"email": "bea@example.org", "password": "the-right-password"}
    assert client.post("/login", data=right).status_code == 302
    assert attempts(client, 6) == [422] * 5 + [429]
