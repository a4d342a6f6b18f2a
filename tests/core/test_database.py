import sqlalchemy as sa

from trainer.core.extensions import db
from trainer.program.models import Program


class TestPerTestTransaction:
    """Two canaries: the first inserts and commits, the second must not see the row."""

    def test_a_insert_is_visible_inside_the_test(self, db_session):
        db.session.add(Program(name="Canary program"))
        db.session.commit()
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Program)
                .where(Program.name == "Canary program")
            )
            == 1
        )

    def test_b_insert_from_previous_test_is_gone(self, db_session):
        assert (
            db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Program)
                .where(Program.name == "Canary program")
            )
            == 0
        )


def test_sqlite_runs_in_wal_with_foreign_keys_and_full_sync(db_session):
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        assert connection.dialect.name == "postgresql"
        return
    assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
    assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
    assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
