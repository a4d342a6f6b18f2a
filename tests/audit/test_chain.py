"""The hash of an event: RFC 8785 canonical JSON, pinned by known answers, on both databases."""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa

from trainer.audit.chain import (
    GENESIS_HASH,
    canonical_fields_of,
    canonical_json,
    event_hash,
)
from trainer.audit.models import AuditEvent
from trainer.audit.services import chain_head, record
from trainer.audit.verify import batches, exact_check, fast_accept
from trainer.core.extensions import db

FIXED = {
    "seq": 1,
    "created_at": datetime(2026, 11, 25, 16, 6, 25, 323419, tzinfo=UTC),
    "actor_id": None,
    "actor": "director@example.org",
    "action": "attempt.submitted",
    "subject": "attempt:42",
    "program_id": None,
    "payload": {
        "score": 87.5,
        "whole": 85.0,
        "passed": True,
        "module": "empathy",
        "note": 'Zoë ✓ "quoted"\n',
        "levels": [4, 3, None],
        "nested": {"b": 1, "a": 2},
    },
}
#: RFC 8785: keys sorted, no spaces, 85.0 written 85, non-ASCII as UTF-8, quotes and newline escaped
FIXED_CANONICAL = (
    '{"action":"attempt.submitted","actor":"director@example.org","actor_id":null,'
    '"created_at":"2026-11-25T16:06:25.323419Z","payload":{"levels":[4,3,null],"module":"empathy",'
    '"nested":{"a":2,"b":1},"note":"Zoë ✓ \\"quoted\\"\\n","passed":true,"score":87.5,"whole":85},'
    '"program_id":null,"seq":1,"subject":"attempt:42"}'
).encode()
#: sha256(32 zero bytes || FIXED_CANONICAL); also `(head -c 32 /dev/zero; cat kat.json) | sha256sum`
FIXED_HASH = "c95c6ad90b6a67115ea964d8b00ed78e11c8b4e7403e7c53362a881f289d77cf"


def test_canonical_json_of_the_fixed_event_is_rfc_8785():
    assert canonical_json(canonical_fields_of(**FIXED)) == FIXED_CANONICAL


def test_hash_of_the_fixed_event_is_the_known_answer():
    assert event_hash(GENESIS_HASH, canonical_fields_of(**FIXED)) == FIXED_HASH


def test_hash_depends_on_the_previous_hash():
    fields = canonical_fields_of(**FIXED)
    assert event_hash("ab" * 32, fields) != FIXED_HASH


def test_fixed_event_keeps_its_hash_after_a_round_trip_through_the_database(db_session):
    assert chain_head() == (0, GENESIS_HASH)
    db.session.add(AuditEvent(prev_hash=GENESIS_HASH, hash=FIXED_HASH, **FIXED))
    db.session.flush()
    db.session.expire_all()

    stored = db.session.get(AuditEvent, 1)
    assert stored.created_at == FIXED["created_at"]
    assert event_hash(stored.prev_hash, stored.canonical_fields()) == FIXED_HASH
    # the payload column holds the canonical text itself, so verification can hash it as is
    payload_text = db.session.scalar(sa.select(sa.cast(AuditEvent.payload, sa.Text)))
    assert payload_text.encode() in FIXED_CANONICAL
    # and both verification paths accept the raw row
    rows = next(batches(db.session.connection(), after=0, until=None, size=10))
    assert fast_accept(rows, 1, GENESIS_HASH)
    assert exact_check(rows, 1, GENESIS_HASH) is None


def test_record_appends_linked_events(db_session):
    first = record("test.first", subject="test:1", payload={"a": 1})
    second = record("test.second", subject="test:2", payload={"b": [1, 2]})
    assert second.seq == first.seq + 1
    assert second.prev_hash == first.hash
    assert second.hash == event_hash(first.hash, second.canonical_fields())


def test_record_stores_the_payload_as_it_reads_back(db_session):
    event = record("test.floats", payload={"score": 85.0, "items": (1, 2)})
    db.session.expire_all()
    stored = db.session.get(AuditEvent, event.seq)
    assert event.payload == stored.payload == {"score": 85, "items": [1, 2]}
    assert event_hash(stored.prev_hash, stored.canonical_fields()) == stored.hash
