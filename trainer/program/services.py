"""Programs and cohorts."""

from __future__ import annotations

import logging

import sqlalchemy as sa

from trainer.audit.services import record
from trainer.extensions import db

from .models import Cohort, Program

logger = logging.getLogger(__name__)


def find_program(name: str) -> Program | None:
    return db.session.scalar(sa.select(Program).where(Program.name == name))


def create_program(name: str, *, framework: str = "apa-2011", timezone: str = "UTC", actor=None) -> Program:
    program = Program(name=name, framework=framework, timezone=timezone)
    db.session.add(program)
    db.session.flush()
    record("program.created", actor=actor, subject=f"program:{program.id}",
           payload={"name": name, "framework": framework}, program_id=program.id)
    logger.info("Program %s created", program.id)
    return program


def create_cohort(program: Program, name: str, *, actor=None) -> Cohort:
    cohort = Cohort(program_id=program.id, name=name)
    db.session.add(cohort)
    db.session.flush()
    record("cohort.created", actor=actor, subject=f"cohort:{cohort.id}", payload={"name": name},
           program_id=program.id)
    logger.info("Cohort %s created in program %s", cohort.id, program.id)
    return cohort
