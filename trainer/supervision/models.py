"""The supervision area's own bookkeeping: which daily digests of practice logs were sent."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trainer.core.extensions import db
from trainer.core.models import utcnow


class PracticeDigest(db.Model):
    """One supervisor's daily digest of their trainees' new practice logs: at most one a day
    (the unique day makes a second run, or a concurrent one, send nothing), and the next one
    lists only the logs submitted after ``covered_until``."""

    __tablename__ = "practice_digests"

    id: Mapped[int] = mapped_column(primary_key=True)
    supervisor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False
    )
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    #: the day of the digest in the program's time zone
    digest_on: Mapped[date] = mapped_column(nullable=False)
    #: the digest lists the logs submitted in (covered_from, covered_until]
    covered_from: Mapped[datetime] = mapped_column(nullable=False)
    covered_until: Mapped[datetime] = mapped_column(nullable=False)
    #: how many practice logs the message lists
    log_count: Mapped[int] = mapped_column(nullable=False)
    #: the message in the outbox (its body is emptied once sent)
    mail_message_id: Mapped[int] = mapped_column(
        sa.ForeignKey("mail_messages.id"), nullable=False
    )
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint(
            "supervisor_id", "digest_on", name="uq_practice_digests_supervisor_day"
        ),
        sa.CheckConstraint("log_count > 0", name="lists_something"),
        sa.CheckConstraint("covered_from < covered_until", name="window_order"),
    )
