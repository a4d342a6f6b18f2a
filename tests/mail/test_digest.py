"""The supervisor's daily digest (``flask --app app mail digest``): the new practice logs of
their own trainees only, without the logs' text, at most once a day, nothing when nothing is
new, an audit event per digest, and none for a supervisor who turned it off."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from tests.factories.supervision import log_practice
from trainer.audit.models import AuditEvent
from trainer.core.clock import long_date
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.program.assignments import assign_supervisor, end_assignment
from trainer.supervision import digest as digest_module
from trainer.supervision.digest import queue_digests
from trainer.supervision.models import PracticeDigest


@pytest.fixture(autouse=True)
def _no_settling(app, monkeypatch):
    """Logs made by the test a moment ago count as settled (one test restores the delay);
    links are built on PUBLIC_URL, as in production."""
    monkeypatch.setattr(digest_module, "SETTLE", timedelta(0))
    monkeypatch.setitem(app.config, "PUBLIC_URL", "https://trainer.example.org")


@pytest.fixture
def others(other_supervisor, other_trainee):
    """Another supervisor of the same program with a trainee of their own."""
    assign_supervisor(other_supervisor, other_trainee)
    return other_supervisor, other_trainee


def mails(inbox) -> dict[str, object]:
    """{recipient: parsed message} of what the SMTP server accepted."""
    found = {}
    for envelope in inbox.messages:
        (recipient,) = envelope.rcpt_tos
        found[recipient] = message_from_bytes(envelope.content, policy=policy.default)
    return found


def run(runner) -> str:
    result = runner.invoke(args=["mail", "digest"])
    assert result.exit_code == 0, result.output
    return result.output


def digest_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "mail.digest_queued")
            .order_by(AuditEvent.seq)
        )
    )


def test_each_supervisor_gets_the_new_logs_of_their_own_trainees_only(
    runner, smtp_server, supervisor, trainee, assigned, module, other_module, others
):
    other_supervisor, other_trainee = others
    log_practice(trainee, module)
    second = log_practice(trainee, other_module)
    log_practice(other_trainee, module)
    db.session.commit()
    output = run(runner)
    assert "Queued 2 digests; sent 2" in output
    received = mails(smtp_server)
    assert set(received) == {supervisor.email, other_supervisor.email}
    mine = received[supervisor.email]
    assert mine["Subject"] == "2 new practice logs from your trainees"
    body = mine.get_content()
    assert f"{trainee.name}: 2 new logs" in body
    competency = module.meta.competencies[0]
    assert f"  - {module.title}: {competency.statement} (practised " in body
    assert f"(practised {long_date(second.practised_on)})" in body
    assert other_trainee.name not in body
    assert "Reflected the feeling" not in body  # never the text of a log
    assert "loneliness" not in body
    assert "https://trainer.example.org/supervision" in body.splitlines()
    assert "https://trainer.example.org/account" in body
    theirs = received[other_supervisor.email].get_content()
    assert f"{other_trainee.name}: 1 new log" in theirs
    assert trainee.name not in theirs


def test_running_twice_in_a_day_sends_once_and_the_next_day_only_what_is_new(
    runner, smtp_server, supervisor, trainee, assigned, module
):
    log_practice(trainee, module)
    db.session.commit()
    assert "Queued 1 digest;" in run(runner)
    log_practice(trainee, module)  # after today's digest
    db.session.commit()
    assert "Queued 0 digests" in run(runner)
    assert len(smtp_server.messages) == 1
    [tomorrow] = queue_digests(now=utcnow() + timedelta(days=1))
    assert tomorrow.log_count == 1  # the log of yesterday's digest is not listed again
    [first, _] = db.session.scalars(
        sa.select(PracticeDigest).order_by(PracticeDigest.id)
    )
    assert tomorrow.covered_from == first.covered_until


def test_nothing_new_sends_nothing_and_records_nothing(
    runner, smtp_server, supervisor, trainee, assigned, module
):
    assert "Queued 0 digests; sent 0" in run(runner)
    assert smtp_server.messages == []
    assert db.session.scalar(sa.select(sa.func.count(PracticeDigest.id))) == 0
    assert digest_events() == []


def test_each_digest_is_an_audit_event(supervisor, trainee, assigned, module):
    log_practice(trainee, module)
    [digest] = queue_digests()
    [event] = digest_events()
    assert event.subject == f"user:{supervisor.id}"
    assert event.program_id == supervisor.program_id
    assert event.payload == {
        "digest_id": digest.id,
        "mail_id": digest.mail_message_id,
        "logs": 1,
        "trainees": 1,
    }


def test_a_supervisor_who_turned_it_off_gets_none(
    supervisor, trainee, assigned, module
):
    supervisor.has_digest_mail = False
    db.session.flush()
    log_practice(trainee, module)
    assert queue_digests() == []


def test_a_deactivated_supervisor_gets_none(supervisor, trainee, assigned, module):
    log_practice(trainee, module)
    supervisor.is_enabled = False
    db.session.flush()
    assert queue_digests() == []


def test_an_ended_assignment_ends_the_digest_of_that_trainee(
    supervisor, director, trainee, assigned, module
):
    log_practice(trainee, module)
    end_assignment(assigned, actor=director)
    assert queue_digests() == []


def test_a_log_of_the_last_minute_waits_for_the_next_digest(
    monkeypatch, supervisor, trainee, assigned, module
):
    monkeypatch.setattr(digest_module, "SETTLE", timedelta(minutes=1))
    log_practice(trainee, module)
    assert queue_digests() == []  # its transaction might still have been open
    [digest] = queue_digests(now=utcnow() + timedelta(minutes=2))
    assert digest.log_count == 1


def test_without_public_url_the_command_warns_that_its_links_are_bare_paths(
    app, monkeypatch, runner, supervisor, trainee, assigned, module
):
    monkeypatch.delitem(app.config, "PUBLIC_URL", raising=False)
    log_practice(trainee, module)
    db.session.commit()
    result = runner.invoke(args=["mail", "digest"])
    assert result.exit_code == 0, result.output
    assert "PUBLIC_URL is not set" in result.stderr
    assert "Queued 1 digest;" in result.stdout
