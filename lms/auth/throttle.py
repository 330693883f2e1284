"""Password attempt limits per client address and per account, shared through Redis when configured.

Every form that checks a password (sign-in, password change, deletion request) counts against
the same two limits, so a stolen session cannot guess the current password faster than the
sign-in form allows, nor add the two budgets together.
"""

from __future__ import annotations

import hashlib
import math
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from flask import Flask, current_app, g, request
from flask_limiter import Limiter, RateLimitExceeded, RouteLimit

from lms.models import normalize_email

EXTENSION = "lms.sign_in_limits"
# Schemes the `limits` package reads as Redis (plain, TLS, socket, Sentinel, Cluster).
REDIS_SCHEMES = ("redis", "rediss", "redis+unix", "redis+sentinel", "redis+cluster")
# A slow or unreachable Redis must not hold up sign-in for long: after this many seconds the
# limiter counts in memory for a while and tries Redis again later.
REDIS_TIMEOUT_SECONDS = 2
MULTI_PROCESS_WARNING = (
    "LMS_REDIS_URL is not set: sign-in limits are counted in this process's memory. With "
    "several worker processes or hosts each keeps its own counts, so together they let more "
    "attempts through; set LMS_REDIS_URL (redis://host:6379/0) for exact limits."
)


class TooManyAttempts(Exception):
    """A password was tried too often; `retry_after` is the number of seconds to wait."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many password attempts; retry in {retry_after} s")
        self.retry_after = retry_after


@dataclass
class SignInLimits:
    """One app's limiter and its two limits (shared by every form that checks a password)."""

    limiter: Limiter
    per_address: RouteLimit
    per_email: RouteLimit
    # Counting in memory is only exact for one process; said once, at the first attempt.
    warn_memory: bool = False


def client_address() -> str:
    """The address the request came from (behind a proxy, configure ProxyFix to pass it on)."""
    return request.remote_addr or "unknown"


def email_key(email: str) -> str:
    """A digest of the normalized email: Redis never stores the address itself."""
    return hashlib.sha256(normalize_email(email).encode()).hexdigest()[:32]


def storage_uri(redis_url: str | None) -> str:
    """The limiter storage for LMS_REDIS_URL, or memory without it; a wrong URL is an error."""
    if not redis_url:
        return "memory://"
    if urlsplit(redis_url).scheme not in REDIS_SCHEMES:
        raise ValueError(
            f"LMS_REDIS_URL must be a Redis address such as redis://127.0.0.1:6379/0, "
            f"got {redis_url!r}."
        )
    return redis_url


def init_app(app: Flask) -> None:
    """Give `app` its own limiter (its own counts in memory, or its key prefix in Redis)."""
    redis_url = app.config.get("LMS_REDIS_URL")
    uri = storage_uri(redis_url)
    limiter = Limiter(
        client_address,
        app=app,
        storage_uri=uri,
        storage_options=_redis_options() if redis_url else {},
        # A moving window counts any 60 seconds, not calendar minutes: no double burst at the
        # turn of a minute, and refused attempts do not extend the wait.
        strategy="moving-window",
        key_prefix=app.config["LMS_RATE_LIMIT_PREFIX"],
        # Redis down: keep limiting in memory rather than refusing every sign-in.
        in_memory_fallback_enabled=True,
    )
    app.extensions[EXTENSION] = SignInLimits(
        limiter,
        # Shared limits: the counter does not depend on the form (endpoint) it is used from.
        per_address=limiter.shared_limit(
            app.config["LMS_SIGN_IN_LIMIT_PER_ADDRESS"], key_func=client_address, scope="address"
        ),
        per_email=limiter.shared_limit(
            app.config["LMS_SIGN_IN_LIMIT_PER_EMAIL"], key_func=_attempted_email, scope="email"
        ),
        warn_memory=not redis_url,
    )


def _redis_options() -> dict[str, str | int]:
    return {
        "socket_timeout": REDIS_TIMEOUT_SECONDS,
        "socket_connect_timeout": REDIS_TIMEOUT_SECONDS,
    }


# Where count_password_attempt leaves the account's email for the limit's key function.
_EMAIL_KEY = "lms_password_attempt_email"


def _attempted_email() -> str:
    return email_key(g.get(_EMAIL_KEY, ""))


def count_sign_in_attempt() -> None:
    """Count a sign-in with the email typed into the form; raise TooManyAttempts when limited."""
    count_password_attempt(request.form.get("email", ""))


def count_password_attempt(email: str) -> None:
    """Count a password check for the account `email` from this client address.

    Raises TooManyAttempts when either limit is used up. Signed-in forms pass the account's own
    address, so their attempts and sign-ins at that address share one budget.
    """
    setattr(g, _EMAIL_KEY, email)
    limits: SignInLimits = current_app.extensions[EXTENSION]
    if not limits.limiter.enabled:
        return
    if limits.warn_memory:
        limits.warn_memory = False
        current_app.logger.warning(MULTI_PROCESS_WARNING)
    try:
        # Every attempt counts, successful or not: counting only failures would need a check
        # before the password test and a count after it, which concurrent requests slip between.
        with limits.per_address:
            pass
        with limits.per_email:
            pass
    except RateLimitExceeded:
        breached = limits.limiter.current_limit
        # window[0] is when the oldest counted attempt leaves the window (reset_at rounds up).
        reset_at = breached.window[0] if breached else time.time() + 60
        raise TooManyAttempts(max(1, math.ceil(reset_at - time.time()))) from None
