"""The database itself refuses to change or remove audit events, attempts and checkpoints."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from trainer.audit.checkpoints import take_checkpoint
from trainer.audit.services import record
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.record.models import Attempt, ContentVersion

APPEND_ONLY = {
    "audit_events": ("actor = 'mallory@example.org'", "seq = 1"),
    "attempts": ("score = 100", "id > 0"),
    "checkpoints": ("reason = 'forged'", "id > 0"),
}


@pytest.fixture
def one_row_each(trainee):
    """At least one row in every append-only table."""
    record("test.event", actor=trainee, subject="test:1", payload={"n": 1})
    version = ContentVersion(
        slug="empathy", version="0" * 64, module_source="m", quiz_source="q"
    )
    db.session.add(version)
    db.session.flush()
    db.session.add(
        Attempt(
            trainee_id=trainee.id,
            program_id=trainee.program_id,
            module_slug="empathy",
            number=1,
            content_version_id=version.id,
            answers={},
            item_scores={},
            competency_scores={},
            score=50,
            pass_mark=80,
            is_passed=False,
            started_at=utcnow(),
        )
    )
    take_checkpoint("manual")
    db.session.flush()


def _refused(sql: str) -> str:
    """Run ``sql`` in a savepoint; return the database's error message."""
    with pytest.raises(sa.exc.DatabaseError) as caught, db.session.begin_nested():
        db.session.connection().exec_driver_sql(sql)
    return str(caught.value.orig)


@pytest.mark.usefixtures("one_row_each")
@pytest.mark.parametrize("table", sorted(APPEND_ONLY))
class TestAppendOnlyTables:
    def test_raw_update_is_refused_by_the_trigger(self, table):
        change, where = APPEND_ONLY[table]
        message = _refused(f"UPDATE {table} SET {change} WHERE {where}")
        assert f"{table} is append-only: UPDATE refused" in message

    def test_raw_delete_is_refused_by_the_trigger(self, table):
        _change, where = APPEND_ONLY[table]
        message = _refused(f"DELETE FROM {table} WHERE {where}")
        assert f"{table} is append-only: DELETE refused" in message

    def test_deleting_every_row_is_refused(self, table):
        message = _refused(f"DELETE FROM {table}")
        assert f"{table} is append-only: DELETE refused" in message

    def test_truncate_is_refused_on_postgresql(self, table):
        if db.session.connection().dialect.name != "postgresql":
            # SQLite has no TRUNCATE; its "truncate optimisation" of a bare DELETE is
            # disabled by the delete trigger (test_deleting_every_row_is_refused).
            assert db.session.connection().dialect.name == "sqlite"
            return
        message = _refused(f"TRUNCATE {table} CASCADE")
        assert f"{table} is append-only: TRUNCATE refused" in message

    def test_the_rows_are_unchanged_after_the_refusals(self, table):
        for sql in (
            f"UPDATE {table} SET {APPEND_ONLY[table][0]}",
            f"DELETE FROM {table}",
        ):
            _refused(sql)
        assert (
            db.session.connection()
            .exec_driver_sql(f"SELECT count(*) FROM {table}")
            .scalar()
            >= 1
        )


def test_inserting_is_still_allowed(one_row_each):
    before = (
        db.session.connection()
        .exec_driver_sql("SELECT count(*) FROM audit_events")
        .scalar()
    )
    record("test.another", subject="test:2")
    assert (
        db.session.connection()
        .exec_driver_sql("SELECT count(*) FROM audit_events")
        .scalar()
        == before + 1
    )
