"""Second factors for test personas, enrolled through the real services, and codes for them."""

from __future__ import annotations

from trainer.auth.second_factor import (
    confirm_enrolment,
    enrolment,
    pending_enrolment,
    start_enrolment,
)
from trainer.core.extensions import db


def enrol(user) -> list[str]:
    """Enrol ``user`` as the /account page would; returns the ten recovery codes."""
    factor = start_enrolment(user)
    return confirm_enrolment(user, factor.totp().now())


def pending_code(user) -> str:
    """The current code of the user's pending (unconfirmed) secret."""
    return pending_enrolment(user).totp().now()


def fresh_code(user) -> str:
    """A code the user's app shows, as if a new 30-second step had begun since the last code
    was used (a code is accepted once: RFC 6238 section 5.2)."""
    factor = enrolment(user)
    factor.last_used_step = None
    db.session.flush()
    return factor.totp().now()


def signed_in_code(client) -> str:
    """A fresh code of the user signed in on ``client`` (for the signature forms)."""
    from trainer.auth.models import User

    with client.session_transaction() as session:
        user_id = str(session["_user_id"]).partition(":")[0]
    return fresh_code(db.session.get(User, int(user_id)))
