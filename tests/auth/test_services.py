from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from trainer.audit.models import AuditEvent
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.auth.services import (
    MIN_PASSWORD_LENGTH,
    EmailTaken,
    WeakPassword,
    authenticate,
    check_password,
    create_user,
    hash_password,
)
from trainer.core.extensions import db


def events(action: str, subject: str | None = None) -> list[AuditEvent]:
    query = sa.select(AuditEvent).where(AuditEvent.action == action)
    if subject is not None:
        query = query.where(AuditEvent.subject == subject)
    return list(db.session.scalars(query.order_by(AuditEvent.seq)))


def new_user(program, email: str = "new.person@example.org", **overrides) -> User:
    fields = {
        "email": email,
        "name": "New Person",
        "password": PASSWORD,
        "role": Role.TRAINEE,
        "program_id": program.id,
        "cohort_id": program.cohorts[0].id,
    }
    return create_user(**{**fields, **overrides})


class TestPasswords:
    def test_hashes_are_argon2id(self, app):
        hashed = hash_password(PASSWORD)
        assert hashed.startswith("$argon2id$")
        assert PASSWORD not in hashed

    def test_the_same_password_hashes_differently_each_time(self, app):
        assert hash_password(PASSWORD) != hash_password(PASSWORD)

    def test_hashes_use_the_configured_cost(self, app):
        assert "$m=8,t=1,p=1$" in hash_password(PASSWORD)

    def test_check_password_accepts_the_right_password_only(self, trainee):
        assert check_password(trainee, PASSWORD)
        assert not check_password(trainee, PASSWORD.upper())
        assert not check_password(trainee, "")

    def test_check_password_refuses_a_malformed_hash(self, trainee):
        trainee.password_hash = "not-a-hash"
        assert not check_password(trainee, PASSWORD)

    def test_a_password_shorter_than_the_minimum_is_refused(self, app):
        with pytest.raises(
            WeakPassword, match=f"at least {MIN_PASSWORD_LENGTH} characters"
        ):
            hash_password("x" * (MIN_PASSWORD_LENGTH - 1))

    def test_a_password_of_the_minimum_length_is_accepted(self, app):
        assert hash_password("x" * MIN_PASSWORD_LENGTH).startswith("$argon2id$")

    def test_sign_in_rehashes_a_password_hashed_with_old_parameters(
        self, app, trainee, monkeypatch
    ):
        old_hash = trainee.password_hash
        monkeypatch.setitem(app.config, "ARGON2_TIME_COST", 2)
        assert authenticate(trainee.email, PASSWORD, address=None) == trainee
        assert trainee.password_hash != old_hash
        assert "$m=8,t=2,p=1$" in trainee.password_hash
        assert check_password(trainee, PASSWORD)


class TestCreateUser:
    def test_email_is_stored_lower_case_and_trimmed(self, program):
        user = new_user(program, email="  Mixed.Case@Example.ORG ")
        assert user.email == "mixed.case@example.org"
        assert db.session.get(User, user.id).email == "mixed.case@example.org"

    def test_the_password_is_stored_as_an_argon2_hash(self, program):
        user = new_user(program)
        assert user.password_hash.startswith("$argon2id$")
        assert check_password(user, PASSWORD)

    def test_a_duplicate_email_is_refused_whatever_its_case(self, program):
        new_user(program, email="twice@example.org")
        with pytest.raises(EmailTaken, match=r"twice@example\.org"):
            new_user(program, email="Twice@Example.org")
        assert (
            db.session.scalar(
                sa.select(sa.func.count(User.id)).where(
                    User.email == "twice@example.org"
                )
            )
            == 1
        )

    def test_a_weak_password_creates_nothing(self, program):
        with pytest.raises(WeakPassword):
            new_user(program, password="short")
        assert (
            db.session.scalar(
                sa.select(User).where(User.email == "new.person@example.org")
            )
            is None
        )
        assert not [
            e
            for e in events("user.created")
            if e.payload["email"] == "new.person@example.org"
        ]

    def test_an_audit_event_is_recorded(self, program, admin):
        user = new_user(program, created_by=admin)
        [event] = events("user.created", f"user:{user.id}")
        assert event.actor_id == admin.id
        assert event.actor == "admin@example.org"
        assert event.program_id == program.id
        assert event.payload == {
            "email": "new.person@example.org",
            "role": "trainee",
            "cohort_id": program.cohorts[0].id,
        }

    def test_the_audit_event_is_in_the_same_transaction_as_the_user(self, program):
        savepoint = db.session.begin_nested()
        user = new_user(program)
        subject = f"user:{user.id}"
        assert events(
            "user.created", subject
        )  # flushed with the user, before any commit
        savepoint.rollback()
        assert (
            db.session.scalar(
                sa.select(User).where(User.email == "new.person@example.org")
            )
            is None
        )
        assert events("user.created", subject) == []
