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
from trainer.core.models import utcnow

from .catalogue import frameworks_with_content
from .models import (
    Cohort,
    Program,
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


def program_members(program_id: int, role: Role) -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.program_id == program_id, User.role == role)
            .order_by(User.name, User.id)
        )
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
