"""Invitations: create (and queue the mail in the same transaction), resend, revoke, accept."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from trainer.audit.services import lock_chain, record
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.auth.services import create_user, find_user_by_email, normalise_email
from trainer.core.clock import local_time
from trainer.core.errors import TrainerError
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.mail.services import absolute_url, queue_mail
from trainer.program.models import Cohort, Program

from .models import Invitation, InvitationState
from .tokens import make_token, new_nonce, nonce_matches, read_token

logger = logging.getLogger(__name__)

SALT = "invitation"
#: how long an invitation link works unless INVITATION_DAYS says otherwise
DEFAULT_DAYS = 7
ROLE_PHRASES = {
    Role.TRAINEE: "a trainee",
    Role.SUPERVISOR: "a supervisor",
    Role.DIRECTOR: "a program director",
    Role.REVIEWER: "an accreditation reviewer",
}


class InvitationError(TrainerError):
    status_code = 422


def lifetime() -> timedelta:
    return timedelta(
        days=int(current_app.config.get("INVITATION_DAYS") or DEFAULT_DAYS)
    )


def pending_invitation(email: str) -> Invitation | None:
    return db.session.scalar(
        sa.select(Invitation).where(
            Invitation.email == normalise_email(email),
            Invitation.accepted_at.is_(None),
            Invitation.revoked_at.is_(None),
            Invitation.expires_at > utcnow(),
        )
    )


def invitation_problem(
    program: Program, email: str, role: Role, cohort: Cohort | None
) -> str | None:
    """Why this invitation cannot be made, as a sentence; None if it can."""
    if role not in ROLE_PHRASES:
        return "Choose trainee, supervisor, director or reviewer."
    if role is Role.TRAINEE and cohort is None:
        return "Choose the trainee's cohort."
    if cohort is not None and role is not Role.TRAINEE:
        return "Only trainees belong to a cohort; leave it empty for this role."
    if cohort is not None and cohort.program_id != program.id:
        return "That cohort is not one of this program's."
    if find_user_by_email(email) is not None:
        return f"{normalise_email(email)} already has an account."
    if pending_invitation(email) is not None:
        return f"{normalise_email(email)} is already invited; resend that invitation instead."
    return None


def _queue(invitation: Invitation, nonce: str, inviter: User | None) -> None:
    zone = invitation.program.timezone
    queue_mail(
        invitation.email,
        f"Your invitation to {invitation.program.name} on EBTR Trainer",
        "invitation",
        kind="invitation",
        program_id=invitation.program_id,
        name=invitation.name,
        inviter=inviter.name if inviter is not None else "The administrator",
        program=invitation.program.name,
        role_phrase=ROLE_PHRASES[invitation.role],
        link=absolute_url(
            "invitations.accept", token=make_token(SALT, invitation.id, nonce)
        ),
        expires=local_time(invitation.expires_at, zone),
    )


def invite(
    program: Program,
    *,
    email: str,
    name: str = "",
    role: Role,
    cohort: Cohort | None = None,
    access_expires_at: datetime | None = None,
    by: User | None,
) -> Invitation:
    """Invite someone to ``program``; the mail is queued in the same transaction."""
    lock_chain()  # serialise with a concurrent invitation of the same address
    problem = invitation_problem(program, email, role, cohort)
    if problem:
        raise InvitationError(problem)
    nonce, nonce_hash = new_nonce()
    now = utcnow()
    invitation = Invitation(
        program_id=program.id,
        program=program,
        email=normalise_email(email),
        name=(name or "").strip(),
        role=role,
        cohort_id=cohort.id if cohort is not None else None,
        access_expires_at=access_expires_at if role is Role.REVIEWER else None,
        invited_by_id=by.id if by is not None else None,
        nonce_hash=nonce_hash,
        created_at=now,
        sent_at=now,
        expires_at=now + lifetime(),
    )
    db.session.add(invitation)
    db.session.flush()
    _queue(invitation, nonce, by)
    record(
        "invitation.created",
        actor=by,
        subject=f"invitation:{invitation.id}",
        payload={
            "email": invitation.email,
            "role": role.value,
            "cohort_id": invitation.cohort_id,
            **(
                {"access_until": invitation.access_expires_at.isoformat()}
                if invitation.access_expires_at is not None
                else {}
            ),
        },
        program_id=program.id,
    )
    logger.info("Invitation %s created in program %s", invitation.id, program.id)
    return invitation


def resend(invitation: Invitation, *, by: User | None) -> None:
    """A new link (the old one stops working) valid for another full lifetime."""
    if invitation.state in (InvitationState.ACCEPTED, InvitationState.REVOKED):
        raise InvitationError(
            f"The invitation of {invitation.email} is {invitation.state.value}; it cannot be resent."
        )
    nonce, invitation.nonce_hash = new_nonce()
    invitation.sent_at = utcnow()
    invitation.expires_at = invitation.sent_at + lifetime()
    db.session.flush()
    _queue(invitation, nonce, by)
    record(
        "invitation.resent",
        actor=by,
        subject=f"invitation:{invitation.id}",
        payload={"email": invitation.email},
        program_id=invitation.program_id,
    )


def revoke(invitation: Invitation, *, by: User | None) -> None:
    if invitation.state is InvitationState.ACCEPTED:
        raise InvitationError(
            f"{invitation.email} has already accepted; deactivate the account instead."
        )
    if invitation.revoked_at is not None:
        return
    invitation.revoked_at = utcnow()
    db.session.flush()
    record(
        "invitation.revoked",
        actor=by,
        subject=f"invitation:{invitation.id}",
        payload={"email": invitation.email},
        program_id=invitation.program_id,
    )


@dataclass(frozen=True)
class LinkProblem:
    """Why a link does not work, for the page that says so."""

    title: str
    message: str
    status: int


TAMPERED = LinkProblem(
    "This link does not work",
    "The link is incomplete or has been changed. Open it again from the e-mail, "
    "copying the whole address, or ask whoever invited you to resend the invitation.",
    404,
)


def invitation_from_token(token: str) -> tuple[Invitation | None, LinkProblem | None]:
    found = read_token(SALT, token)
    invitation = db.session.get(Invitation, found[0]) if found else None
    if invitation is None:
        return None, TAMPERED
    if invitation.accepted_at is not None:
        return invitation, LinkProblem(
            "This invitation has been accepted",
            "The invitation was already used to create an account. Sign in with its e-mail "
            "address and password; if you forgot the password, reset it.",
            410,
        )
    if invitation.revoked_at is not None:
        return invitation, LinkProblem(
            "This invitation was withdrawn",
            "The program withdrew this invitation. If you think that is a mistake, ask the "
            "program's director.",
            410,
        )
    if not nonce_matches(found[1], invitation.nonce_hash):
        return invitation, LinkProblem(
            "This link has been replaced",
            "The invitation was sent again with a newer link. Use the link in the most "
            "recent e-mail.",
            410,
        )
    if invitation.expires_at <= utcnow():
        return invitation, LinkProblem(
            "This invitation has expired",
            "The link worked for a limited time only. Ask whoever invited you to resend it.",
            410,
        )
    return invitation, None


def accept(invitation: Invitation, *, name: str, password: str) -> User:
    """Create the invited person's account (role, program, cohort from the invitation)."""
    lock_chain()  # a second click on "Create my account" waits, then finds it accepted
    db.session.refresh(invitation)
    if invitation.state is not InvitationState.PENDING:
        raise InvitationError("This invitation can no longer be accepted.")
    user = create_user(
        email=invitation.email,
        name=name,
        password=password,
        role=invitation.role,
        program_id=invitation.program_id,
        cohort_id=invitation.cohort_id,
        access_expires_at=invitation.access_expires_at,
        created_by=invitation.invited_by,
    )
    invitation.accepted_at = utcnow()
    invitation.user_id = user.id
    db.session.flush()
    record(
        "invitation.accepted",
        actor=user,
        subject=f"invitation:{invitation.id}",
        payload={"user_id": user.id},
        program_id=invitation.program_id,
    )
    return user
