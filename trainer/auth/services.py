"""Accounts: password hashing, sign-in, user creation."""

from __future__ import annotations

import contextlib
import logging
from datetime import datetime

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app

from trainer.audit.services import record
from trainer.core.errors import TrainerError
from trainer.core.extensions import db

from .models import User
from .permissions import Role

logger = logging.getLogger(__name__)

MIN_PASSWORD_LENGTH = 12


class AuthError(TrainerError):
    pass


class EmailTaken(AuthError):
    status_code = 409


class WeakPassword(AuthError):
    pass


def password_hasher() -> PasswordHasher:
    config = current_app.config
    return PasswordHasher(
        time_cost=config["ARGON2_TIME_COST"],
        memory_cost=config["ARGON2_MEMORY_COST"],
        parallelism=config["ARGON2_PARALLELISM"],
    )


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise WeakPassword(f"Use at least {MIN_PASSWORD_LENGTH} characters.")
    return password_hasher().hash(password)


def check_password(user: User, password: str) -> bool:
    try:
        return password_hasher().verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A real hash to verify against when the account is unknown, so that the time taken does not
# reveal whether an e-mail address has an account.
_DUMMY_HASH: dict[tuple, str] = {}


def _spend_equal_time(password: str) -> None:
    hasher = password_hasher()
    key = (hasher.time_cost, hasher.memory_cost, hasher.parallelism)
    if key not in _DUMMY_HASH:
        _DUMMY_HASH[key] = hasher.hash("not-a-real-password-for-timing")
    with contextlib.suppress(VerificationError):
        hasher.verify(_DUMMY_HASH[key], password)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_user_by_email(email: str) -> User | None:
    return db.session.scalar(
        sa.select(User).where(User.email == normalise_email(email))
    )


def authenticate(email: str, password: str, *, address: str | None) -> User | None:
    """The user whose e-mail and password match, or None; either way the attempt is audited."""
    user = find_user_by_email(email)
    if user is None:
        _spend_equal_time(password)
    elif check_password(user, password) and user.is_active:
        if password_hasher().check_needs_rehash(user.password_hash):
            user.password_hash = password_hasher().hash(password)
        record(
            "auth.login",
            actor=user,
            subject=f"user:{user.id}",
            payload={"address": address},
        )
        logger.info("User %s signed in", user.id)
        return user
    record(
        "auth.login_failed",
        actor=user,
        subject=f"user:{user.id}" if user else "",
        payload={
            "email": normalise_email(email)[:254],
            "address": address,
            "reason": "inactive" if user and user.is_active is False else "credentials",
        },
    )
    logger.info("Failed sign-in for %s", "known account" if user else "unknown account")
    return None


def record_logout(user: User) -> None:
    record("auth.logout", actor=user, subject=f"user:{user.id}")
    logger.info("User %s signed out", user.id)


def create_user(
    *,
    email: str,
    name: str,
    password: str,
    role: Role,
    program_id: int | None = None,
    cohort_id: int | None = None,
    access_expires_at: datetime | None = None,
    created_by: User | None = None,
) -> User:
    email = normalise_email(email)
    if find_user_by_email(email) is not None:
        raise EmailTaken(f"An account for {email} already exists.")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        role=role,
        program_id=program_id,
        cohort_id=cohort_id,
        access_expires_at=access_expires_at,
    )
    db.session.add(user)
    db.session.flush()
    record(
        "user.created",
        actor=created_by,
        subject=f"user:{user.id}",
        payload={"email": email, "role": role.value, "cohort_id": cohort_id},
        program_id=program_id,
    )
    logger.info("User %s created with role %s", user.id, role.value)
    return user
