"""Who may do what with each kind of record: one policy per resource, in the manner of
warehouse's ``__acl__``. A user's relation to the trainee the record belongs to (the trainee
themself, a supervisor assigned to them now, a director of their program, a reviewer whose
access to the program has not ended) decides; roles are read here and nowhere else.

Loaders return None for anything outside the user's reach, so that views answer 404 whether the
object is missing or someone else's; ``get_or_404`` is the views' form of the same question.
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.program.models import SupervisorAssignment

from .models import Attempt, DraftRating, PracticeLog, SignedRating, SignOff


class Action(enum.StrEnum):
    READ = "read"
    RATE = "rate"
    SIGN = "sign"
    ACKNOWLEDGE = "acknowledge"
    CORRECT = "correct"
    GIVE_FEEDBACK = "give-feedback"
    READ_FEEDBACK = "read-feedback"


class Relation(enum.StrEnum):
    """How a user stands to the trainee a record belongs to."""

    SELF = "the trainee"
    ASSIGNED_SUPERVISOR = "a supervisor assigned to the trainee"
    #: the supervisor who signed this very sign-off (for the trainee's feedback on it)
    SIGNER = "the supervisor who signed it"
    #: the supervisor who wrote this very draft
    AUTHOR = "the supervisor who wrote it"
    #: a director of the trainee's program (read-only)
    PROGRAM_DIRECTOR = "a director of the trainee's program"
    #: a reviewer of the trainee's program whose access has not expired or been revoked
    GRANTED_REVIEWER = "a reviewer granted access to the trainee's program"


SELF, SUPERVISOR = Relation.SELF, Relation.ASSIGNED_SUPERVISOR
#: who reads a program's records without taking part in them
OVERSIGHT = {Relation.PROGRAM_DIRECTOR, Relation.GRANTED_REVIEWER}

#: the trainee's record as a whole (progress, workspace, rating, signing)
TRAINEE_RECORD = {
    Action.READ: {SELF, SUPERVISOR, *OVERSIGHT},
    Action.RATE: {SUPERVISOR},
    Action.SIGN: {SUPERVISOR},
}

POLICIES: dict[type, dict[Action, set[Relation]]] = {
    Attempt: {
        Action.READ: {SELF, SUPERVISOR, *OVERSIGHT},
        Action.GIVE_FEEDBACK: {SELF},
    },
    PracticeLog: {
        Action.READ: {SELF, SUPERVISOR, *OVERSIGHT},
        Action.CORRECT: {SELF},
    },
    SignOff: {
        Action.READ: {SELF, SUPERVISOR, *OVERSIGHT},
        Action.ACKNOWLEDGE: {SELF},
        Action.GIVE_FEEDBACK: {SELF},
        Action.READ_FEEDBACK: {SELF, Relation.SIGNER},
    },
    SignedRating: {
        Action.READ: {SELF, SUPERVISOR, *OVERSIGHT},
        Action.CORRECT: {SUPERVISOR},
    },
    DraftRating: {
        Action.READ: {Relation.AUTHOR},
        Action.RATE: {Relation.AUTHOR},
    },
}


def _assigned(user: User) -> sa.Select:
    """The trainees the supervisor is assigned to now (ended assignments give no access)."""
    return sa.select(SupervisorAssignment.trainee_id).where(
        SupervisorAssignment.supervisor_id == user.id,
        SupervisorAssignment.ended_at.is_(None),
    )


def has_oversight(user: User, relations: set[Relation]) -> bool:
    """Whether ``user`` reads every trainee of their program under ``relations``: a director,
    or a reviewer whose access has not ended."""
    if user.role is Role.DIRECTOR:
        return Relation.PROGRAM_DIRECTOR in relations
    if user.role is Role.REVIEWER:
        return Relation.GRANTED_REVIEWER in relations and (
            user.access_expires_at is not None and user.access_expires_at > utcnow()
        )
    return False


def _relation_clauses(user: User, model, relations: set[Relation]) -> list:
    """SQL conditions, one per relation the user can have to the row's trainee."""
    clauses = []
    if has_oversight(user, relations):
        clauses.append(sa.true())
    if user.role is Role.TRAINEE and SELF in relations:
        clauses.append(model.trainee_id == user.id)
    if user.role is Role.SUPERVISOR:
        if SUPERVISOR in relations:
            clauses.append(model.trainee_id.in_(_assigned(user)))
        if Relation.SIGNER in relations and model is SignOff:
            clauses.append(SignOff.signer_id == user.id)
        if Relation.AUTHOR in relations and model is DraftRating:
            clauses.append(
                sa.and_(
                    DraftRating.supervisor_id == user.id,
                    DraftRating.trainee_id.in_(_assigned(user)),
                )
            )
    return clauses


def reach(user: User, model, action: Action = Action.READ):
    """The SQL condition selecting the rows of ``model`` that ``user`` may ``action``, or None
    when the user may act on none."""
    if not user.is_authenticated:
        return None
    clauses = _relation_clauses(user, model, POLICIES[model].get(action, set()))
    if not clauses:
        return None
    return sa.and_(model.program_id == user.program_id, sa.or_(*clauses))


def get(model, object_id: int, user: User, action: Action = Action.READ):
    """The record if ``user`` may ``action`` it, else None (missing or out of reach alike)."""
    condition = reach(user, model, action)
    if condition is None:
        return None
    return db.session.scalar(sa.select(model).where(model.id == object_id, condition))


def permits(user: User, record, action: Action) -> bool:
    """Whether ``user`` may ``action`` an already-loaded record."""
    return get(type(record), record.id, user, action) is not None


def get_or_404(model, object_id: int, action: Action = Action.READ):
    found = get(model, object_id, current_user, action)
    if found is None:
        abort(404)
    return found


def trainee_in_reach(
    user: User, trainee_id: int, action: Action = Action.READ
) -> User | None:
    """The trainee, if ``user`` may ``action`` their record as a whole."""
    relations = TRAINEE_RECORD.get(action, set())
    query = sa.select(User).where(
        User.id == trainee_id,
        User.role == Role.TRAINEE,
        User.program_id == user.program_id,
    )
    if user.role is Role.TRAINEE and SELF in relations:
        query = query.where(User.id == user.id)
    elif user.role is Role.SUPERVISOR and SUPERVISOR in relations:
        query = query.where(User.id.in_(_assigned(user)))
    elif has_oversight(user, relations):
        pass  # every trainee of the user's program
    else:
        return None
    return db.session.scalar(query)


def trainee_or_404(trainee_id: int, action: Action = Action.READ) -> User:
    trainee = trainee_in_reach(current_user, trainee_id, action)
    if trainee is None:
        abort(404)
    return trainee
