"""The migration that makes the audit tables append-only goes down and up again cleanly."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from flask_migrate import downgrade, upgrade

from trainer.core.extensions import db

pytestmark = pytest.mark.slow

REVISION = "6c6f944be6a3"


def _update_is_refused(engine: sa.Engine) -> bool:
    with engine.connect() as connection:
        try:
            with connection.begin():
                connection.exec_driver_sql(
                    "UPDATE audit_events SET actor = 'x' WHERE seq = 1"
                )
        except sa.exc.DatabaseError as error:
            message = str(error.orig)
        else:
            return False
    assert "audit_events is append-only: UPDATE refused" in message
    return True


def test_downgrade_removes_the_triggers_and_checkpoints_and_upgrade_restores_them(
    scratch,
):
    scratch.append(1)
    db.session.remove()
    script = ScriptDirectory.from_config(
        scratch.app.extensions["migrate"].migrate.get_config()
    )
    before = script.get_revision(REVISION).down_revision
    assert _update_is_refused(scratch.engine)

    downgrade(revision=before)
    assert not _update_is_refused(scratch.engine)
    assert "checkpoints" not in sa.inspect(scratch.engine).get_table_names()

    upgrade()
    assert _update_is_refused(scratch.engine)
    assert "checkpoints" in sa.inspect(scratch.engine).get_table_names()
