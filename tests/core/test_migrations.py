"""The migrations are the only way the schema is made: they go up, down and up again on
SQLite and PostgreSQL, and leave nothing for autogenerate to add."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from tests import dbutil
from tests.conftest import TEST_CONFIG
from trainer import create_app
from trainer.core.extensions import db

pytestmark = pytest.mark.slow


@pytest.fixture
def scratch_app(tmp_path):
    url = dbutil.create_database(tmp_path, "migrations")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    yield app
    with app.app_context():
        db.engine.dispose()
    dbutil.drop_database(url)


def _schema_differences(app) -> list:
    with app.app_context(), db.engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "render_as_batch": True}
        )
        return compare_metadata(context, db.metadata)


def test_upgrade_downgrade_upgrade_leaves_the_models_schema(scratch_app):
    with scratch_app.app_context():
        upgrade()
        downgrade(revision="base")
        upgrade()
    assert _schema_differences(scratch_app) == []


def test_downgrade_to_base_removes_every_table(scratch_app):
    import sqlalchemy as sa

    with scratch_app.app_context():
        upgrade()
        downgrade(revision="base")
        with db.engine.connect() as connection:
            tables = set(sa.inspect(connection).get_table_names()) - {"alembic_version"}
    assert tables == set()
