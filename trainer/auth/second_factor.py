"""A second factor: time-based one-time passwords (RFC 6238, pyotp) and recovery codes.

Required for supervisors, directors and admins, and for everyone in a program that sets
``require_second_factor``; optional for trainees and reviewers. Enrolment is two steps: a
pending secret (shown as a QR code and as text), confirmed by a first code, which also issues
ten single-use recovery codes (only their SHA-256 is stored). A code is accepted once: a
time step already used is refused (RFC 6238 section 5.2). Enrolment, use, failure and reset
are audit events.
"""

from __future__ import annotations

import hashlib
import io
import logging
import secrets
import time
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trainer.audit.services import record
from trainer.core.errors import TrainerError
from trainer.core.extensions import db
from trainer.core.models import utcnow

from .models import User
from .permissions import Role
from .sessions import end_all_sessions

logger = logging.getLogger(__name__)

ISSUER = "EBTR Trainer"
REQUIRED_ROLES = frozenset({Role.SUPERVISOR, Role.DIRECTOR, Role.ADMIN})
RECOVERY_CODE_COUNT = 10
#: accept the previous and the next 30-second step too, for clocks that drift
VALID_WINDOW = 1
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


class SecondFactorError(TrainerError):
    status_code = 422


class SecondFactor(db.Model):
    __tablename__ = "second_factors"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False, index=True
    )
    #: base32 TOTP secret
    secret: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)
    #: None while the user has not yet entered a first code
    confirmed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    revoked_at: Mapped[datetime | None] = mapped_column(nullable=True)
    #: the last accepted 30-second time step; a code of this step or an earlier one is refused
    last_used_step: Mapped[int | None] = mapped_column(sa.BigInteger, nullable=True)

    def totp(self) -> pyotp.TOTP:
        return pyotp.TOTP(self.secret)


class RecoveryCode(db.Model):
    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    second_factor_id: Mapped[int] = mapped_column(
        sa.ForeignKey("second_factors.id"), nullable=False, index=True
    )
    code_hash: Mapped[str] = mapped_column(sa.String(64), nullable=False, unique=True)
    used_at: Mapped[datetime | None] = mapped_column(nullable=True)


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _normalise(code: str | None) -> str:
    return "".join((code or "").split()).lower()


def second_factor_required(user: User) -> bool:
    if user.role in REQUIRED_ROLES:
        return True
    return bool(user.program is not None and user.program.require_second_factor)


def _current(user: User, *, confirmed: bool) -> SecondFactor | None:
    condition = (
        SecondFactor.confirmed_at.is_not(None)
        if confirmed
        else SecondFactor.confirmed_at.is_(None)
    )
    return db.session.scalar(
        sa.select(SecondFactor)
        .where(
            SecondFactor.user_id == user.id,
            SecondFactor.revoked_at.is_(None),
            condition,
        )
        .order_by(SecondFactor.id.desc())
        .limit(1)
    )


def enrolment(user: User) -> SecondFactor | None:
    """The user's confirmed second factor, or None."""
    return _current(user, confirmed=True)


def is_enrolled(user: User) -> bool:
    return enrolment(user) is not None


def pending_enrolment(user: User) -> SecondFactor | None:
    return _current(user, confirmed=False)


def start_enrolment(user: User) -> SecondFactor:
    """A pending secret to scan (reused while unconfirmed); refused when already enrolled."""
    if is_enrolled(user):
        raise SecondFactorError("You already have a second factor.")
    pending = pending_enrolment(user)
    if pending is None:
        pending = SecondFactor(user_id=user.id, secret=pyotp.random_base32())
        db.session.add(pending)
        db.session.flush()
    return pending


def provisioning_uri(factor: SecondFactor, user: User) -> str:
    return factor.totp().provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(factor: SecondFactor, user: User) -> bytes:
    """The provisioning URI as a QR code (SVG), rendered here: nothing leaves the server."""
    buffer = io.BytesIO()
    segno.make(provisioning_uri(factor, user), error="m").save(
        buffer,
        kind="svg",
        scale=5,
        border=4,
        title="QR code for your authenticator app",
        xmldecl=False,
    )
    return buffer.getvalue()


def _matching_step(factor: SecondFactor, code: str, now: float) -> int | None:
    if not (code.isdigit() and len(code) == factor.totp().digits):
        return None
    totp = factor.totp()
    current = int(now // totp.interval)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


def _accept_totp(factor: SecondFactor, code: str, now: float | None = None) -> bool:
    step = _matching_step(factor, code, time.time() if now is None else now)
    if step is None or (
        factor.last_used_step is not None and step <= factor.last_used_step
    ):
        return False
    factor.last_used_step = step
    return True


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def confirm_enrolment(user: User, code: str) -> list[str]:
    """Confirm the pending secret with a first code; returns the ten recovery codes, which
    are shown once and stored only as digests."""
    pending = pending_enrolment(user)
    if pending is None:
        raise SecondFactorError("Start the set-up again: there is no pending secret.")
    if not _accept_totp(pending, _normalise(code)):
        record(
            "auth.second_factor_failed",
            actor=user,
            subject=f"user:{user.id}",
            payload={"purpose": "enrolment"},
        )
        raise SecondFactorError(
            "That code is not right. Enter the 6-digit code your app shows now."
        )
    pending.confirmed_at = utcnow()
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    for plain in codes:
        db.session.add(
            RecoveryCode(
                second_factor_id=pending.id, code_hash=_digest(plain.replace("-", ""))
            )
        )
    db.session.flush()
    record(
        "auth.second_factor_enrolled",
        actor=user,
        subject=f"user:{user.id}",
        payload={"method": "totp", "recovery_codes": len(codes)},
    )
    logger.info("User %s enrolled a second factor", user.id)
    return codes


def enrol_with_key(user: User, key: str) -> SecondFactor:
    """Enrol ``user`` with a given key and no recovery codes: only for the published demo
    accounts of seed-demo (development), whose key the README gives."""
    factor = SecondFactor(user_id=user.id, secret=key, confirmed_at=utcnow())
    db.session.add(factor)
    db.session.flush()
    record(
        "auth.second_factor_enrolled",
        actor=None,
        subject=f"user:{user.id}",
        payload={"method": "totp", "recovery_codes": 0, "demo": True},
        program_id=user.program_id,
    )
    return factor


def _use_recovery_code(factor: SecondFactor, code: str) -> int | None:
    """Mark a matching unused recovery code used; returns how many remain, or None."""
    row = db.session.scalar(
        sa.select(RecoveryCode).where(
            RecoveryCode.second_factor_id == factor.id,
            RecoveryCode.code_hash == _digest(code),
            RecoveryCode.used_at.is_(None),
        )
    )
    if row is None:
        return None
    row.used_at = utcnow()
    db.session.flush()
    return remaining_recovery_codes(factor)


def remaining_recovery_codes(factor: SecondFactor) -> int:
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(RecoveryCode)
            .where(
                RecoveryCode.second_factor_id == factor.id,
                RecoveryCode.used_at.is_(None),
            )
        )
        or 0
    )


def verify_second_factor(user: User, code: str | None, *, purpose: str) -> bool:
    """Check a TOTP code or an unused recovery code of the user's enrolment; the use or the
    failure is an audit event (``purpose``: sign-in | signature)."""
    factor = enrolment(user)
    normalised = _normalise(code)
    accepted_with = None
    remaining = None
    if factor is not None and normalised:
        if _accept_totp(factor, normalised):
            accepted_with = "totp"
        else:
            remaining = _use_recovery_code(factor, normalised.replace("-", ""))
            if remaining is not None:
                accepted_with = "recovery-code"
    db.session.flush()
    if accepted_with is None:
        record(
            "auth.second_factor_failed",
            actor=user,
            subject=f"user:{user.id}",
            payload={"purpose": purpose},
        )
        logger.info("Second factor of user %s refused (%s)", user.id, purpose)
        return False
    payload = {"purpose": purpose, "method": accepted_with}
    if remaining is not None:
        payload["recovery_codes_left"] = remaining
    record(
        "auth.second_factor_used",
        actor=user,
        subject=f"user:{user.id}",
        payload=payload,
    )
    return True


def reset_second_factor(user: User, *, by: User | None, reason: str = "") -> bool:
    """Revoke the user's second factor (and its recovery codes) and end their sessions, so
    that they enrol again at their next sign-in; returns whether there was one."""
    factors = list(
        db.session.scalars(
            sa.select(SecondFactor).where(
                SecondFactor.user_id == user.id, SecondFactor.revoked_at.is_(None)
            )
        )
    )
    now = utcnow()
    for factor in factors:
        factor.revoked_at = now
    end_all_sessions(user, "second-factor-reset")
    record(
        "auth.second_factor_reset",
        actor=by,
        subject=f"user:{user.id}",
        payload={"email": user.email, "revoked": len(factors), "reason": reason},
        program_id=user.program_id,
    )
    logger.info("Second factor of user %s reset", user.id)
    return bool(factors)
