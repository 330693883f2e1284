"""When to try a message again after a temporary failure, and when to give up."""

from __future__ import annotations

import hashlib
from datetime import timedelta

BASE_DELAY = timedelta(seconds=30)
GROWTH = 4
MAX_DELAY = timedelta(hours=6)
# Spreads the retries of messages that failed together (a server down for an hour) so they
# do not all come back in the same second.
JITTER = 0.10
# Waits of 30 s, 2 min, 8 min, 32 min, about 2 h, then 6 h: the last attempt comes about
# 45 hours after the first, so a mail server can be down for most of two days and lose nothing.
MAX_ATTEMPTS = 13


def nominal_delay(attempts: int) -> timedelta:
    """Return the wait after `attempts` failed attempts (1 or more), before jitter."""
    if attempts < 1:
        raise ValueError(f"attempts must be 1 or more, got {attempts}")
    # Whole seconds as integers, and an exponent that stops far past the cap: a huge count
    # neither overflows timedelta nor costs time.
    growth: int = GROWTH ** min(attempts - 1, 64)
    seconds = min(int(BASE_DELAY.total_seconds()) * growth, int(MAX_DELAY.total_seconds()))
    return timedelta(seconds=seconds)


def next_attempt_delay(attempts: int, *, seed: int | str) -> timedelta:
    """Return the wait after `attempts` failed attempts: nominal ±10 %, fixed by `seed`.

    Pass the message's id as `seed`: its delays stay the same from run to run while
    different messages spread out.
    """
    nominal = nominal_delay(attempts)
    factor = 1 + JITTER * (2 * jitter_fraction(seed, attempts) - 1)
    return timedelta(seconds=round(nominal.total_seconds() * factor))


def jitter_fraction(seed: int | str, attempts: int) -> float:
    """Return a number in [0, 1) that depends only on `seed` and `attempts`."""
    digest = hashlib.blake2b(f"{seed}:{attempts}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") / 2**64


def retry_window() -> timedelta:
    """Return the nominal time from a message's first attempt to its last."""
    return sum((nominal_delay(n) for n in range(1, MAX_ATTEMPTS)), timedelta())
