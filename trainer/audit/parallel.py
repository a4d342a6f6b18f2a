"""Verification of a long chain in parallel processes.

The chain is cut into consecutive ranges of sequence numbers; each process checks its range on
its own connection (trainer.audit.verify.scan), and join_spans stitches the ranges together,
checking that each range's first event links to the hash of the previous range's last event.
The events are append-only, so every process reads the same events up to the head that the
caller's snapshot saw.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from .verify import BATCH_SIZE, ChainReport, Span, join_spans, scan, verify_serial

#: below this many events one process is fast enough (starting workers costs more)
PARALLEL_MIN_EVENTS = 200_000


def verify_chain(
    connection: sa.Connection, *, batch_size: int = BATCH_SIZE, jobs: int = 1
) -> ChainReport:
    """Verify the whole chain from event 1 to the head, on ``connection``'s transaction (use a
    snapshot, e.g. a read-only transaction, for a consistent head while writers append).

    ``jobs`` > 1 checks ranges of a long chain in parallel processes.
    """
    if jobs > 1:
        report = verify_in_parallel(connection, jobs=jobs, batch_size=batch_size)
        if report is not None:
            return report
    return verify_serial(connection, batch_size=batch_size)


def default_jobs() -> int:
    return max(1, min(os.cpu_count() or 1, 8))


def verify_in_parallel(
    connection: sa.Connection,
    *,
    jobs: int,
    batch_size: int,
    min_events: int | None = None,
) -> ChainReport | None:
    """The report, or None when the chain is shorter than ``min_events`` (by default
    PARALLEL_MIN_EVENTS) or the database is not shared between processes (the caller then
    verifies in this process)."""
    if "fork" not in multiprocessing.get_all_start_methods():
        return None
    url = connection.engine.url
    if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
        return None
    head = (
        connection.execute(sa.text("SELECT max(seq) FROM audit_events")).scalar() or 0
    )
    if head < (PARALLEL_MIN_EVENTS if min_events is None else min_events):
        return None
    jobs = min(jobs, head)
    bounds = [head * part // jobs for part in range(jobs + 1)]
    work = [
        (
            url.render_as_string(hide_password=False),
            bounds[i],
            bounds[i + 1],
            batch_size,
        )
        for i in range(jobs)
    ]
    with ProcessPoolExecutor(
        max_workers=jobs, mp_context=multiprocessing.get_context("fork")
    ) as pool:
        spans = list(pool.map(_scan_range, work))
    return join_spans(spans)


def _scan_range(work: tuple[str, int, int, int]) -> Span:
    url, after, until, batch_size = work
    engine = sa.create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as connection, connection.begin():
            return scan(
                connection,
                after=after,
                until=until,
                prev_hash=None,
                batch_size=batch_size,
            )
    finally:
        engine.dispose()
