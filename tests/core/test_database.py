import sqlalchemy as sa

from tests.conftest import rolled_back_session
from trainer.core.extensions import db
from trainer.program.models import Program


def _canaries() -> int:
    return db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Program)
        .where(Program.name == "Canary program")
    )


def test_a_committed_insert_is_gone_in_the_next_tests_transaction(app):
    """The canary inserts and commits inside one test's transaction, sees its row, then a second
    test's transaction (the same fixture machinery, in the same process) must not see it."""
    with rolled_back_session(app):
        db.session.add(Program(name="Canary program"))
        db.session.commit()
        assert _canaries() == 1
    with rolled_back_session(app):
        assert _canaries() == 0


def test_sqlite_runs_in_wal_with_foreign_keys_and_full_sync(db_session):
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        assert connection.dialect.name == "postgresql"
        return
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
