"""Reviewer access for someone without an account: an invitation with the reviewer role whose
grant ends on the director's date. Accepting it makes a reviewer account that reads the
program until then (``accept`` copies the end onto the account)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.auth.services import find_user_by_email
from trainer.core.extensions import db
from trainer.program.models import Program
from trainer.program.reviewer_access import reviewer_access_end

from .models import Invitation
from .services import InvitationError, invite


def _account_problem(program: Program, user: User) -> str:
    """Why an existing account cannot be invited as this program's reviewer, in words."""
    email = user.email
    if user.program_id == program.id and user.role is Role.REVIEWER:
        return (
            f"{email} is already a reviewer of this program: choose them under "
            "\u201cGrant or extend access\u201d instead."
        )
    if user.program_id == program.id:
        return (
            f"{email} is already a {user.role.value} of this program. A reviewer needs an "
            "account of their own: use another address."
        )
    return (
        f"{email} already has an account in another program. A reviewer's account reads one "
        "program only: use another address."
    )


def invite_reviewer(
    program: Program, *, email: str, name: str, until: date, by: User
) -> Invitation:
    """Invite a new person as the program's reviewer with access until the end of ``until``
    (program time); one audit event (``invitation.created``, with the date)."""
    expires = reviewer_access_end(program, until)
    existing = find_user_by_email(email)
    if existing is not None:
        raise InvitationError(_account_problem(program, existing))
    return invite(
        program,
        email=email,
        name=name,
        role=Role.REVIEWER,
        access_expires_at=expires,
        by=by,
    )


def pending_reviewer_invitations(program_id: int) -> list[Invitation]:
    """The program's reviewer invitations not yet accepted nor withdrawn (expired ones too,
    so the director sees them and can withdraw them)."""
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(
                Invitation.program_id == program_id,
                Invitation.role == Role.REVIEWER,
                Invitation.accepted_at.is_(None),
                Invitation.revoked_at.is_(None),
            )
            .order_by(Invitation.email)
        )
    )
