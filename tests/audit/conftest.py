"""Fixtures of the audit tests: a signing key, and throw-away databases ("scratch") for tests
that commit, tamper behind the triggers' back, or use several connections."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from flask import Flask
from sqlalchemy.orm import scoped_session, sessionmaker

from tests import dbutil
from tests.conftest import TEST_CONFIG
from trainer import create_app
from trainer.core.extensions import db

ACTIONS = (
    "program.created",
    "auth.login",
    "attempt.submitted",
    "practice.logged",
    "rating.signed",
)


def new_key_pem() -> str:
    return (
        Ed25519PrivateKey.generate()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


@pytest.fixture(scope="session")
def signing_pem() -> str:
    """The key the test apps sign with (TEST_CONFIG)."""
    return TEST_CONFIG["SIGNING_KEY_PEM"]


@dataclass
class Scratch:
    app: Flask
    url: str
    engine: sa.Engine

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def append(self, count: int, *, start: int = 0) -> None:
        """Record and commit ``count`` events with varied actions and payloads."""
        from trainer.audit.services import record

        for n in range(start, start + count):
            record(
                ACTIONS[n % len(ACTIONS)],
                subject=f"test:{n}",
                payload={"n": n, "note": f"event number {n}"},
            )
            db.session.commit()

    def tamper(self, sql: str | sa.TextClause, **params) -> None:
        """Change audit_events by raw SQL, behind the triggers' back: drop them, then run ``sql``."""
        with self.engine.begin() as connection:
            if self.dialect == "postgresql":
                connection.exec_driver_sql(
                    "DROP TRIGGER IF EXISTS audit_events_append_only ON audit_events"
                )
            else:
                connection.exec_driver_sql(
                    "DROP TRIGGER IF EXISTS audit_events_no_update"
                )
                connection.exec_driver_sql(
                    "DROP TRIGGER IF EXISTS audit_events_no_delete"
                )
            connection.execute(sa.text(sql) if isinstance(sql, str) else sql, params)

    def event(self, seq: int):
        with self.engine.connect() as connection:
            return connection.execute(
                sa.text(
                    "SELECT seq, action, created_at, payload, hash FROM audit_events WHERE seq = :seq"
                ),
                {"seq": seq},
            ).one()

    def invoke(self, *args: str):
        return self.app.test_cli_runner().invoke(args=list(args))


@pytest.fixture
def scratch(tmp_path, monkeypatch) -> Iterator[Scratch]:
    """A migrated throw-away database with its own app, whose context is pushed; db.session is a
    real session on it (not the suite's rolled-back transaction). Dropped afterwards."""
    url = dbutil.create_database(tmp_path, "audit")
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": url})
    dbutil.migrate(app)
    context = app.app_context()
    context.push()
    engine = db.engine
    monkeypatch.setattr(
        db, "session", scoped_session(sessionmaker(bind=engine, expire_on_commit=False))
    )
    try:
        yield Scratch(app, url, engine)
    finally:
        db.session.remove()
        context.pop()
        engine.dispose()
        dbutil.drop_database(url)
