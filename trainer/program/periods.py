"""Evaluation periods and the minimum levels of achievement (MLA) in force."""

from __future__ import annotations

import logging
from datetime import date

import sqlalchemy as sa

from trainer.audit.services import record
from trainer.auth.models import User
from trainer.core.extensions import db
from trainer.core.models import utcnow

from .models import (
    DEFAULT_MINIMUM_LEVEL,
    EvaluationPeriod,
    MinimumLevel,
    MinimumLevelChange,
    Program,
)
from .services import ProgramError

logger = logging.getLogger(__name__)


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
