"""Verification of the audit chain: every event's hash is recomputed from its fields, in order,
from the first event to the head, reading keyset batches of raw rows (constant memory).

Each batch is first checked on a fast path that builds the RFC 8785 bytes of every event by
string formatting from the stored text (the payload column holds its RFC 8785 text, see
trainer.audit.models.CanonicalJSON). The fast path can only *accept* a batch: a match means the
recomputed bytes equal the bytes that were hashed when the event was recorded, which SHA-256
makes impossible unless the fields are unchanged. Any batch it does not accept is checked again
event by event with the reference canonicalisation (the ``rfc8785`` package), which names the
first broken event and what is wrong with it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from json.encoder import encode_basestring
from operator import itemgetter
from typing import Any

import sqlalchemy as sa

from .chain import GENESIS_HASH, canonical_fields_of, event_hash

#: events read and checked at a time
BATCH_SIZE = 5000

GAP = "gap"
BAD_LINK = "bad link"
HASH_MISMATCH = "hash mismatch"
UNREADABLE = "unreadable event"

# Raw rows, in this column order on both databases: seq, prev_hash, hash, time as
# "YYYY-MM-DD HH:MM:SS.ffffff" (UTC), actor_id, actor, action, subject, program_id, payload text.
_BATCH_SQL = {
    "sqlite": (
        "SELECT seq, prev_hash, hash, created_at, actor_id, actor, action, subject, program_id, payload "
        "FROM audit_events WHERE seq > ? AND seq <= ? ORDER BY seq LIMIT ?"
    ),
    "postgresql": (
        "SELECT seq, prev_hash, hash, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US'), "
        "actor_id, actor, action, subject, program_id, payload::text "
        "FROM audit_events WHERE seq > %s AND seq <= %s ORDER BY seq LIMIT %s"
    ),
}
_NO_LIMIT = 2**62

Row = tuple[Any, ...]


@dataclass(frozen=True)
class Break:
    """The first event at which the chain does not verify."""

    seq: int
    time: str
    action: str
    kind: str
    detail: str

    def __str__(self) -> str:
        return (
            f"event {self.seq} ({self.time}, {self.action}): {self.kind}: {self.detail}"
        )


@dataclass(frozen=True)
class ChainReport:
    """What a verification found: ``count`` events verified from the first, ending at the head
    (``head_seq``, ``head_hash``), or a ``problem`` after the last good event."""

    count: int
    head_seq: int
    head_hash: str
    problem: Break | None = None

    @property
    def ok(self) -> bool:
        return self.problem is None

    @property
    def is_empty(self) -> bool:
        return self.count == 0 and self.problem is None

    def summary(self) -> str:
        if self.is_empty:
            return "The audit log is empty: there are no events to verify."
        if self.problem is None:
            return (
                f"The audit chain verifies: {self.count:,} events, from event 1 to event {self.head_seq:,} "
                f"(head hash {self.head_hash})."
            )
        verified = (
            f"the {self.count:,} events before it verify"
            if self.count
            else "no event before it verifies"
        )
        return f"The audit chain is broken at {self.problem}; {verified}."


@dataclass(frozen=True)
class Span:
    """A verified run of consecutive events (internally consistent; its first link is checked
    by whoever knows the event before it)."""

    first_seq: int
    first_prev_hash: str
    first_time: str
    first_action: str
    last_seq: int
    last_hash: str
    count: int
    problem: Break | None


def verify_serial(
    connection: sa.Connection, *, batch_size: int = BATCH_SIZE
) -> ChainReport:
    """Verify the whole chain from event 1 to the head in this process, on ``connection``'s
    transaction (use a snapshot, e.g. a read-only transaction, for a consistent head while
    writers append)."""
    span = scan(
        connection, after=0, until=None, prev_hash=GENESIS_HASH, batch_size=batch_size
    )
    return join_spans([span])


def join_spans(spans: Sequence[Span]) -> ChainReport:
    """Stitch consecutive spans (in order) into one report: each span's first event must follow
    the previous span's last event and link to its hash."""
    count, head_seq, head_hash = 0, 0, GENESIS_HASH
    for span in spans:
        if span.first_seq == 0:  # no events in that range
            continue
        boundary = _check_boundary(span, head_seq, head_hash)
        if boundary is not None:
            return ChainReport(count, head_seq, head_hash, boundary)
        count += span.count
        if span.count:
            head_seq, head_hash = span.last_seq, span.last_hash
        if span.problem is not None:
            return ChainReport(count, head_seq, head_hash, span.problem)
    return ChainReport(count, head_seq, head_hash)


def _check_boundary(span: Span, head_seq: int, head_hash: str) -> Break | None:
    if span.first_seq != head_seq + 1:
        return Break(
            span.first_seq,
            span.first_time,
            span.first_action,
            GAP,
            _missing(head_seq + 1, span.first_seq),
        )
    if span.first_prev_hash != head_hash:
        return Break(
            span.first_seq,
            span.first_time,
            span.first_action,
            BAD_LINK,
            _bad_link(span.first_seq, span.first_prev_hash, head_hash),
        )
    return None


def scan(
    connection: sa.Connection,
    *,
    after: int,
    until: int | None,
    prev_hash: str | None,
    batch_size: int = BATCH_SIZE,
) -> Span:
    """Check the events with ``after`` < seq <= ``until``. With ``prev_hash`` None, the first
    event's link is left to the caller (join_spans)."""
    first: Row | None = None
    expected, count, last_hash = after + 1, 0, prev_hash
    for rows in batches(connection, after=after, until=until, size=batch_size):
        if first is None:
            first = rows[0]
            if prev_hash is None:
                expected, last_hash = rows[0][0], rows[0][1]
        found = (
            None
            if fast_accept(rows, expected, last_hash)
            else exact_check(rows, expected, last_hash)
        )
        if found is not None:
            index, problem = found
            if index > 0:
                count, expected, last_hash = (
                    count + index,
                    rows[index - 1][0] + 1,
                    rows[index - 1][2],
                )
            return _span(first, count, expected - 1, last_hash, problem)
        count += len(rows)
        expected, last_hash = rows[-1][0] + 1, rows[-1][2]
    if first is None:
        return Span(0, "", "", "", after, prev_hash or GENESIS_HASH, 0, None)
    return _span(first, count, expected - 1, last_hash, None)


def _span(
    first: Row, count: int, last_seq: int, last_hash: str | None, problem: Break | None
) -> Span:
    return Span(
        first[0],
        first[1],
        describe_time(first[3]),
        str(first[6]),
        last_seq,
        last_hash or "",
        count,
        problem,
    )


def batches(
    connection: sa.Connection, *, after: int, until: int | None, size: int
) -> Iterator[list[Row]]:
    """Raw rows in seq order, ``size`` at a time (keyset pagination on seq)."""
    sql = _BATCH_SQL[
        "postgresql" if connection.dialect.name == "postgresql" else "sqlite"
    ]
    cursor = connection.connection.cursor()
    limit = _NO_LIMIT if until is None else until
    try:
        while True:
            cursor.execute(sql, (after, limit, size))
            rows = cursor.fetchall()
            if not rows:
                return
            yield rows
            after = rows[-1][0]
    finally:
        cursor.close()


def fast_accept(rows: Sequence[Row], expected: int, prev_hash: str | None) -> bool:
    """True when every event of the batch verifies, checked with string formatting; False when
    it may not (the caller then checks event by event)."""
    if (
        prev_hash is None
        or rows[0][0] != expected
        or rows[-1][0] != expected + len(rows) - 1
    ):
        return False
    quote, sha256 = encode_basestring, hashlib.sha256
    digest = bytes.fromhex(prev_hash)
    digests: list[bytes] = []
    append = digests.append
    try:
        for (
            seq,
            _prev,
            _hash,
            time,
            actor_id,
            actor,
            action,
            subject,
            program_id,
            payload,
        ) in rows:
            # repr() keeps types apart: a number stored as text does not pass as a number.
            digest = sha256(
                digest
                + (
                    f'{{"action":{quote(action)},"actor":{quote(actor)},'
                    f'"actor_id":{"null" if actor_id is None else repr(actor_id)},'
                    f'"created_at":"{time[:10]}T{time[11:]}Z","payload":{payload},'
                    f'"program_id":{"null" if program_id is None else repr(program_id)},'
                    f'"seq":{seq},"subject":{quote(subject)}}}'
                ).encode()
            ).digest()
            append(digest)
        hashes = "".join(map(itemgetter(2), rows))
        prevs = "".join(map(itemgetter(1), rows))
    except (TypeError, ValueError, UnicodeError):
        return False
    # every stored hash 64 characters long, so that the joined strings compare row by row
    if {*map(len, map(itemgetter(1), rows)), *map(len, map(itemgetter(2), rows))} != {
        64
    }:
        return False
    return b"".join(digests).hex() == hashes and prevs == prev_hash + hashes[:-64]


def exact_check(
    rows: Sequence[Row], expected: int, prev_hash: str | None
) -> tuple[int, Break] | None:
    """Check event by event with the reference canonicalisation; the first problem, if any,
    with its index in ``rows``."""
    for index, row in enumerate(rows):
        problem = _check_event(row, expected, prev_hash)
        if problem is not None:
            return index, problem
        expected, prev_hash = row[0] + 1, row[2]
    return None


def _check_event(row: Row, expected: int, prev_hash: str | None) -> Break | None:
    seq, prev, stored, time, actor_id, actor, action, subject, program_id, payload = row
    when = describe_time(time)
    if seq != expected:
        return Break(seq, when, action, GAP, _missing(expected, seq))
    if prev_hash is not None and prev != prev_hash:
        return Break(seq, when, action, BAD_LINK, _bad_link(seq, prev, prev_hash))
    try:
        fields = canonical_fields_of(
            seq=seq,
            created_at=parse_time(time),
            actor_id=actor_id,
            actor=actor,
            action=action,
            subject=subject,
            program_id=program_id,
            payload=json.loads(payload),
        )
        computed = event_hash(prev, fields)
    except (TypeError, ValueError, UnicodeError) as error:
        return Break(
            seq, when, str(action), UNREADABLE, f"its fields cannot be read ({error})"
        )
    if computed != stored:
        return Break(
            seq,
            when,
            action,
            HASH_MISMATCH,
            f"its contents hash to {computed}, not to its stored hash {stored}: "
            "the event was changed after it was recorded",
        )
    return None


def parse_time(value: Any) -> datetime:
    """The stored time as the application reads it (SQLAlchemy's SQLite DATETIME and
    trainer.core.models.UTCDateTime): ISO text, UTC when it names no offset."""
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    return (
        moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    )


def describe_time(value: Any) -> str:
    try:
        return parse_time(value).strftime("%Y-%m-%d %H:%M:%S UTC")
    except (TypeError, ValueError):
        return f"unreadable time {value!r}"


def _missing(expected: int, found: int) -> str:
    if found == expected + 1:
        return f"event {expected} is missing: the chain goes from event {expected - 1} to event {found}"
    if found > expected:
        return f"events {expected} to {found - 1} are missing: the chain goes from event {expected - 1} to event {found}"
    return f"expected event {expected} here, found event {found}"


def _bad_link(seq: int, prev: str, expected: str) -> str:
    if seq == 1:
        return (
            f"the first event's prev_hash is {prev}, not the genesis value (64 zeros)"
        )
    return (
        f"its prev_hash {prev} is not the hash of event {seq - 1} ({expected}): "
        "an event was inserted, removed or reordered here"
    )
