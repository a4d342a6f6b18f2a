"""Account services: password change, sign-out of every device, deactivation. Each ends the
user's server-side sessions (trainer.auth.sessions) and writes an audit event."""

from __future__ import annotations

import logging

from trainer.audit.services import record
from trainer.core.extensions import db

from .models import User
from .passwords import PasswordPolicyError, check_password_policy
from .services import AuthError, WeakPassword, check_password, password_hasher
from .sessions import end_all_sessions

logger = logging.getLogger(__name__)


class WrongCurrentPassword(AuthError):
    status_code = 422


def change_password(user: User, current: str, new: str) -> int:
    """Set a new password after checking the current one and the policy; every session of
    the user ends (the caller signs this browser in again). Returns how many ended."""
    if not check_password(user, current or ""):
        record(
            "auth.password_change_failed",
            actor=user,
            subject=f"user:{user.id}",
            payload={"reason": "current password"},
        )
        raise WrongCurrentPassword(
            "Your current password is not right, so the password was not changed."
        )
    try:
        check_password_policy(new, user_inputs=(user.email, user.name))
    except PasswordPolicyError as error:
        raise WeakPassword(str(error)) from error
    user.password_hash = password_hasher().hash(new)
    ended = end_all_sessions(user, "password")
    record(
        "auth.password_changed",
        actor=user,
        subject=f"user:{user.id}",
        payload={"sessions_ended": ended},
    )
    logger.info("User %s changed their password", user.id)
    return ended


def sign_out_everywhere(user: User) -> int:
    """End every session of the user, on every device, this one included."""
    ended = end_all_sessions(user, "everywhere")
    record(
        "auth.logout_everywhere",
        actor=user,
        subject=f"user:{user.id}",
        payload={"sessions_ended": ended},
    )
    logger.info("User %s signed out of every device", user.id)
    return ended


def deactivate_user(user: User, *, by: User | None) -> None:
    """Disable the account: it cannot sign in, and its sessions and remember-me tokens end
    (they stay ended if the account is enabled again)."""
    user.is_enabled = False
    db.session.flush()
    ended = end_all_sessions(user, "deactivated")
    record(
        "user.deactivated",
        actor=by,
        subject=f"user:{user.id}",
        payload={"sessions_ended": ended},
        program_id=user.program_id,
    )
    logger.info("User %s deactivated", user.id)


def reactivate_user(user: User, *, by: User | None) -> None:
    """Enable a deactivated account again; its old sessions stay ended (it signs in afresh)."""
    user.is_enabled = True
    db.session.flush()
    record(
        "user.reactivated",
        actor=by,
        subject=f"user:{user.id}",
        program_id=user.program_id,
    )
    logger.info("User %s reactivated", user.id)
