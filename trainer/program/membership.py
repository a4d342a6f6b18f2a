"""Deactivating and reactivating a program's members, with the rule that a program always
keeps an active director."""

from __future__ import annotations

import sqlalchemy as sa

from trainer.audit.services import lock_chain
from trainer.auth.account import deactivate_user, reactivate_user
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.core.extensions import db

from .services import ProgramError


def active_directors(program_id: int) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(
                User.program_id == program_id,
                User.role == Role.DIRECTOR,
                User.is_enabled.is_(True),
            )
        )
        or 0
    )


def deactivation_problem(user: User, *, by: User | None) -> str | None:
    """Why ``user`` may not be deactivated, as a sentence; None if they may."""
    if by is not None and user.id == by.id:
        return "You cannot deactivate your own account."
    if not user.is_enabled:
        return f"{user.name} is already deactivated."
    if (
        user.role is Role.DIRECTOR
        and user.program_id is not None
        and active_directors(user.program_id) <= 1
    ):
        return (
            f"{user.name} is the last active director of {user.program.name}: the program "
            "would have nobody to run it. Invite another director (or reactivate one) first."
        )
    return None


def deactivate_member(user: User, *, by: User | None) -> None:
    lock_chain()  # two directors deactivating each other at once: one of them is refused
    problem = deactivation_problem(user, by=by)
    if problem:
        raise ProgramError(problem)
    deactivate_user(user, by=by)


def reactivate_member(user: User, *, by: User | None) -> None:
    if user.is_enabled:
        raise ProgramError(f"{user.name} is already active.")
    reactivate_user(user, by=by)
