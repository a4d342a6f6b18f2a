"""Throw-away test databases: a SQLite file, or a fresh PostgreSQL database on the server
that TEST_DATABASE_URL names. Each is built by the real migrations, never create_all()."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")


def on_postgresql() -> bool:
    return TEST_DATABASE_URL.startswith("postgresql")


def _server_url():
    url = make_url(TEST_DATABASE_URL)
    if url.drivername == "postgresql":
        url = url.set(drivername="postgresql+psycopg")
    return url


def create_database(tmp_dir: Path, label: str = "test") -> str:
    """A new, empty database; returns its SQLAlchemy URL."""
    if not on_postgresql():
        return f"sqlite:///{tmp_dir / f'{label}-{uuid.uuid4().hex[:8]}.sqlite3'}"
    server = _server_url()
    name = f"ebtr_{label}_{uuid.uuid4().hex[:10]}".lower()
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


def drop_database(url: str) -> None:
    if not url.startswith("postgresql"):
        path = Path(make_url(url).database or "")
        for suffix in ("", "-wal", "-shm"):
            Path(str(path) + suffix).unlink(missing_ok=True)
        return
    name = make_url(url).database
    engine = sa.create_engine(_server_url(), isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    engine.dispose()


def migrate(app) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()
