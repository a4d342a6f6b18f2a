"""Database engine set-up: SQLite pragmas and explicit transaction control.

pysqlite opens transactions lazily and cannot do savepoints reliably; we take over BEGIN
ourselves (the SQLAlchemy "serializable isolation / savepoints" recipe). Write requests begin
``BEGIN IMMEDIATE`` so that they hold SQLite's single write lock from their first statement:
without it a transaction that read the audit chain head could not later upgrade to a write
when another writer committed in between.
"""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

import sqlalchemy as sa
from flask import Flask, request

from trainer.core.extensions import db

_write_intent: contextvars.ContextVar[bool] = contextvars.ContextVar(
    "write_intent", default=True
)
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def is_sqlite(engine: sa.Engine) -> bool:
    return engine.dialect.name == "sqlite"


def configure_sqlite(engine: sa.Engine) -> None:
    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA busy_timeout = 30000")
        cursor.execute("PRAGMA journal_mode = WAL")
        # FULL: an acknowledged commit survives a power cut, not just a crash of the process.
        cursor.execute("PRAGMA synchronous = FULL")
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def _on_begin(connection):
        connection.exec_driver_sql(
            "BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN"
        )


@contextmanager
def read_only():
    """Begin transactions in this block as readers (SQLite: deferred)."""
    token = _write_intent.set(False)
    try:
        yield
    finally:
        _write_intent.reset(token)


def declare_read_only_request() -> None:
    """For a POST that only reads (e.g. running a verification): its transactions begin as
    readers, so it does not hold SQLite's write lock. Call it from a before_request hook, before
    the request first touches the database."""
    _write_intent.set(False)


def init_app(app: Flask) -> None:
    with app.app_context():
        engines = db.engines.values()
        for engine in engines:
            if is_sqlite(engine):
                configure_sqlite(engine)

    @app.before_request
    def _declare_write_intent():
        _write_intent.set(request.method not in READ_ONLY_METHODS)
