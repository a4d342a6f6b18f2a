"""Server-side sign-in sessions: a session ends on the server, so a copied cookie stops working.

Every completed sign-in creates a :class:`UserSession` with a fresh random token; the browser
keeps ``"<user id>:<token>"`` in Flask-Login's ``_user_id`` (and, with "Keep me signed in", in
the remember-me cookie), the database only a SHA-256 of the token. Flask-Login's user loader
(:func:`load_user`) accepts a request only while its row is open and within its limits:

- idle: no request for ``SESSION_IDLE_MINUTES`` (kept in the signed session cookie; a
  remembered session is exempt, as "keep me signed in" asks);
- absolute: ``SESSION_ABSOLUTE_HOURS`` after sign-in, or at most 30 days for a remembered one.

Sign-out, "sign out of every device", a password change, deactivation and a second-factor
reset end rows (:func:`end_session`, :func:`end_all_sessions`).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, session
from flask_login import login_user
from sqlalchemy.orm import Mapped, mapped_column

from trainer.core.extensions import db
from trainer.core.models import utcnow

from .models import User

#: a remembered session never outlives this, whatever REMEMBER_COOKIE_DURATION says
MAX_REMEMBER = timedelta(days=30)
SEEN_KEY = "_seen"
CSRF_KEY = "csrf_token"


class UserSession(db.Model):
    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False, index=True
    )
    #: SHA-256 (hex) of the token; the token itself is only in the user's cookies
    token_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    remember: Mapped[bool] = mapped_column(nullable=False, default=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(nullable=False)
    ended_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: logout | everywhere | password | deactivated | second-factor-reset
    end_reason: Mapped[str | None] = mapped_column(sa.String(30), nullable=True)

    @property
    def is_open(self) -> bool:
        return self.ended_at is None and self.expires_at > utcnow()


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def remember_duration() -> timedelta:
    configured = current_app.config.get("REMEMBER_COOKIE_DURATION") or MAX_REMEMBER
    if not isinstance(configured, timedelta):
        configured = timedelta(seconds=int(configured))
    return min(configured, MAX_REMEMBER)


def idle_limit() -> timedelta:
    return timedelta(minutes=int(current_app.config["SESSION_IDLE_MINUTES"]))


def absolute_limit() -> timedelta:
    return timedelta(hours=float(current_app.config["SESSION_ABSOLUTE_HOURS"]))


def create_session(user: User, *, remember: bool) -> str:
    """A new open session for ``user``; returns the id Flask-Login keeps ("<id>:<token>")."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    db.session.add(
        UserSession(
            user_id=user.id,
            token_hash=_digest(token),
            remember=remember,
            created_at=now,
            expires_at=now + (remember_duration() if remember else absolute_limit()),
        )
    )
    db.session.flush()
    return f"{user.id}:{token}"


def start_session(user: User, *, remember: bool) -> None:
    """Sign ``user`` in on this browser: a new server-side session, a new remember-me token
    and a new CSRF secret (the one issued before sign-in stops working)."""
    session_id = create_session(user, remember=remember)
    session.pop(CSRF_KEY, None)
    g.pop(CSRF_KEY, None)
    login_user(user, remember=remember, duration=remember_duration())
    session["_user_id"] = session_id
    session[SEEN_KEY] = int(time.time())
    g.user_session_id = session_id


def _session_query(session_id: str | None, *entities) -> sa.Select | None:
    """The server-side session named by a "<user id>:<token>" cookie value, or None when the
    value cannot name one."""
    session_id = session_id or session.get("_user_id")
    if not session_id or ":" not in str(session_id):
        return None
    user_id, _, token = str(session_id).partition(":")
    if not user_id.isdigit() or not token:
        return None
    return sa.select(UserSession, *entities).where(
        UserSession.token_hash == _digest(token),
        UserSession.user_id == int(user_id),
    )


def current_session_row(session_id: str | None = None) -> UserSession | None:
    query = _session_query(session_id)
    return db.session.scalar(query) if query is not None else None


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: the user of an open, unexpired session, or None. The session
    and its user come in one query: this runs on every signed-in request."""
    query = _session_query(session_id, User)
    found = (
        db.session.execute(query.join(User, User.id == UserSession.user_id)).first()
        if query is not None
        else None
    )
    if found is None:
        return None
    row, user = found
    if not row.is_open:
        return None
    if not row.remember:
        seen = session.get(SEEN_KEY)
        if (
            not isinstance(seen, int)
            or time.time() - seen > idle_limit().total_seconds()
        ):
            return None
    # Not ``is_active``: a reviewer whose access has ended keeps the session, and every page
    # answers 403 (trainer.dashboard.reviewers); signing in again is refused.
    if not user.is_enabled:
        return None
    session[SEEN_KEY] = int(time.time())
    return user


def end_session(session_id: str | None, reason: str) -> None:
    row = current_session_row(session_id)
    if row is not None and row.ended_at is None:
        row.ended_at = utcnow()
        row.end_reason = reason
        db.session.flush()


def end_all_sessions(user: User, reason: str) -> int:
    """End every open session of ``user`` (every device); returns how many were open."""
    result = db.session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    db.session.flush()
    return result.rowcount or 0


def open_sessions(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(UserSession)
            .where(
                UserSession.user_id == user.id,
                UserSession.ended_at.is_(None),
                UserSession.expires_at > utcnow(),
            )
        )
        or 0
    )
