"""Demo data for trying the product locally. Safe to run twice."""

from __future__ import annotations

from datetime import timedelta

from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.auth.second_factor import enrol_with_key, second_factor_required
from trainer.auth.services import create_user, find_user_by_email
from trainer.core.models import utcnow

from .assignments import assign_supervisor, assigned_trainees
from .models import Program
from .periods import create_evaluation_period, evaluation_periods
from .services import create_cohort, create_program, find_program

DEMO_PROGRAM = "Demo Psychology Internship"
DEMO_COHORT = "2026–2027 cohort"
DEMO_PASSWORD = "demo-password"  # noqa: S105 -- published on purpose; seed-demo runs only in development
DEMO_USERS = [
    ("trainee@example.org", "Taylor Trainee", Role.TRAINEE),
    ("supervisor@example.org", "Sam Supervisor", Role.SUPERVISOR),
    ("director@example.org", "Dana Director", Role.DIRECTOR),
    ("reviewer@example.org", "Riley Reviewer", Role.REVIEWER),
]
#: published on purpose, like the password: the demo supervisor and director sign in (and
#: sign ratings) with codes from this TOTP key, which any authenticator app accepts
DEMO_SECOND_FACTOR_KEY = "EBTRDEMOSECONDFACTORKEY234567ABC"
DEMO_TRAINEE = "trainee@example.org"
DEMO_SUPERVISOR = "supervisor@example.org"
DEMO_PERIODS = ("Mid-year", "End-of-year")


def seed_demo() -> list[str]:
    """Create what is missing of the demo data; return what was created."""
    created: list[str] = []
    program = find_program(DEMO_PROGRAM)
    if program is None:
        program = create_program(DEMO_PROGRAM, timezone="America/New_York")
        created.append(f"program {DEMO_PROGRAM!r}")
    cohort = next((c for c in program.cohorts if c.name == DEMO_COHORT), None)
    if cohort is None:
        cohort = create_cohort(program, DEMO_COHORT)
        created.append(f"cohort {DEMO_COHORT!r}")
    for email, name, role in DEMO_USERS:
        if find_user_by_email(email) is not None:
            continue
        user: User = _create_demo_user(email, name, role, program.id, cohort.id)
        created.append(f"{role.value} {user.email}")
        if second_factor_required(user):
            enrol_with_key(user, DEMO_SECOND_FACTOR_KEY)
    created += _seed_supervision(program)
    return created


def _seed_supervision(program: Program) -> list[str]:
    """The demo supervisor supervises the demo trainee; the program has two evaluation periods."""
    created: list[str] = []
    names = {period.name for period in evaluation_periods(program.id)}
    for name in DEMO_PERIODS:
        if name not in names:
            create_evaluation_period(program, name)
            created.append(f"evaluation period {name!r}")
    supervisor = find_user_by_email(DEMO_SUPERVISOR)
    trainee = find_user_by_email(DEMO_TRAINEE)
    in_program = (
        supervisor is not None
        and trainee is not None
        and supervisor.program_id == program.id == trainee.program_id
    )
    if in_program and trainee.id not in {t.id for t in assigned_trainees(supervisor)}:
        assign_supervisor(supervisor, trainee)
        created.append(f"assignment of {DEMO_SUPERVISOR} to {DEMO_TRAINEE}")
    return created


def _create_demo_user(
    email: str, name: str, role: Role, program_id: int, cohort_id: int
) -> User:
    return create_user(
        email=email,
        name=name,
        password=DEMO_PASSWORD,
        role=role,
        program_id=program_id,
        cohort_id=cohort_id if role is Role.TRAINEE else None,
        access_expires_at=utcnow() + timedelta(days=90)
        if role is Role.REVIEWER
        else None,
    )
