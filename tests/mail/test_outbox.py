"""The outbox: mail commits with its action, is delivered through a real SMTP server after the
commit, and a failing server keeps it queued for retries."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.mail.conftest import free_port
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.mail.models import MailMessage, MailStatus
from trainer.mail.services import MAX_ATTEMPTS, queue_mail, send_queued, undelivered


def queue(program=None) -> MailMessage:
    message = queue_mail(
        "new.person@example.org",
        "Reset your password",
        "password_reset",
        kind="password-reset",
        program_id=program.id if program else None,
        name="New Person",
        link="http://trainer.test/password-reset/abc",
        expires="3 Dec 2026, 10:00 UTC",
    )
    db.session.commit()
    return message


def make_due(message: MailMessage) -> None:
    message.next_attempt_at = utcnow() - timedelta(seconds=1)
    db.session.commit()


def test_a_queued_message_is_delivered_through_a_real_smtp_server(smtp_server):
    message = queue()
    assert send_queued() == {"sent": 1, "retry": 0, "failed": 0}
    (envelope,) = smtp_server.messages
    assert envelope.rcpt_tos == ["new.person@example.org"]
    mail = message_from_bytes(envelope.content, policy=policy.default)
    assert mail["Subject"] == "Reset your password"
    assert mail["From"] == "Trainer <trainer@example.org>"
    assert "http://trainer.test/password-reset/abc" in mail.get_content()
    db.session.refresh(message)
    assert message.status is MailStatus.SENT
    assert message.body == ""  # it held a sign-in link


def test_a_sent_message_is_not_sent_again(smtp_server):
    queue()
    send_queued()
    assert send_queued() == {"sent": 0, "retry": 0, "failed": 0}
    assert len(smtp_server.messages) == 1


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_smtp_login_uses_the_configured_username_and_password(smtp_server_with_login):
    queue()
    assert send_queued()["sent"] == 1
    assert len(smtp_server_with_login.messages) == 1


def test_a_server_that_is_down_keeps_the_message_queued_with_a_retry_time(mail_config):
    mail_config(free_port())  # nothing listens there
    message = queue()
    assert send_queued() == {"sent": 0, "retry": 1, "failed": 0}
    db.session.refresh(message)
    assert message.status is MailStatus.QUEUED
    assert message.attempts == 1
    assert "ConnectionRefusedError" in message.last_error
    assert message.next_attempt_at > utcnow() + timedelta(seconds=30)
    assert message.body  # nothing lost
    assert send_queued() == {"sent": 0, "retry": 0, "failed": 0}  # not due yet


def test_a_refused_message_is_retried_once_the_server_accepts_it(smtp_server, runner):
    smtp_server.refuse = "451 Try again later"
    message = queue()
    assert send_queued()["retry"] == 1
    db.session.refresh(message)
    assert "451" in message.last_error
    smtp_server.refuse = None
    make_due(message)
    result = runner.invoke(args=["mail", "send-queued"])
    assert result.exit_code == 0, result.output
    assert "Sent 1" in result.output
    assert len(smtp_server.messages) == 1
    db.session.refresh(message)
    assert message.status is MailStatus.SENT
    assert message.attempts == 2


def test_the_command_exits_1_while_mail_is_undelivered(mail_config, runner):
    mail_config(free_port())
    queue()
    result = runner.invoke(args=["mail", "send-queued"])
    assert result.exit_code == 1
    assert "1 to retry later" in result.output


def test_after_every_retry_fails_the_message_is_marked_failed_and_listed(
    mail_config, program
):
    mail_config(free_port())
    message = queue(program)
    for _ in range(MAX_ATTEMPTS):
        make_due(message)
        send_queued()
    db.session.refresh(message)
    assert message.status is MailStatus.FAILED
    assert message.attempts == MAX_ATTEMPTS
    assert undelivered(program.id) == [message]
    assert undelivered() == [message]


def test_a_message_held_by_another_sender_is_not_sent_twice(smtp_server):
    message = queue()
    message.locked_until = utcnow() + timedelta(minutes=5)
    db.session.commit()
    assert send_queued() == {"sent": 0, "retry": 0, "failed": 0}
    assert smtp_server.messages == []


def test_mail_queued_by_an_action_that_rolls_back_is_never_sent(smtp_server):
    queue_mail(
        "x@example.org",
        "Subject",
        "password_reset",
        kind="password-reset",
        name="X",
        link="http://t/",
        expires="soon",
    )
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MailMessage)) == 0
    assert send_queued()["sent"] == 0


class TestWithoutAMailServer:
    @pytest.fixture(autouse=True)
    def own_outbox(self, app, monkeypatch, tmp_path):
        """Each test its own folder: message ids restart with every test's database, so a
        shared folder would hold another test's file with the same id."""
        monkeypatch.setitem(app.config, "MAIL_OUTBOX_PATH", str(tmp_path / "outbox"))

    def test_each_message_is_written_as_an_eml_file(self, app):
        assert not app.config.get("MAIL_SERVER")
        message = queue()
        assert send_queued()["sent"] == 1
        folder = Path(app.config["MAIL_OUTBOX_PATH"])
        (path,) = folder.glob(f"*-{message.id:06d}-password-reset.eml")
        mail = message_from_bytes(path.read_bytes(), policy=policy.default)
        assert mail["To"] == "new.person@example.org"
        assert "password-reset/abc" in mail.get_content()

    def test_the_development_outbox_lists_and_shows_it(self, app, client):
        message = queue()
        send_queued()
        page = client.get("/dev/outbox")
        assert page.status_code == 200
        assert "Reset your password" in page.text
        name = next(
            Path(app.config["MAIL_OUTBOX_PATH"]).glob(f"*-{message.id:06d}-*.eml")
        ).name
        shown = client.get(f"/dev/outbox/{name}")
        assert shown.status_code == 200
        assert '<a href="http://trainer.test/password-reset/abc">' in shown.text

    def test_the_outbox_writes_what_is_still_queued_before_listing(
        self, app, client, auth, director
    ):
        """The development server may never run the delivery after a response: the page
        delivers what is queued itself, so an invitation made a second before is listed."""
        auth.login(director)
        response = client.post(
            "/program/people/invite",
            data={"email": "sue@example.org", "name": "Sue", "role": "supervisor"},
        )  # not buffered: the test client never closes it, so nothing is delivered
        assert response.status_code == 302
        message = db.session.scalars(sa.select(MailMessage)).one()
        assert message.status is MailStatus.QUEUED
        page = client.get("/dev/outbox")
        assert page.status_code == 200
        assert "Your invitation to Test Program" in page.text
        assert "sue@example.org" in page.text
        db.session.refresh(message)
        assert message.status is MailStatus.SENT
        (path,) = Path(app.config["MAIL_OUTBOX_PATH"]).glob("*-invitation.eml")
        assert (
            "/invitations/"
            in message_from_bytes(
                path.read_bytes(), policy=policy.default
            ).get_content()
        )

    def test_with_a_mail_server_the_outbox_page_sends_nothing(
        self, app, client, mail_config
    ):
        mail_config(free_port())  # a server that is down: nothing may be tried
        message = queue()
        assert client.get("/dev/outbox").status_code == 200
        db.session.refresh(message)
        assert (message.status, message.attempts) == (MailStatus.QUEUED, 0)

    @pytest.mark.parametrize(
        "path", ["/dev/outbox", "/dev/outbox/20261202T170000-000001-invitation.eml"]
    )
    def test_the_outbox_is_404_outside_development(
        self, app, client, monkeypatch, path
    ):
        monkeypatch.setitem(app.config, "MAIL_DEV_OUTBOX", False)
        assert client.get(path).status_code == 404

    @pytest.mark.parametrize(
        "name", ["..%2F..%2Fetc%2Fpasswd", "x.eml", "nothing-here.txt"]
    )
    def test_odd_names_are_404(self, client, name):
        assert client.get(f"/dev/outbox/{name}").status_code == 404


def test_production_with_a_mail_server_needs_a_public_url(monkeypatch):
    from trainer import ConfigurationError, create_app

    with pytest.raises(ConfigurationError, match="PUBLIC_URL"):
        create_app(
            {
                "SECRET_KEY": "x" * 32,
                "SQLALCHEMY_DATABASE_URI": "sqlite://",
                "MAIL_SERVER": "smtp.example.org",
            }
        )
