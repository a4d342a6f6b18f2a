"""Programs and cohorts, supervisor assignments, evaluation periods and minimum levels of
achievement."""

from __future__ import annotations

import logging
from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from trainer.audit.services import record
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.content.schema import FRAMEWORK_LABELS, Framework
from trainer.core.clock import today_in
from trainer.core.errors import TrainerError
from trainer.core.extensions import db
from trainer.core.models import utcnow

from .catalogue import frameworks_with_content
from .models import (
    DEFAULT_MINIMUM_LEVEL,
    Cohort,
    EvaluationPeriod,
    MinimumLevel,
    MinimumLevelChange,
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
    if row is not None and previous == level:
        return row  # no change, nothing to audit
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
    db.session.add(
        MinimumLevelChange(
            program_id=program.id,
            module_slug=module_slug,
            competency_id=competency_id,
            level=level,
            previous=previous,
            changed_by_id=actor.id if actor is not None else None,
        )
    )
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


# --- The director's pages: cohorts, assignments, periods, reviewers ------------------------


def program_cohorts(program_id: int, *, archived: bool = False) -> list[Cohort]:
    """The program's cohorts by name: the working ones, or with ``archived`` every one."""
    query = sa.select(Cohort).where(Cohort.program_id == program_id)
    if not archived:
        query = query.where(Cohort.archived_at.is_(None))
    return list(db.session.scalars(query.order_by(Cohort.name, Cohort.id)))


def _check_cohort_name(program_id: int, name: str, *, except_id: int | None = None):
    name = name.strip()
    if not name:
        raise ProgramError("Name the cohort.")
    clash = sa.select(Cohort.id).where(
        Cohort.program_id == program_id, Cohort.name == name
    )
    if except_id is not None:
        clash = clash.where(Cohort.id != except_id)
    if db.session.scalar(clash) is not None:
        raise ProgramError(f"The program already has a cohort named {name!r}.")
    return name


def add_cohort(program: Program, name: str, *, actor: User) -> Cohort:
    """``create_cohort`` with the checks a form needs (a name, unique in the program)."""
    return create_cohort(program, _check_cohort_name(program.id, name), actor=actor)


def rename_cohort(cohort: Cohort, name: str, *, actor: User) -> Cohort:
    name = _check_cohort_name(cohort.program_id, name, except_id=cohort.id)
    if name == cohort.name:
        return cohort
    previous, cohort.name = cohort.name, name
    db.session.flush()
    record(
        "cohort.renamed",
        actor=actor,
        subject=f"cohort:{cohort.id}",
        payload={"name": name, "previous": previous},
        program_id=cohort.program_id,
    )
    return cohort


def archive_cohort(cohort: Cohort, *, actor: User) -> Cohort:
    if cohort.archived_at is not None:
        raise ProgramError("The cohort is already archived.")
    cohort.archived_at = utcnow()
    db.session.flush()
    record(
        "cohort.archived",
        actor=actor,
        subject=f"cohort:{cohort.id}",
        payload={"name": cohort.name},
        program_id=cohort.program_id,
    )
    return cohort


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


def move_period(period: EvaluationPeriod, step: int, *, actor: User) -> None:
    """Swap the period with its neighbour before (``step`` -1) or after (+1)."""
    periods = evaluation_periods(period.program_id)
    index = next(i for i, p in enumerate(periods) if p.id == period.id)
    other_index = index + step
    if not 0 <= other_index < len(periods):
        raise ProgramError("The period is already at that end.")
    other = periods[other_index]
    mine, theirs = period.position, other.position
    period.position = -mine  # positions are unique: step aside first
    db.session.flush()
    other.position = mine
    db.session.flush()
    period.position = theirs
    db.session.flush()
    record(
        "program.period_moved",
        actor=actor,
        subject=f"evaluation-period:{period.id}",
        payload={"position": theirs, "previous": mine, "swapped_with": other.id},
        program_id=period.program_id,
    )


def close_period(period: EvaluationPeriod, *, actor: User) -> EvaluationPeriod:
    if period.closed_at is not None:
        raise ProgramError("The period is already closed.")
    period.closed_at = utcnow()
    db.session.flush()
    record(
        "program.period_closed",
        actor=actor,
        subject=f"evaluation-period:{period.id}",
        payload={"name": period.name},
        program_id=period.program_id,
    )
    return period


def minimum_level_history(program_id: int) -> list[MinimumLevelChange]:
    return list(
        db.session.scalars(
            sa.select(MinimumLevelChange)
            .where(MinimumLevelChange.program_id == program_id)
            .order_by(
                MinimumLevelChange.changed_at.desc(), MinimumLevelChange.id.desc()
            )
        )
    )


def program_members(program_id: int, role: Role) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.program_id == program_id, User.role == role)
            .order_by(User.name, User.id)
        )
    )


def end_of_day(day: date, timezone: str | None) -> datetime:
    """The last moment of ``day`` in the program's time zone, as UTC."""
    zone = ZoneInfo(timezone or "UTC")
    return datetime.combine(day, time.max, tzinfo=zone).astimezone(UTC)


def reviewer_access_end(program: Program, until: date) -> datetime:
    """When access granted "until" that day ends: its last moment in program time. A day
    before today is refused."""
    if until < today_in(program.timezone):
        raise ProgramError("Choose a date from today on.")
    return end_of_day(until, program.timezone)


def grant_reviewer_access(
    program: Program, reviewer: User, until: date, *, actor: User
) -> User:
    """Give a reviewer of the program read-only access until the end of ``until`` (program
    time); granting again extends or shortens it. Audited as granted or extended. Someone
    without an account is invited instead (``trainer.invitations.reviewers``)."""
    if reviewer.role is not Role.REVIEWER or reviewer.program_id != program.id:
        raise ProgramError("Only a reviewer of this program can be given access.")
    expires = reviewer_access_end(program, until)
    had_access = reviewer.access_expires_at is not None and (
        reviewer.access_expires_at > utcnow()
    )
    previous = reviewer.access_expires_at
    reviewer.access_expires_at = expires
    db.session.flush()
    record(
        "program.reviewer_access_extended"
        if had_access
        else "program.reviewer_access_granted",
        actor=actor,
        subject=f"user:{reviewer.id}",
        payload={
            "until": until.isoformat(),
            "previous": previous.isoformat() if previous else None,
        },
        program_id=program.id,
    )
    return reviewer


def revoke_reviewer_access(program: Program, reviewer: User, *, actor: User) -> User:
    if reviewer.role is not Role.REVIEWER or reviewer.program_id != program.id:
        raise ProgramError("Only a reviewer of this program can lose access.")
    now = utcnow()
    if reviewer.access_expires_at is None or reviewer.access_expires_at <= now:
        raise ProgramError("The reviewer has no access to revoke.")
    reviewer.access_expires_at = now
    db.session.flush()
    record(
        "program.reviewer_access_revoked",
        actor=actor,
        subject=f"user:{reviewer.id}",
        payload={},
        program_id=program.id,
    )
    return reviewer


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
