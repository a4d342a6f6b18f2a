"""The password policy: at least 12 characters and not rated weak by zxcvbn; one function
used by create-admin and by every form that sets a password."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from trainer.auth.models import User
from trainer.auth.passwords import (
    PasswordPolicyError,
    check_password_policy,
    password_problem,
)
from trainer.core.extensions import db

REFUSED = ["123456789012", "aaaaaaaaaaaa", "passwordpass", " " * 12]


@pytest.mark.parametrize("password", REFUSED)
def test_common_and_repetitive_passwords_are_refused_with_advice(password):
    with pytest.raises(PasswordPolicyError) as refused:
        check_password_policy(password)
    message = str(refused.value)
    assert any(
        hint in message
        for hint in ("similar to a commonly used password", "Repeats like")
    ), message
    assert "Try a longer phrase of unrelated words." in message
    assert message.endswith(".")


def test_a_short_password_is_refused_before_it_is_rated():
    assert password_problem("Xq7#pL2!v").startswith("Use at least 12 characters.")


def test_a_long_phrase_of_unrelated_words_is_accepted():
    assert password_problem("lantern orchard quietly") is None


def test_the_users_own_name_and_address_count_as_easy_to_guess():
    assert password_problem("sam supervisor 2026") is None
    assert (
        password_problem(
            "sam supervisor 2026",
            user_inputs=("sam.supervisor@example.org", "Sam Supervisor"),
        )
        is not None
    )


def test_a_very_long_password_is_rated_quickly():
    import time

    started = time.perf_counter()
    password_problem("x1y2" * 256)
    assert time.perf_counter() - started < 1.0


@pytest.mark.parametrize("password", REFUSED)
def test_create_admin_refuses_weak_passwords(runner, password):
    result = runner.invoke(
        args=["create-admin"],
        input=f"ada@example.org\nAda Admin\n{password}\n{password}\n",
    )
    assert result.exit_code == 1
    assert "Error:" in result.output
    assert "Try a longer phrase of unrelated words." in result.output
    assert (
        db.session.scalar(sa.select(User).where(User.email == "ada@example.org"))
        is None
    )
