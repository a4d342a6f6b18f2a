"""One unit of work per request: the view does its work and never commits; the request commits
once when the view answers with a success (a 2xx or 3xx status) and rolls back otherwise or on
any exception. A view that must keep what it wrote although it answers with an error (a failed
electronic signature, which stays on record) says so with ``keep_despite_error()``.

Services flush, never commit; ``create_once`` is the one "record once" write that a resubmitted
form, a second tab or a concurrent request turns into "already recorded"."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import sqlalchemy as sa
from flask import Flask, Response, g, has_request_context
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from trainer.core.errors import UNAVAILABLE, database_unavailable
from trainer.core.extensions import db

T = TypeVar("T")


def keep_despite_error() -> None:
    """Commit this request's writes even though the view answers with an error status."""
    g.keep_despite_error = True


def create_once(
    build: Callable[[], T], find_existing: Callable[[], T | None]
) -> tuple[T, bool]:
    """Insert the record ``build`` makes unless ``find_existing`` finds the one this submission
    already recorded; returns (the record, created). ``build`` runs only for a new record, so a
    resubmitted form answers "already recorded" before its input is checked again. A unique constraint on the submission's token makes a concurrent
    insert of the same submission fail here, and the winner's record is returned instead.

    Callers serialise first (``audit.services.lock_chain``), so the look-up and the insert are
    atomic on both databases; the savepoint keeps the request's transaction usable if the
    insert loses a race all the same."""
    existing = find_existing()
    if existing is not None:
        return existing, False
    instance = build()
    db.session.add(instance)
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        existing = find_existing()
        if existing is None:
            raise
        return existing, False
    return instance, True


@sa.event.listens_for(Session, "after_flush")
def _note_the_write(_session, _context) -> None:
    if has_request_context():
        g.wrote = True


def init_app(app: Flask) -> None:
    @app.after_request
    def _commit_or_roll_back(response: Response) -> Response:
        if not db.session.registry.has():  # the request never opened a session
            return response
        succeeded = response.status_code < 400 and not g.pop("discard_changes", False)
        if succeeded or g.pop("keep_despite_error", False):
            try:
                db.session.commit()
            except UNAVAILABLE:
                # The database went away between the view and the commit (a restart, a
                # failover): nothing was written, so the success the view answered with would
                # be a lie; the client gets the 503 page and retries.
                return database_unavailable()
        elif g.get("wrote"):
            # A failed request that wrote nothing has nothing to undo: the session's
            # transaction simply ends with the request.
            db.session.rollback()
        return response

    @app.teardown_request
    def _roll_back_on_exception(error: BaseException | None) -> None:
        if error is not None:
            db.session.rollback()


def discard_changes() -> None:
    """Roll this request's writes back although the view answers with a redirect (a domain
    error reported by a flash message on the page it redirects to)."""
    g.discard_changes = True
