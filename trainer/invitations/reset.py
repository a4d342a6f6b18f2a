"""Password reset by e-mail: a single-use link that expires; the same answer whether or not
the address has an account; a new password ends every session of the account."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from trainer.audit.services import lock_chain, record
from trainer.auth.models import User
from trainer.auth.passwords import PasswordPolicyError, check_password_policy
from trainer.auth.services import find_user_by_email, password_hasher
from trainer.auth.sessions import end_all_sessions
from trainer.core.clock import local_time
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.mail.services import absolute_url, queue_mail

from .models import PasswordReset
from .services import TAMPERED, LinkProblem
from .tokens import make_token, new_nonce, nonce_matches, read_token

logger = logging.getLogger(__name__)

SALT = "password-reset"
DEFAULT_MINUTES = 60

USED = LinkProblem(
    "This link no longer works",
    "A password-reset link works once, and only the newest one works. Ask for a new link "
    "if you still need to choose a password.",
    410,
)
EXPIRED = LinkProblem(
    "This link has expired",
    "A password-reset link works for a limited time only. Ask for a new one.",
    410,
)


def lifetime() -> timedelta:
    return timedelta(
        minutes=int(current_app.config.get("PASSWORD_RESET_MINUTES") or DEFAULT_MINUTES)
    )


def request_reset(email: str, *, address: str | None) -> None:
    """Queue a reset link if ``email`` belongs to an account that may sign in; otherwise do
    nothing. The caller answers the same either way."""
    user = find_user_by_email(email)
    if user is None or not user.is_active:
        return
    now = utcnow()
    db.session.execute(
        sa.update(PasswordReset)
        .where(PasswordReset.user_id == user.id, PasswordReset.closed_at.is_(None))
        .values(closed_at=now, close_reason="replaced")
        .execution_options(synchronize_session=False)
    )
    nonce, nonce_hash = new_nonce()
    reset = PasswordReset(
        user_id=user.id,
        nonce_hash=nonce_hash,
        created_at=now,
        expires_at=now + lifetime(),
    )
    db.session.add(reset)
    db.session.flush()
    queue_mail(
        user.email,
        "Reset your EBTR Trainer password",
        "password_reset",
        kind="password-reset",
        program_id=user.program_id,
        name=user.name,
        link=absolute_url(
            "password_reset.choose", token=make_token(SALT, reset.id, nonce)
        ),
        expires=local_time(
            reset.expires_at, user.program.timezone if user.program else None
        ),
    )
    record(
        "auth.password_reset_requested",
        actor=None,
        subject=f"user:{user.id}",
        payload={"address": address},
        program_id=user.program_id,
    )


def reset_from_token(token: str) -> tuple[PasswordReset | None, LinkProblem | None]:
    found = read_token(SALT, token)
    reset = db.session.get(PasswordReset, found[0]) if found else None
    if reset is None:
        return None, TAMPERED
    if reset.closed_at is not None or not nonce_matches(found[1], reset.nonce_hash):
        return reset, USED
    if reset.expires_at <= utcnow() or not reset.user.is_active:
        return reset, EXPIRED
    return reset, None


def reset_password(reset: PasswordReset, new_password: str) -> User:
    """Set the new password (policy checked), close the link, end every session."""
    lock_chain()  # the same link submitted twice at once: the second finds it used
    db.session.refresh(reset)
    if reset.closed_at is not None:
        raise PasswordPolicyError(
            "This link has just been used. Sign in with the new password, or ask for a new link."
        )
    user = reset.user
    check_password_policy(new_password, user_inputs=(user.email, user.name))
    user.password_hash = password_hasher().hash(new_password)
    reset.closed_at = utcnow()
    reset.close_reason = "used"
    db.session.flush()
    ended = end_all_sessions(user, "password-reset")
    record(
        "auth.password_reset",
        actor=user,
        subject=f"user:{user.id}",
        payload={"sessions_ended": ended},
    )
    logger.info("User %s reset their password", user.id)
    return user
