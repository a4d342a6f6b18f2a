"""`flask --app app audit verify`: recomputes the chain and names the first broken event, for
every kind of tampering done behind the triggers' back (raw SQL with the trigger dropped)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from trainer.audit.chain import GENESIS_HASH
from trainer.audit.verify import (
    BAD_LINK,
    GAP,
    HASH_MISMATCH,
    UNREADABLE,
    batches,
    describe_time,
    exact_check,
    fast_accept,
)
from trainer.core.models import UTCDateTime

pytestmark = pytest.mark.slow

EVENTS = 30


@pytest.fixture
def chain(scratch):
    scratch.append(EVENTS)
    return scratch


def _assert_names(result, scratch, seq: int, kind: str) -> None:
    """Exit 1, naming the event (sequence, time, action) and what is wrong with it."""
    assert result.exit_code == 1, result.output
    event = scratch.event(seq)
    assert (
        f"Audit chain BROKEN at event {seq} ({describe_time(event.created_at)}, {event.action}): {kind}:"
        in result.stderr
    )
    assert "Traceback" not in result.output


class TestIntactChain:
    def test_it_exits_0_with_the_count_and_head_hash(self, chain):
        result = chain.invoke("audit", "verify")
        assert result.exit_code == 0, result.output
        head = chain.event(EVENTS)
        assert (
            f"Audit chain verified: {EVENTS} events, from event 1 to event {EVENTS}."
            in result.stdout
        )
        assert f"Head: event {EVENTS}, hash {head.hash}" in result.stdout

    def test_a_chain_of_one_event_verifies(self, scratch):
        scratch.append(1)
        result = scratch.invoke("audit", "verify")
        assert result.exit_code == 0, result.output
        assert (
            "Audit chain verified: 1 events, from event 1 to event 1." in result.stdout
        )

    def test_an_empty_log_is_reported_clearly(self, scratch):
        result = scratch.invoke("audit", "verify")
        assert result.exit_code == 1
        assert (
            result.stderr.strip()
            == "The audit log is empty: there are no events to verify."
        )

    def test_batches_of_any_size_give_the_same_answer(self, chain, monkeypatch):
        monkeypatch.setattr("trainer.audit.verify.BATCH_SIZE", 7)
        from trainer.audit.parallel import verify_chain
        from trainer.audit.services import log_snapshot

        with log_snapshot() as connection:
            reports = {
                size: verify_chain(connection, batch_size=size)
                for size in (1, 7, 30, 1000)
            }
        assert {(r.ok, r.count, r.head_hash) for r in reports.values()} == {
            (True, EVENTS, chain.event(EVENTS).hash)
        }

    def test_an_unmigrated_database_is_a_message_not_a_traceback(self, scratch):
        with scratch.engine.begin() as connection:
            connection.exec_driver_sql("DROP TABLE audit_events")
        result = scratch.invoke("audit", "verify")
        assert result.exit_code == 1
        assert "The audit log cannot be read" in result.stderr
        assert "Traceback" not in result.output


class TestTampering:
    def test_a_changed_payload_byte_is_a_hash_mismatch(self, chain):
        with chain.engine.connect() as connection:
            text = connection.exec_driver_sql(
                "SELECT CAST(payload AS TEXT) FROM audit_events WHERE seq = 12"
            ).scalar()
        forged = text.replace("event number", "event numbes")  # one byte
        assert len(forged) == len(text)
        assert forged != text
        cast = "CAST(:payload AS json)" if chain.dialect == "postgresql" else ":payload"
        chain.tamper(
            f"UPDATE audit_events SET payload = {cast} WHERE seq = 12", payload=forged
        )
        _assert_names(chain.invoke("audit", "verify"), chain, 12, HASH_MISMATCH)

    def test_a_changed_actor_is_a_hash_mismatch(self, chain):
        chain.tamper(
            "UPDATE audit_events SET actor = 'mallory@example.org' WHERE seq = 7"
        )
        _assert_names(chain.invoke("audit", "verify"), chain, 7, HASH_MISMATCH)

    def test_a_changed_time_is_a_hash_mismatch(self, chain):
        statement = sa.text(
            "UPDATE audit_events SET created_at = :moment WHERE seq = 20"
        ).bindparams(sa.bindparam("moment", type_=UTCDateTime()))
        chain.tamper(statement, moment=datetime(2024, 1, 1, 12, 0, tzinfo=UTC))
        _assert_names(chain.invoke("audit", "verify"), chain, 20, HASH_MISMATCH)

    def test_a_deleted_event_is_a_gap_named_at_the_next_event(self, chain):
        chain.tamper("DELETE FROM audit_events WHERE seq = 10")
        result = chain.invoke("audit", "verify")
        _assert_names(result, chain, 11, GAP)
        assert "event 10 is missing" in result.stderr
        assert (
            "The 9 events before it verify; the last good one is event 9"
            in result.stderr
        )

    def test_a_deleted_first_event_is_a_gap(self, chain):
        chain.tamper("DELETE FROM audit_events WHERE seq = 1")
        result = chain.invoke("audit", "verify")
        _assert_names(result, chain, 2, GAP)
        assert "No event before it verifies." in result.stderr

    def test_a_swapped_pair_is_a_bad_link(self, chain):
        chain.tamper("UPDATE audit_events SET seq = 1000 WHERE seq = 15")
        chain.tamper("UPDATE audit_events SET seq = 15 WHERE seq = 16")
        chain.tamper("UPDATE audit_events SET seq = 16 WHERE seq = 1000")
        _assert_names(chain.invoke("audit", "verify"), chain, 15, BAD_LINK)

    def test_a_changed_prev_hash_is_a_bad_link(self, chain):
        chain.tamper(f"UPDATE audit_events SET prev_hash = '{'e' * 64}' WHERE seq = 5")
        result = chain.invoke("audit", "verify")
        _assert_names(result, chain, 5, BAD_LINK)
        assert "is not the hash of event 4" in result.stderr

    def test_a_changed_stored_hash_is_a_hash_mismatch(self, chain):
        chain.tamper(f"UPDATE audit_events SET hash = '{'f' * 64}' WHERE seq = 30")
        _assert_names(chain.invoke("audit", "verify"), chain, 30, HASH_MISMATCH)

    def test_an_unreadable_payload_is_named(self, chain):
        if chain.dialect == "postgresql":
            pytest.skip("PostgreSQL's json type refuses text that is not JSON")
        chain.tamper("UPDATE audit_events SET payload = '{not json' WHERE seq = 3")
        _assert_names(chain.invoke("audit", "verify"), chain, 3, UNREADABLE)

    def test_only_the_first_of_several_breaks_is_named(self, chain):
        chain.tamper(
            "UPDATE audit_events SET actor = 'x@example.org' WHERE seq IN (8, 25)"
        )
        result = chain.invoke("audit", "verify")
        _assert_names(result, chain, 8, HASH_MISMATCH)
        assert "event 25" not in result.stderr

    def test_a_number_stored_as_text_does_not_pass_for_a_number(self, chain):
        """SQLite would store the text 'null' in an integer column (with foreign keys off)."""
        with chain.engine.connect() as connection:
            rows = next(batches(connection, after=0, until=None, size=EVENTS))
        forged = [*rows]
        forged[3] = (*rows[3][:8], "null", rows[3][9])
        assert fast_accept(rows, 1, GENESIS_HASH)
        assert not fast_accept(forged, 1, GENESIS_HASH)
        index, problem = exact_check(forged, 1, GENESIS_HASH)
        assert (index, problem.seq, problem.kind) == (3, 4, HASH_MISMATCH)


def test_hashes_moved_between_rows_do_not_pass(scratch):
    """Joined, two changed hash columns could spell the right string; each must be whole."""
    scratch.append(8)
    with scratch.engine.connect() as connection:
        rows = next(batches(connection, after=0, until=None, size=8))
    forged = [*rows]
    third, fourth = rows[3][2], rows[4][2]
    forged[3] = (*rows[3][:2], third[:63], *rows[3][3:])
    forged[4] = (*rows[4][:2], third[63] + fourth, *rows[4][3:])
    assert "".join(row[2] for row in forged) == "".join(row[2] for row in rows)
    assert not fast_accept(forged, 1, GENESIS_HASH)
    index, problem = exact_check(forged, 1, GENESIS_HASH)
    assert (index, problem.seq, problem.kind) == (3, 4, HASH_MISMATCH)
