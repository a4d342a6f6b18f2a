"""An accreditation reviewer's read-only access to a program, until a day."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

from trainer.audit.services import record
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.core.clock import today_in
from trainer.core.extensions import db
from trainer.core.models import utcnow

from .models import Program
from .services import ProgramError


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
