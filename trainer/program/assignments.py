"""Supervisor assignments: who supervises whom, with the history kept."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from trainer.audit.services import record
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.core.extensions import db
from trainer.core.models import utcnow

from .models import (
    SupervisorAssignment,
)
from .services import ProgramError

logger = logging.getLogger(__name__)


class NotSameProgram(ProgramError):
    """The people or things named belong to different programs."""


def assign_supervisor(
    supervisor: User, trainee: User, *, actor: User | None = None
) -> SupervisorAssignment:
    """Make ``supervisor`` responsible for ``trainee``; assigning twice returns the first assignment."""
    if supervisor.role is not Role.SUPERVISOR or trainee.role is not Role.TRAINEE:
        raise ProgramError("Only a supervisor can be assigned, and only to a trainee.")
    if supervisor.program_id != trainee.program_id:
        raise NotSameProgram(
            "The supervisor and the trainee belong to different programs."
        )
    existing = db.session.scalar(
        sa.select(SupervisorAssignment).where(
            SupervisorAssignment.supervisor_id == supervisor.id,
            SupervisorAssignment.trainee_id == trainee.id,
            SupervisorAssignment.ended_at.is_(None),
        )
    )
    if existing is not None:
        return existing
    assignment = SupervisorAssignment(
        program_id=trainee.program_id,
        supervisor_id=supervisor.id,
        trainee_id=trainee.id,
    )
    db.session.add(assignment)
    db.session.flush()
    record(
        "program.supervisor_assigned",
        actor=actor,
        subject=f"assignment:{assignment.id}",
        payload={"supervisor_id": supervisor.id, "trainee_id": trainee.id},
        program_id=trainee.program_id,
    )
    logger.info("Supervisor %s assigned to trainee %s", supervisor.id, trainee.id)
    return assignment


def assigned_trainees(supervisor: User) -> list[User]:
    """The supervisor's trainees, by name, in one query."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(SupervisorAssignment, SupervisorAssignment.trainee_id == User.id)
            .where(
                SupervisorAssignment.supervisor_id == supervisor.id,
                SupervisorAssignment.ended_at.is_(None),
                User.program_id == supervisor.program_id,
            )
            .order_by(User.name, User.id)
        )
    )


def assigned_trainee(supervisor: User, trainee_id: int) -> User | None:
    """The trainee if ``supervisor`` is assigned to them, else None (one query)."""
    return db.session.scalar(
        sa.select(User)
        .join(SupervisorAssignment, SupervisorAssignment.trainee_id == User.id)
        .where(
            SupervisorAssignment.supervisor_id == supervisor.id,
            SupervisorAssignment.trainee_id == trainee_id,
            SupervisorAssignment.ended_at.is_(None),
            User.program_id == supervisor.program_id,
        )
    )


def assigned_trainee_ids(supervisor: User) -> sa.Select:
    """A subquery of the ids of the supervisor's trainees, to filter other queries with."""
    return sa.select(SupervisorAssignment.trainee_id).where(
        SupervisorAssignment.supervisor_id == supervisor.id,
        SupervisorAssignment.ended_at.is_(None),
    )


def supervisor_ids_of(trainee: User) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(SupervisorAssignment.supervisor_id).where(
                SupervisorAssignment.trainee_id == trainee.id,
                SupervisorAssignment.ended_at.is_(None),
            )
        )
    )


def program_assignments(program_id: int) -> list[SupervisorAssignment]:
    """Every assignment of the program, current ones first, newest first (one query)."""
    return list(
        db.session.scalars(
            sa.select(SupervisorAssignment)
            .where(SupervisorAssignment.program_id == program_id)
            .order_by(
                SupervisorAssignment.ended_at.is_not(None),
                SupervisorAssignment.created_at.desc(),
                SupervisorAssignment.id.desc(),
            )
        )
    )


def end_assignment(
    assignment: SupervisorAssignment, *, actor: User
) -> SupervisorAssignment:
    """Date the end of an assignment (the row stays); the supervisor loses access at once."""
    if assignment.ended_at is not None:
        raise ProgramError("The assignment has already ended.")
    assignment.ended_at = utcnow()
    db.session.flush()
    record(
        "program.supervisor_unassigned",
        actor=actor,
        subject=f"assignment:{assignment.id}",
        payload={
            "supervisor_id": assignment.supervisor_id,
            "trainee_id": assignment.trainee_id,
        },
        program_id=assignment.program_id,
    )
    return assignment


def reassign(
    assignment: SupervisorAssignment, supervisor: User, *, actor: User
) -> SupervisorAssignment:
    """End ``assignment`` and give its trainee to ``supervisor`` instead (two audit events,
    one transaction)."""
    if assignment.ended_at is not None:
        raise ProgramError("The assignment has already ended.")
    if supervisor.id == assignment.supervisor_id:
        raise ProgramError("Choose a different supervisor.")
    trainee = db.session.get(User, assignment.trainee_id)
    end_assignment(assignment, actor=actor)
    return assign_supervisor(supervisor, trainee, actor=actor)
