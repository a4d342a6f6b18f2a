"""Account services: password change, sign-out of every device, deactivation (each ends the
user's server-side sessions, trainer.auth.sessions), and the optional e-mails. Each change
writes an audit event."""

from __future__ import annotations

import logging

from trainer.audit.services import record
from trainer.core.extensions import db

from .models import User
from .passwords import PasswordPolicyError, check_password_policy
from .permissions import Permission, has_permission
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


#: the e-mails a user may turn off, by the name the form and the audit event use: (the User
#: column, the permission of the people who get it)
OPTIONAL_MAIL = {
    "practice_digest": ("has_digest_mail", Permission.SUPERVISION_RATING_WRITE),
    "sign_off_mail": ("has_sign_off_mail", Permission.SUPERVISION_RECORD_ACKNOWLEDGE),
}


def optional_mail(user: User) -> list[str]:
    """The optional e-mails the user's role gets (the digest: supervisors; the sign-off mail:
    trainees). Invitations and password resets are never optional."""
    return [
        name
        for name, (_column, permission) in OPTIONAL_MAIL.items()
        if has_permission(user.role, permission)
    ]


def set_mail_preferences(user: User, wanted: dict[str, bool]) -> list[str]:
    """Turn the user's optional e-mails on or off; one audit event per change. Names the role
    does not get are ignored. Returns the names changed."""
    changed = []
    for name in optional_mail(user):
        if name not in wanted:
            continue
        column = OPTIONAL_MAIL[name][0]
        on = bool(wanted[name])
        if getattr(user, column) == on:
            continue
        setattr(user, column, on)
        db.session.flush()
        record(
            "auth.mail_preference_changed",
            actor=user,
            subject=f"user:{user.id}",
            payload={"mail": name, "on": on},
        )
        logger.info("User %s turned %s %s", user.id, "on" if on else "off", name)
        changed.append(name)
    return changed
