"""In-app notifications: a trainee hears of new signed ratings, a supervisor of new practice
logs from their trainees. The navigation shows the unseen count (one indexed COUNT)."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from trainer.audit.services import record
from trainer.auth.models import User
from trainer.core.extensions import db
from trainer.core.models import utcnow

from .models import Notification, NotificationKind

logger = logging.getLogger(__name__)

#: the list page shows this many, newest first
LIST_LIMIT = 100


def notify(
    user_ids: list[int],
    *,
    program_id: int,
    kind: NotificationKind,
    object_id: int,
    message: str,
) -> None:
    """Add one notification per user (flushes; the caller's change commits it)."""
    for user_id in dict.fromkeys(user_ids):
        db.session.add(
            Notification(
                user_id=user_id,
                program_id=program_id,
                kind=kind,
                object_id=object_id,
                message=message[:300],
            )
        )
    db.session.flush()


def unseen_count(user: User) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count(Notification.id)).where(
                Notification.user_id == user.id, Notification.seen_at.is_(None)
            )
        )
        or 0
    )


def recent_notifications(user: User, limit: int = LIST_LIMIT) -> list[Notification]:
    return list(
        db.session.scalars(
            sa.select(Notification)
            .where(Notification.user_id == user.id)
            .order_by(Notification.created_at.desc(), Notification.id.desc())
            .limit(limit)
        )
    )


def mark_all_seen(user: User) -> int:
    """Mark every unseen notification of ``user`` seen; returns how many."""
    ids = list(
        db.session.scalars(
            sa.select(Notification.id).where(
                Notification.user_id == user.id, Notification.seen_at.is_(None)
            )
        )
    )
    if not ids:
        return 0
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(ids))
        .values(seen_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    record(
        "notification.seen",
        actor=user,
        subject=f"user:{user.id}",
        payload={"notifications": ids},
    )
    logger.info("User %s marked %s notifications seen", user.id, len(ids))
    return len(ids)


def mark_seen_about(user: User, kind: NotificationKind, object_id: int) -> int:
    """Mark ``user``'s unseen notifications about one thing seen (the thing was opened or
    acted on); returns how many. Nothing is written when there are none."""
    ids = list(
        db.session.scalars(
            sa.select(Notification.id).where(
                Notification.user_id == user.id,
                Notification.kind == kind,
                Notification.object_id == object_id,
                Notification.seen_at.is_(None),
            )
        )
    )
    if not ids:
        return 0
    db.session.execute(
        sa.update(Notification)
        .where(Notification.id.in_(ids))
        .values(seen_at=utcnow()),
        execution_options={"synchronize_session": False},
    )
    record(
        "notification.seen",
        actor=user,
        subject=f"user:{user.id}",
        payload={"notifications": ids},
    )
    return len(ids)
