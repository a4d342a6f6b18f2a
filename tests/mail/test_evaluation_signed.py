"""The trainee's e-mail when an evaluation is signed: queued with the signature, delivered
through a real SMTP server, never carrying what anyone typed, and not sent to a trainee who
turned it off."""

from __future__ import annotations

from email import message_from_bytes, policy

import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.factories.second_factor import fresh_code, signed_in_code
from tests.factories.supervision import draft, draft_module, sign
from tests.pagetools import form_value
from trainer.core.extensions import db
from trainer.core.tokens import new_submission_token
from trainer.mail.models import MailMessage, MailStatus
from trainer.mail.services import send_queued
from trainer.program.services import program_today
from trainer.record.models import Observation, SignedRating, SignOff
from trainer.supervision.corrections import correct_rating
from trainer.supervision.services import RatingInput

COMMENT = "Tracked the implied feeling well in the second half."


def messages(kind: str = "evaluation-signed") -> list[MailMessage]:
    return list(
        db.session.scalars(
            sa.select(MailMessage)
            .where(MailMessage.kind == kind)
            .order_by(MailMessage.id)
        )
    )


def draft_with_comments(supervisor, trainee, period, module, level=4):
    for competency in module.meta.competencies:
        draft(
            supervisor, trainee, period, module, competency.id, level, comment=COMMENT
        )


def delivered(inbox) -> tuple[object, str]:
    (envelope,) = inbox.messages
    mail = message_from_bytes(envelope.content, policy=policy.default)
    return envelope, mail


def test_signing_delivers_the_trainees_message_after_the_response(
    client, auth, smtp_server, supervisor, trainee, assigned, mid_year, module
):
    draft_with_comments(supervisor, trainee, mid_year, module)
    auth.login(supervisor)
    page = client.get(f"/supervision/trainees/{trainee.id}?period={mid_year.id}").text
    response = client.post(
        f"/supervision/trainees/{trainee.id}/sign",
        data={
            "period": mid_year.id,
            "token": form_value(
                page, "token", action=f"/supervision/trainees/{trainee.id}/sign"
            ),
            "password": PASSWORD,
            "attest": "y",
            "code": signed_in_code(client),
        },
        buffered=True,  # closed: delivery after the response runs
    )
    assert response.status_code == 302, response.text
    sign_off = db.session.scalar(sa.select(SignOff))
    envelope, mail = delivered(smtp_server)
    assert envelope.rcpt_tos == ["trainee@example.org"]
    assert mail["Subject"] == "Your evaluation for Mid-year was signed"
    body = mail.get_content()
    assert f"{supervisor.name} signed {len(module.meta.competencies)} ratings" in body
    assert "for Mid-year on" in body
    assert "CST" in body or "CDT" in body  # the program's time zone
    for competency in module.meta.competencies:
        assert f"{module.title}: {competency.statement} — 4 Competent" in body
    assert "I attest that I observed this practice" in body
    assert f"http://localhost/supervision/sign-offs/{sign_off.id}" in body
    assert COMMENT not in body  # nothing anyone typed
    [message] = messages()
    assert message.status is MailStatus.SENT
    assert message.program_id == trainee.program_id


def test_the_message_is_queued_in_the_signatures_transaction(
    supervisor, trainee, assigned, mid_year, module
):
    draft_module(supervisor, trainee, mid_year, module)
    savepoint = db.session.begin_nested()
    sign(supervisor, trainee, mid_year)
    assert len(messages()) == 1
    savepoint.rollback()  # the signature does not commit: neither does its mail
    assert messages() == []


def test_a_trainee_who_turned_it_off_gets_no_message(
    smtp_server, supervisor, trainee, assigned, mid_year, module
):
    trainee.has_sign_off_mail = False
    db.session.flush()
    draft_module(supervisor, trainee, mid_year, module)
    sign_off = sign(supervisor, trainee, mid_year)
    db.session.commit()
    assert sign_off.id is not None  # the signature itself is kept
    assert messages() == []
    assert send_queued()["sent"] == 0
    assert smtp_server.messages == []


def test_a_deactivated_trainee_gets_no_message(
    supervisor, trainee, assigned, mid_year, module
):
    draft_module(supervisor, trainee, mid_year, module)
    trainee.is_enabled = False
    db.session.flush()
    sign(supervisor, trainee, mid_year)
    assert messages() == []


def test_a_correction_sends_a_message_without_its_reason(
    smtp_server, supervisor, trainee, assigned, mid_year, module
):
    draft_module(supervisor, trainee, mid_year, module)
    sign(supervisor, trainee, mid_year)
    original = db.session.scalars(
        sa.select(SignedRating).order_by(SignedRating.id)
    ).first()
    reason = "Re-watched the recording of the second session."
    correct_rating(
        supervisor,
        trainee,
        original,
        RatingInput(
            level=2,
            comment="On reflection, less consistent.",
            observation=Observation.VIDEO_RECORDING,
            observed_on=program_today(supervisor),
        ),
        reason=reason,
        password=PASSWORD,
        token=new_submission_token(),
        today=program_today(supervisor),
        code=fresh_code(supervisor),
    )
    db.session.commit()
    _signed, correction = messages()
    send_queued([correction.id])
    _envelope, mail = delivered(smtp_server)
    body = mail.get_content()
    assert f"{supervisor.name} signed a corrected rating" in body
    assert "— 2 Emerging" in body
    assert reason not in body
    assert "On reflection" not in body


def test_a_trainee_who_turns_it_off_on_the_account_page_gets_no_message(
    client, auth, trainee, supervisor, assigned, mid_year, module
):
    auth.login(trainee)
    assert client.post("/account/mail", data={}).status_code == 302  # box unticked
    draft_module(supervisor, trainee, mid_year, module)
    sign(supervisor, trainee, mid_year)
    assert messages() == []
