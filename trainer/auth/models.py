from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.core.extensions import db
from trainer.core.models import utcnow

from .permissions import Role

if TYPE_CHECKING:  # the program area sits above auth; the mapper resolves the names
    from trainer.program.models import Cohort, Program


class User(UserMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    #: stored lower-cased; sign-in compares lower-cased
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    password_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    role: Mapped[Role] = mapped_column(
        sa.Enum(
            Role,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
            create_constraint=True,
            name="role",
        ),
        nullable=False,
    )
    program_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=True, index=True
    )
    cohort_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cohorts.id"), nullable=True, index=True
    )
    is_enabled: Mapped[bool] = mapped_column(nullable=False, default=True)
    #: reviewers' access ends at this time; None for every other role
    access_expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    #: a supervisor gets the daily digest of their trainees' new practice logs (opt-out on /account)
    has_digest_mail: Mapped[bool] = mapped_column(
        nullable=False, default=True, server_default=sa.true()
    )
    #: a trainee gets an e-mail when an evaluation of theirs is signed (opt-out on /account)
    has_sign_off_mail: Mapped[bool] = mapped_column(
        nullable=False, default=True, server_default=sa.true()
    )

    program: Mapped[Program | None] = relationship(lazy="joined")
    cohort: Mapped[Cohort | None] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
        sa.CheckConstraint(
            "role = 'admin' OR program_id IS NOT NULL", name="program_member"
        ),
    )

    @property
    def is_authenticated(self) -> bool:
        """Signed in, even once a reviewer's access has ended (UserMixin would say no): their
        pages then answer 403 rather than asking them to sign in again."""
        return self.is_enabled

    @property
    def has_access_ended(self) -> bool:
        """A reviewer whose access has expired or been revoked (their session stays, and every
        page answers 403; signing in again is refused)."""
        return self.access_expires_at is not None and self.access_expires_at <= utcnow()

    @property
    def is_active(self) -> bool:
        if not self.is_enabled:
            return False
        return self.access_expires_at is None or self.access_expires_at > utcnow()
