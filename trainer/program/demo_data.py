"""A realistic synthetic program for benchmarks and load tests (``flask --app app demo-data``).

``generate(trainees=N)`` creates a program with a director, about one supervisor per eight
trainees (each with assignments and the demo second-factor key), two evaluation periods, and a
record for every trainee: quiz attempts scored by the real scoring rules, practice logs with
self-ratings, signed ratings in both periods (some below the minimum level, some without direct
observation) and acknowledgements.

Program, cohorts and periods go through the program services. The bulk (users, attempts, logs,
ratings) is written with multi-row inserts, each row with the audit event its service would
have appended, hashed onto the chain in order under the chain lock, so ``audit verify`` passes.
The record tables belong to higher areas; they are written here through their tables
(``db.metadata``), not their models, so this module imports nothing above ``program``.
"""

from __future__ import annotations

import logging
import math
import random

import sqlalchemy as sa

from trainer.audit.services import chain_head, lock_chain
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.auth.services import hash_password
from trainer.content.loader import Module
from trainer.core.extensions import db
from trainer.core.models import utcnow

from .bulk import Chain, insert_returning_ids, insert_rows, table_named
from .catalogue import curriculum
from .demo import DEMO_PASSWORD, DEMO_SECOND_FACTOR_KEY
from .demo_records import write_attempts, write_practice_logs, write_ratings
from .models import DEFAULT_MINIMUM_LEVEL, Program, SupervisorAssignment
from .periods import create_evaluation_period
from .services import create_cohort, create_program

logger = logging.getLogger(__name__)

#: trainees per supervisor and per cohort
TRAINEES_PER_SUPERVISOR = 8
TRAINEES_PER_COHORT = 60


def synthetic_email(role: str, number: int, program_id: int) -> str:
    """The e-mail of a synthetic account, e.g. trainee-7@p3.example.org (1-based)."""
    return f"{role}-{number}@p{program_id}.example.org"


def generate(
    *, trainees: int, seed: int = 1, per_cohort: int = TRAINEES_PER_COHORT
) -> Program:
    """Create a synthetic program with ``trainees`` trainees, ``per_cohort`` to a cohort
    (flushes; the caller commits). The export benchmark puts them all in one cohort."""
    if trainees < 1:
        raise ValueError("a program needs at least one trainee")
    rng = random.Random(seed)  # noqa: S311 -- synthetic data, not secrets
    name = f"Synthetic program {seed}-{trainees}"
    suffix = 1
    while db.session.scalar(sa.select(Program.id).where(Program.name == name)):
        suffix += 1
        name = f"Synthetic program {seed}-{trainees} ({suffix})"
    program = create_program(name, timezone="America/New_York")
    cohorts = [
        create_cohort(program, f"Cohort {number}")
        for number in range(1, math.ceil(trainees / per_cohort) + 1)
    ]
    periods = [
        create_evaluation_period(program, "Mid-year"),
        create_evaluation_period(program, "End-of-year"),
    ]
    modules = [
        module for module in curriculum() if program.framework in module.meta.levels
    ]
    db.session.flush()

    lock_chain()
    seq, head = chain_head()
    chain = Chain(seq, head, utcnow())
    people = _create_people(program, cohorts, trainees, chain, per_cohort)
    versions = _content_versions(modules, program.id, chain)
    trainee_ids = people["trainee"]
    supervisor_of = _assign(program, people, chain)
    attempts = write_attempts(rng, program, modules, versions, trainee_ids, chain)
    logs = write_practice_logs(rng, program, modules, trainee_ids, chain)
    write_ratings(rng, program, modules, periods, supervisor_of, attempts, logs, chain)
    chain.flush()
    db.session.flush()
    logger.info(
        "Synthetic program %s created with %s trainees (%s audit events)",
        program.id,
        trainees,
        chain.seq - seq,
    )
    return program


def _create_people(
    program: Program, cohorts: list, trainees: int, chain: Chain, per_cohort: int
) -> dict[str, list[tuple[int, str]]]:
    """The director, the supervisors and the trainees, all with the demo password (hashed
    once); the director and supervisors enrolled with the demo second-factor key."""
    password_hash = hash_password(DEMO_PASSWORD)
    supervisors = max(1, round(trainees / TRAINEES_PER_SUPERVISOR))
    plan = [
        ("director", 1, Role.DIRECTOR),
        ("supervisor", supervisors, Role.SUPERVISOR),
    ]
    plan.append(("trainee", trainees, Role.TRAINEE))
    people: dict[str, list[tuple[int, str]]] = {}
    for label, count, role in plan:
        rows = []
        for number in range(1, count + 1):
            cohort_id = (
                cohorts[(number - 1) // per_cohort].id if role is Role.TRAINEE else None
            )
            rows.append(
                {
                    "email": synthetic_email(label, number, program.id),
                    "name": f"{label.title()} {number}",
                    "password_hash": password_hash,
                    "role": role,
                    "program_id": program.id,
                    "cohort_id": cohort_id,
                    "is_enabled": True,
                    "created_at": chain.now,
                }
            )
        ids = insert_returning_ids(User.__table__, rows)
        people[label] = [
            (id_, row["email"]) for id_, row in zip(ids, rows, strict=True)
        ]
        for (id_, email), row in zip(people[label], rows, strict=True):
            chain.append(
                "user.created",
                actor=None,
                subject=f"user:{id_}",
                payload={
                    "email": email,
                    "role": role.value,
                    "cohort_id": row["cohort_id"],
                },
                program_id=program.id,
            )
    factors = [
        {
            "user_id": id_,
            "secret": DEMO_SECOND_FACTOR_KEY,
            "created_at": chain.now,
            "confirmed_at": chain.now,
        }
        for id_, _email in people["director"] + people["supervisor"]
    ]
    insert_rows(table_named("second_factors"), factors)
    for row in factors:
        chain.append(
            "auth.second_factor_enrolled",
            actor=None,
            subject=f"user:{row['user_id']}",
            payload={"method": "totp", "recovery_codes": 0, "demo": True},
            program_id=program.id,
        )
    return people


def _content_versions(
    modules: list[Module], program_id: int, chain: Chain
) -> dict[str, int]:
    """The content_versions row of each module's current version (stored if missing)."""
    table = table_named("content_versions")
    stored = {
        row.slug: row.id
        for row in db.session.execute(
            sa.select(table.c.slug, table.c.id).where(
                sa.tuple_(table.c.slug, table.c.version).in_(
                    [(module.slug, module.version) for module in modules]
                )
            )
        )
    }
    for module in modules:
        if module.slug in stored:
            continue
        stored[module.slug] = db.session.execute(
            sa.insert(table)
            .values(
                slug=module.slug,
                version=module.version,
                module_source=module.module_source,
                quiz_source=module.quiz_source,
                created_at=chain.now,
            )
            .returning(table.c.id)
        ).scalar_one()
        chain.append(
            "content.version_stored",
            actor=None,
            subject=f"content:{module.slug}",
            payload={"version": module.version},
            program_id=None,
        )
    return stored


def _assign(
    program: Program, people: dict[str, list[tuple[int, str]]], chain: Chain
) -> dict[int, tuple[int, str]]:
    """Each trainee to one supervisor, in turn; returns trainee id -> supervisor."""
    supervisors = people["supervisor"]
    pairs = [
        (supervisors[index % len(supervisors)], trainee)
        for index, trainee in enumerate(people["trainee"])
    ]
    rows = [
        {
            "program_id": program.id,
            "supervisor_id": supervisor[0],
            "trainee_id": trainee[0],
            "created_at": chain.now,
        }
        for supervisor, trainee in pairs
    ]
    ids = insert_returning_ids(SupervisorAssignment.__table__, rows)
    for id_, (supervisor, trainee) in zip(ids, pairs, strict=True):
        chain.append(
            "program.supervisor_assigned",
            actor=None,
            subject=f"assignment:{id_}",
            payload={"supervisor_id": supervisor[0], "trainee_id": trainee[0]},
            program_id=program.id,
        )
    return {trainee[0]: supervisor for supervisor, trainee in pairs}


__all__ = ["DEFAULT_MINIMUM_LEVEL", "generate", "synthetic_email"]
