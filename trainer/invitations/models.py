from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.program.models import Cohort, Program


class InvitationState(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    REVOKED = "revoked"
    EXPIRED = "expired"


class Invitation(db.Model):
    """An invitation to join a program with a role (and, for a trainee, a cohort). Its link
    carries the id and a random nonce, signed with the app's secret; only a SHA-256 of the
    nonce is stored, and resending replaces it (the older link stops working)."""

    __tablename__ = "invitations"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    #: lower-cased, like users.email
    email: Mapped[str] = mapped_column(sa.String(254), nullable=False, index=True)
    #: the name the inviter gave; the person may change it when accepting
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, default="")
    role: Mapped[Role] = mapped_column(
        sa.Enum(
            Role,
            native_enum=False,
            length=20,
            values_callable=lambda e: [m.value for m in e],
            validate_strings=True,
            create_constraint=True,
            name="invitation_role",
        ),
        nullable=False,
    )
    cohort_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("cohorts.id"), nullable=True
    )
    #: a reviewer's access ends then (None for every other role)
    access_expires_at: Mapped[datetime | None] = mapped_column(nullable=True)
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), nullable=True
    )
    #: SHA-256 (hex) of the nonce in the current link
    nonce_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    sent_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(nullable=False)
    accepted_at: Mapped[datetime | None] = mapped_column(nullable=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id"), nullable=True
    )
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)

    program: Mapped[Program] = relationship(lazy="joined")
    cohort: Mapped[Cohort | None] = relationship(lazy="joined")
    invited_by: Mapped[User | None] = relationship(foreign_keys=[invited_by_id])

    __table_args__ = (
        sa.CheckConstraint("email = lower(email)", name="email_lower_case"),
        sa.CheckConstraint("role <> 'admin'", name="not_admin"),
    )

    @property
    def state(self) -> InvitationState:
        if self.accepted_at is not None:
            return InvitationState.ACCEPTED
        if self.revoked_at is not None:
            return InvitationState.REVOKED
        if self.expires_at <= utcnow():
            return InvitationState.EXPIRED
        return InvitationState.PENDING


class PasswordReset(db.Model):
    """A password-reset link: single use, expiring; a newer request closes older links."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False, index=True
    )
    nonce_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(nullable=False)
    #: used, or replaced by a newer link
    closed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: used | replaced
    close_reason: Mapped[str | None] = mapped_column(sa.String(20), nullable=True)

    user: Mapped[User] = relationship(lazy="joined")
