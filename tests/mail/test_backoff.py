"""Retry delays: growing, capped, spread by a seed, and giving up after about two days."""

from __future__ import annotations

from datetime import timedelta

import pytest

from lms.mail.backoff import (
    JITTER,
    MAX_ATTEMPTS,
    MAX_DELAY,
    jitter_fraction,
    next_attempt_delay,
    nominal_delay,
    retry_window,
)

MINUTE = timedelta(minutes=1)
HOUR = timedelta(hours=1)


@pytest.mark.parametrize(
    ("attempts", "expected"),
    [
        (1, timedelta(seconds=30)),
        (2, 2 * MINUTE),
        (3, 8 * MINUTE),
        (4, 32 * MINUTE),
        (5, 128 * MINUTE),
        (6, 6 * HOUR),  # 512 minutes, capped
        (7, 6 * HOUR),
        (MAX_ATTEMPTS, 6 * HOUR),
        (10**9, 6 * HOUR),  # a runaway count costs nothing and stays capped
    ],
)
def test_nominal_delay(attempts: int, expected: timedelta) -> None:
    assert nominal_delay(attempts) == expected


@pytest.mark.parametrize("attempts", [1, 2, 5, 6, 12, 10**9])
@pytest.mark.parametrize("seed", [0, 1, 41, 2**40, "outbox-7"])
def test_jitter_stays_within_ten_percent(attempts: int, seed: int | str) -> None:
    nominal = nominal_delay(attempts)
    delay = next_attempt_delay(attempts, seed=seed)
    assert nominal * (1 - JITTER) - timedelta(seconds=1) <= delay
    assert delay <= nominal * (1 + JITTER) + timedelta(seconds=1)


@pytest.mark.parametrize("attempts", [1, 4, 8])
def test_the_same_seed_gives_the_same_delay(attempts: int) -> None:
    assert next_attempt_delay(attempts, seed=123) == next_attempt_delay(attempts, seed=123)


@pytest.mark.parametrize("attempts", [2, 7])
def test_different_seeds_spread_out(attempts: int) -> None:
    nominal = nominal_delay(attempts)
    delays = [next_attempt_delay(attempts, seed=seed) for seed in range(200)]
    assert len(set(delays)) >= 20  # whole seconds: 2 minutes ±10 % has 25 of them
    assert min(delays) < nominal * (1 - JITTER / 2)
    assert max(delays) > nominal * (1 + JITTER / 2)


def test_a_message_gets_a_new_jitter_at_each_attempt() -> None:
    fractions = {jitter_fraction(7, attempts) for attempts in range(1, MAX_ATTEMPTS)}
    assert len(fractions) == MAX_ATTEMPTS - 1
    assert all(0 <= fraction < 1 for fraction in fractions)


def test_delays_never_shrink_before_the_cap() -> None:
    nominal = [nominal_delay(attempts) for attempts in range(1, MAX_ATTEMPTS + 1)]
    assert nominal == sorted(nominal)
    assert nominal[-1] == MAX_DELAY


def test_giving_up_comes_after_about_two_days() -> None:
    assert 40 * HOUR <= retry_window() <= 50 * HOUR


def test_giving_up_comes_after_about_two_days_with_jitter_too() -> None:
    for seed in range(20):
        window = sum(
            (next_attempt_delay(n, seed=seed) for n in range(1, MAX_ATTEMPTS)), timedelta()
        )
        assert retry_window() * (1 - JITTER) <= window <= retry_window() * (1 + JITTER)


@pytest.mark.parametrize("attempts", [0, -1])
def test_attempts_start_at_one(attempts: int) -> None:
    with pytest.raises(ValueError, match="attempts must be 1 or more"):
        next_attempt_delay(attempts, seed=1)
