"""Password reset by e-mail: the same answer whether or not the address has an account; a
single-use link that expires; the new password ends every other session."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import sqlalchemy as sa

from tests.invitations.helpers import last_link
from trainer.auth.sessions import open_sessions
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.invitations.models import PasswordReset
from trainer.mail.models import MailMessage

NEW_PASSWORD = "amber-kettle-orchard-93"


def ask(client, email, **kwargs):
    return client.post("/password-reset", data={"email": email}, **kwargs)


def count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_the_answer_is_the_same_whether_or_not_the_address_exists(client, trainee):
    known = ask(client, "trainee@example.org")
    unknown = ask(client, "nobody@example.org")
    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("trainee@example.org", "X") == unknown.text.replace(
        "nobody@example.org", "X"
    )
    assert count(MailMessage) == 1  # only for the account


def test_a_deactivated_account_gets_no_link(client, trainee):
    trainee.is_enabled = False
    db.session.flush()
    ask(client, "trainee@example.org")
    assert count(MailMessage) == 0


def test_the_link_is_delivered_through_smtp_after_the_response(
    client, trainee, smtp_server
):
    response = ask(
        client, "trainee@example.org", buffered=True
    )  # closed: after-close runs
    assert response.status_code == 200
    (envelope,) = smtp_server.messages
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert envelope.rcpt_tos == ["trainee@example.org"]
    assert "/password-reset/" in mail.get_content()


def test_the_link_sets_a_new_password_once_and_ends_other_sessions(
    client, app, trainee, auth
):
    other_device = app.test_client()
    from tests.conftest import AuthActions

    AuthActions(other_device).login(trainee)
    assert open_sessions(trainee) == 1
    ask(client, "trainee@example.org")
    link = last_link("password-reset")
    assert client.get(link).status_code == 200
    response = client.post(
        link, data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert open_sessions(trainee) == 0
    assert other_device.get("/progress").status_code == 302  # signed out there
    auth.login(trainee, password=NEW_PASSWORD)
    again = app.test_client().get(link)
    assert again.status_code == 410
    assert "no longer works" in again.text


def test_only_the_newest_link_works(client, trainee):
    ask(client, "trainee@example.org")
    first = last_link("password-reset")
    ask(client, "trainee@example.org")
    assert client.get(first).status_code == 410
    assert client.get(last_link("password-reset")).status_code == 200


def test_an_expired_link_gets_a_clear_page(client, trainee):
    ask(client, "trainee@example.org")
    reset = db.session.scalars(sa.select(PasswordReset)).one()
    reset.expires_at = utcnow() - timedelta(seconds=1)
    db.session.flush()
    page = client.get(last_link("password-reset"))
    assert page.status_code == 410
    assert "expired" in page.text


def test_a_tampered_link_is_404(client, trainee):
    ask(client, "trainee@example.org")
    link = last_link("password-reset")
    assert client.get(link[:-3]).status_code == 404
    assert (
        client.post(
            link[:-3], data={"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
        ).status_code
        == 404
    )


def test_a_weak_password_is_refused_and_the_link_still_works(client, trainee):
    ask(client, "trainee@example.org")
    link = last_link("password-reset")
    page = client.post(
        link, data={"password": "trainee12345", "confirm": "trainee12345"}
    )
    assert page.status_code == 422
    assert "Error:" in page.text
    assert client.get(link).status_code == 200


def test_an_invalid_address_rerenders_the_form(client):
    page = client.post("/password-reset", data={"email": "not an address"})
    assert page.status_code == 422
    assert 'value="not an address"' in page.text
