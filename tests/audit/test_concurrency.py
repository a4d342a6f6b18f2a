"""Appends are serialised: concurrent writers each extend the head, so the chain never forks."""

from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from trainer.audit.models import AuditEvent
from trainer.audit.parallel import verify_chain
from trainer.audit.services import log_snapshot, record
from trainer.core.extensions import db

pytestmark = pytest.mark.slow

WRITERS = 8
EVENTS_EACH = 200


def test_concurrent_writers_leave_one_unbroken_chain(scratch):
    start = threading.Barrier(WRITERS)
    failures: list[BaseException] = []

    def write(writer: int) -> None:
        try:
            with scratch.app.app_context():
                start.wait(timeout=60)
                for n in range(EVENTS_EACH):
                    record(
                        "test.concurrent",
                        subject=f"writer:{writer}",
                        payload={"writer": writer, "n": n},
                    )
                    db.session.commit()
        except BaseException as error:  # reported by the main thread
            failures.append(error)

    threads = [
        threading.Thread(target=write, args=(writer,)) for writer in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=600)
    assert failures == []

    total = WRITERS * EVENTS_EACH
    with log_snapshot() as connection:
        report = verify_chain(connection)
        seqs = (
            connection.execute(sa.select(AuditEvent.seq).order_by(AuditEvent.seq))
            .scalars()
            .all()
        )
        written = connection.execute(sa.select(AuditEvent.payload)).scalars().all()
    assert report.ok, report.problem
    assert report.count == total
    assert seqs == list(range(1, total + 1))  # no duplicated or missing sequence number
    assert sorted((p["writer"], p["n"]) for p in written) == [
        (writer, n) for writer in range(WRITERS) for n in range(EVENTS_EACH)
    ]
    # every writer's events interleave with the others': they really ran at the same time
    assert len({p["writer"] for p in written[: total // 2]}) > 1
