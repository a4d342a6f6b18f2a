"""Something new for one user: signed ratings (trainee) or a new practice log (supervisor)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trainer.core.extensions import db
from trainer.core.models import str_enum, utcnow


class NotificationKind(enum.StrEnum):
    RATINGS_SIGNED = "ratings-signed"
    PRACTICE_LOGGED = "practice-logged"


class Notification(db.Model):
    """Something new for one user: signed ratings (trainee) or a new practice log (supervisor)."""

    __tablename__ = "notifications"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False
    )
    kind: Mapped[NotificationKind] = mapped_column(
        str_enum(NotificationKind, "notification_kind"), nullable=False
    )
    #: the sign-off or practice log the notification is about
    object_id: Mapped[int] = mapped_column(nullable=False)
    message: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    seen_at: Mapped[datetime | None] = mapped_column(nullable=True)

    __table_args__ = (sa.Index("ix_notifications_user_seen", "user_id", "seen_at"),)
