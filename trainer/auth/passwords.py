"""The password policy: one function, used wherever a person chooses a password (create-admin,
the password change on /account, and later invitations and resets).

A password must have at least 12 characters and zxcvbn must not rate it weak (score below 3
of 4): that refuses common passwords, keyboard runs, repeats and dates, and the message says
why, in zxcvbn's own words.
"""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import ValidationError
from zxcvbn import zxcvbn

MIN_PASSWORD_LENGTH = 12
#: zxcvbn's 0-4 scale; 3 is "safely unguessable: moderate protection from offline attacks"
MIN_STRENGTH = 3
#: zxcvbn refuses more than 72 characters (its time grows with the length); the forms cap
#: passwords at 1024, and only this many are rated (a longer password is not weaker for it)
RATED_PREFIX = 72


class PasswordPolicyError(ValueError):
    """The password breaks the policy; the message says how to choose a better one."""


def password_problem(password: str, *, user_inputs: Iterable[str] = ()) -> str | None:
    """Why ``password`` is refused, as a sentence for the person choosing it; None if it is
    acceptable. ``user_inputs`` (e-mail address, name) count as easy to guess."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return (
            f"Use at least {MIN_PASSWORD_LENGTH} characters. "
            "A phrase of a few unrelated words is long and easy to remember."
        )
    inputs = [part for value in user_inputs if value for part in _parts(value)]
    result = zxcvbn(password[:RATED_PREFIX], user_inputs=inputs)
    if result["score"] >= MIN_STRENGTH:
        return None
    feedback = result.get("feedback") or {}
    sentences = [feedback.get("warning") or "This password is easy to guess."]
    sentences += feedback.get("suggestions") or []
    sentences.append("Try a longer phrase of unrelated words.")
    return " ".join(_sentence(text) for text in sentences if text)


def check_password_policy(password: str, *, user_inputs: Iterable[str] = ()) -> None:
    """Raise PasswordPolicyError (with a helpful message) unless the password is acceptable."""
    problem = password_problem(password, user_inputs=user_inputs)
    if problem is not None:
        raise PasswordPolicyError(problem)


class StrongPassword:
    """WTForms validator applying the policy; the form's ``email`` and ``name`` fields (or
    ``user_inputs``) count as easy to guess."""

    def __init__(self, user_inputs: Iterable[str] = ()):
        self.user_inputs = tuple(user_inputs)

    def __call__(self, form, field) -> None:
        inputs = list(self.user_inputs)
        for name in ("email", "name"):
            if name in form and form[name].data:
                inputs.append(form[name].data)
        problem = password_problem(field.data or "", user_inputs=inputs)
        if problem is not None:
            raise ValidationError(problem)


def _parts(value: str) -> list[str]:
    value = value.lower()
    return [value, *value.replace("@", " ").replace(".", " ").split()]


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
