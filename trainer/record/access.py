"""Who may read the records of a trainee: the trainee themself and the supervisors assigned
to them. Loaders return None for anything outside the user's reach, so that views answer 404
whether the object is missing or someone else's."""

from __future__ import annotations

import sqlalchemy as sa

from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.core.extensions import db
from trainer.program.services import assigned_trainee_ids

from .models import SignOff


def sign_off_for(user: User, sign_off_id: int) -> SignOff | None:
    """The sign-off if ``user`` is its trainee or a supervisor assigned to its trainee."""
    query = sa.select(SignOff).where(
        SignOff.id == sign_off_id, SignOff.program_id == user.program_id
    )
    if user.role is Role.TRAINEE:
        query = query.where(SignOff.trainee_id == user.id)
    elif user.role is Role.SUPERVISOR:
        query = query.where(SignOff.trainee_id.in_(assigned_trainee_ids(user)))
    else:
        return None
    return db.session.scalar(query)
