"""The outbox: queued with what it announces, claimed by one worker at a time, never lost."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from lms.db import db_session, get_database
from lms.mail import outbox
from lms.mail.backoff import MAX_ATTEMPTS
from lms.mail.message import OutgoingMail
from lms.models import MailStatus, OutboxMessage
from lms.models.types import utcnow


@pytest.fixture
def session(app: Flask) -> Iterator[Session]:
    with app.app_context():
        yield db_session()


def _queue(session: Session, count: int) -> list[int]:
    ids = [
        outbox.enqueue(
            session, OutgoingMail(f"p{n}@example.org", "Invitación", "Hola", None), "test"
        ).id
        for n in range(count)
    ]
    session.commit()
    return ids


def test_a_message_is_only_queued_with_the_transaction_that_announces_it(
    session: Session,
) -> None:
    outbox.enqueue(session, OutgoingMail("a@example.org", "s", "t", None), "test")
    session.rollback()
    assert session.scalars(select(OutboxMessage)).all() == []


def test_workers_claiming_at_once_never_take_the_same_message(app: Flask, session: Session) -> None:
    queued = _queue(session, 30)
    taken: list[list[int]] = []
    barrier = threading.Barrier(3)

    def claim() -> None:
        with get_database(app).sessions() as mine:
            barrier.wait()
            ids = outbox.claim_due(mine, limit=12)
            mine.commit()
            taken.append(ids)

    threads = [threading.Thread(target=claim) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [message_id for ids in taken for message_id in ids]
    assert len(every) == len(set(every)) == 30
    assert sorted(every) == sorted(queued)


def test_a_claim_that_expired_is_taken_again(session: Session) -> None:
    (message_id,) = _queue(session, 1)
    assert outbox.claim_due(session) == [message_id]
    session.commit()
    assert outbox.claim_due(session) == []
    session.commit()
    later = utcnow() + outbox.CLAIM_FOR + timedelta(seconds=1)
    assert outbox.claim_due(session, now=later) == [message_id]


def test_a_temporary_failure_waits_longer_each_time_then_gives_up(session: Session) -> None:
    (message_id,) = _queue(session, 1)
    waits = []
    for attempts in range(MAX_ATTEMPTS):
        before = utcnow()
        status = outbox.record_failure(session, message_id, attempts, "451 busy", permanent=False)
        session.commit()
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        session.refresh(message)
        waits.append(message.next_attempt_at - before)
        expected = MailStatus.FAILED if attempts + 1 == MAX_ATTEMPTS else MailStatus.PENDING
        assert status == expected == message.status
    assert waits[1] > waits[0] and waits[2] > waits[1]
    assert message.last_error == "451 busy" and message.attempts == MAX_ATTEMPTS


def test_a_permanent_failure_gives_up_at_once_and_can_be_retried_by_hand(
    session: Session,
) -> None:
    (message_id,) = _queue(session, 1)
    assert outbox.record_failure(session, message_id, 0, "550 no such user", permanent=True) == (
        MailStatus.FAILED
    )
    session.commit()
    assert outbox.claim_due(session) == []
    session.commit()
    outbox.retry_now(session, message_id)
    session.commit()
    assert outbox.claim_due(session) == [message_id]
