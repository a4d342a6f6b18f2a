from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trainer.core.extensions import db
from trainer.core.models import str_enum, utcnow


class MailStatus(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    #: every retry failed; shown to the director and the admin until someone acts
    FAILED = "failed"


class MailMessage(db.Model):
    """One message in the outbox. Written in the transaction of the action that sends it, so
    the action and its mail commit (or roll back) together; delivered after the commit."""

    __tablename__ = "mail_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: the program the mail concerns (its director sees it while it is undelivered)
    program_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=True, index=True
    )
    #: invitation | password-reset | ...
    kind: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    to_address: Mapped[str] = mapped_column(sa.String(254), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    #: plain-text body; emptied once sent (it may hold a sign-in link)
    body: Mapped[str] = mapped_column(sa.Text, nullable=False)
    status: Mapped[MailStatus] = mapped_column(
        str_enum(MailStatus, "mail_status"), nullable=False, default=MailStatus.QUEUED
    )
    attempts: Mapped[int] = mapped_column(nullable=False, default=0)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    #: the next delivery may start at this time (backoff after a failure)
    next_attempt_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: a sender holds the message until this time, so two senders never send it twice
    locked_until: Mapped[datetime | None] = mapped_column(nullable=True)
    sent_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: the last delivery error, as the mail server or the network gave it
    last_error: Mapped[str | None] = mapped_column(sa.String(500), nullable=True)

    __table_args__ = (
        sa.Index(
            "ix_mail_messages_status_next_attempt_at", "status", "next_attempt_at"
        ),
    )
