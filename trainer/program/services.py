"""Programs and cohorts, supervisor assignments, evaluation periods and minimum levels of
achievement."""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa

from trainer.audit.services import record
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.content.schema import FRAMEWORK_LABELS, Framework
from trainer.core.clock import today_in
from trainer.core.errors import TrainerError
from trainer.core.extensions import db

from .catalogue import frameworks_with_content
from .models import (
    DEFAULT_MINIMUM_LEVEL,
    Cohort,
    EvaluationPeriod,
    MinimumLevel,
    Program,
    SupervisorAssignment,
)

logger = logging.getLogger(__name__)


class ProgramError(TrainerError):
    pass


class FrameworkWithoutContent(ProgramError):
    """No module has a level in the framework, so the program's catalogue would be empty."""


def check_framework(framework: str) -> None:
    """Refuse a framework that is unknown or that no module has a level in yet."""
    try:
        label = FRAMEWORK_LABELS[Framework(framework)]
    except ValueError:
        raise ProgramError(f"There is no evidence framework {framework!r}.") from None
    if framework not in frameworks_with_content():
        raise FrameworkWithoutContent(
            f"The {label} cannot be chosen yet: no module has a level in it, so your "
            "trainees would see an empty catalogue. It can be chosen once the curriculum "
            "gives its items their evidence levels."
        )


def find_program(name: str) -> Program | None:
    return db.session.scalar(sa.select(Program).where(Program.name == name))


def create_program(
    name: str, *, framework: str = "apa-2011", timezone: str = "UTC", actor=None
) -> Program:
    """A new program on ``framework``; a framework without content is refused (see
    ``check_framework``)."""
    check_framework(framework)
    program = Program(name=name, framework=framework, timezone=timezone)
    db.session.add(program)
    db.session.flush()
    record(
        "program.created",
        actor=actor,
        subject=f"program:{program.id}",
        payload={"name": name, "framework": framework},
        program_id=program.id,
    )
    logger.info("Program %s created", program.id)
    return program


def create_cohort(program: Program, name: str, *, actor=None) -> Cohort:
    cohort = Cohort(program_id=program.id, name=name)
    db.session.add(cohort)
    db.session.flush()
    record(
        "cohort.created",
        actor=actor,
        subject=f"cohort:{cohort.id}",
        payload={"name": name},
        program_id=program.id,
    )
    logger.info("Cohort %s created in program %s", cohort.id, program.id)
    return cohort


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
            User.program_id == supervisor.program_id,
        )
    )


def assigned_trainee_ids(supervisor: User) -> sa.Select:
    """A subquery of the ids of the supervisor's trainees, to filter other queries with."""
    return sa.select(SupervisorAssignment.trainee_id).where(
        SupervisorAssignment.supervisor_id == supervisor.id
    )


def supervisor_ids_of(trainee: User) -> list[int]:
    return list(
        db.session.scalars(
            sa.select(SupervisorAssignment.supervisor_id).where(
                SupervisorAssignment.trainee_id == trainee.id
            )
        )
    )


def create_evaluation_period(
    program: Program,
    name: str,
    *,
    starts_on: date | None = None,
    ends_on: date | None = None,
    actor: User | None = None,
) -> EvaluationPeriod:
    """Add a period after the program's last one."""
    name = name.strip()
    if not name:
        raise ProgramError("Name the evaluation period.")
    if starts_on and ends_on and starts_on > ends_on:
        raise ProgramError("The period must start before it ends.")
    if db.session.scalar(
        sa.select(EvaluationPeriod.id).where(
            EvaluationPeriod.program_id == program.id, EvaluationPeriod.name == name
        )
    ):
        raise ProgramError(f"The program already has a period named {name!r}.")
    last = db.session.scalar(
        sa.select(sa.func.max(EvaluationPeriod.position)).where(
            EvaluationPeriod.program_id == program.id
        )
    )
    period = EvaluationPeriod(
        program_id=program.id,
        name=name,
        position=(last or 0) + 1,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.session.add(period)
    db.session.flush()
    record(
        "program.period_created",
        actor=actor,
        subject=f"evaluation-period:{period.id}",
        payload={
            "name": name,
            "position": period.position,
            "starts_on": starts_on.isoformat() if starts_on else None,
            "ends_on": ends_on.isoformat() if ends_on else None,
        },
        program_id=program.id,
    )
    logger.info("Evaluation period %s created in program %s", period.id, program.id)
    return period


def evaluation_periods(program_id: int | None) -> list[EvaluationPeriod]:
    return list(
        db.session.scalars(
            sa.select(EvaluationPeriod)
            .where(EvaluationPeriod.program_id == program_id)
            .order_by(EvaluationPeriod.position)
        )
    )


def set_minimum_level(
    program: Program,
    module_slug: str,
    competency_id: str,
    level: int,
    *,
    actor: User | None = None,
) -> MinimumLevel:
    """Set the program's MLA for one competency (1-5)."""
    if not 1 <= level <= 5:
        raise ProgramError(
            "A minimum level of achievement is a rubric level from 1 to 5."
        )
    row = db.session.scalar(
        sa.select(MinimumLevel).where(
            MinimumLevel.program_id == program.id,
            MinimumLevel.module_slug == module_slug,
            MinimumLevel.competency_id == competency_id,
        )
    )
    previous = row.level if row is not None else DEFAULT_MINIMUM_LEVEL
    if row is None:
        row = MinimumLevel(
            program_id=program.id,
            module_slug=module_slug,
            competency_id=competency_id,
            level=level,
        )
        db.session.add(row)
    else:
        row.level = level
    db.session.flush()
    record(
        "program.minimum_level_set",
        actor=actor,
        subject=f"competency:{module_slug}/{competency_id}",
        payload={
            "module": module_slug,
            "competency": competency_id,
            "level": level,
            "previous": previous,
        },
        program_id=program.id,
    )
    logger.info(
        "MLA of %s/%s set to %s in program %s",
        module_slug,
        competency_id,
        level,
        program.id,
    )
    return row


def minimum_levels(program_id: int | None) -> dict[tuple[str, str], int]:
    """The program's MLAs that differ from the default, keyed by (module slug, competency id)."""
    rows = db.session.execute(
        sa.select(
            MinimumLevel.module_slug, MinimumLevel.competency_id, MinimumLevel.level
        ).where(MinimumLevel.program_id == program_id)
    )
    return {(slug, competency): level for slug, competency, level in rows}


def minimum_level(
    levels: dict[tuple[str, str], int], module_slug: str, competency_id: str
) -> int:
    return levels.get((module_slug, competency_id), DEFAULT_MINIMUM_LEVEL)


def program_today(user: User) -> date:
    """Today's date in the user's program time zone (UTC without a program)."""
    return today_in(user.program.timezone if user.program is not None else None)


def set_program_requirement(
    program: Program, required: bool, *, by: User | None
) -> None:
    """Require (or stop requiring) a second factor of every member of ``program``."""
    if program.require_second_factor == required:
        return
    program.require_second_factor = required
    db.session.flush()
    record(
        "program.second_factor_required"
        if required
        else "program.second_factor_optional",
        actor=by,
        subject=f"program:{program.id}",
        payload={"required": required},
        program_id=program.id,
    )


def set_framework(program: Program, framework: str, *, by: User | None) -> None:
    """Make the program's catalogue follow ``framework``; one without content is refused."""
    if program.framework == framework:
        return
    check_framework(framework)
    previous = program.framework
    program.framework = framework
    db.session.flush()
    record(
        "program.framework_set",
        actor=by,
        subject=f"program:{program.id}",
        payload={"framework": framework, "previous": previous},
        program_id=program.id,
    )
    logger.info("Program %s now follows %s", program.id, framework)


def set_promising_required(
    program: Program, required: bool, *, by: User | None
) -> None:
    """Count (or stop counting) the modules rated promising towards the program's
    requirements (trainer.program.catalogue.required_levels)."""
    if program.is_promising_required == required:
        return
    program.is_promising_required = required
    db.session.flush()
    record(
        "program.promising_required" if required else "program.promising_optional",
        actor=by,
        subject=f"program:{program.id}",
        payload={"required": required},
        program_id=program.id,
    )
    logger.info(
        "Promising modules %s in program %s",
        "required" if required else "optional",
        program.id,
    )


def update_program_settings(
    program: Program, *, framework: str, is_promising_required: bool, by: User | None
) -> None:
    """The director's settings page: the framework (refused without content) and whether
    promising modules are required; each change is one audit event."""
    set_framework(program, framework, by=by)
    set_promising_required(program, is_promising_required, by=by)
