"""Reviewer access for a new person: the director invites an address without an account with
the grant's last day; the mail goes out through a real SMTP server; accepting makes a reviewer
who reads the program until that day and sees the end on every page."""

from __future__ import annotations

import re
from datetime import timedelta
from email import message_from_bytes, policy

import pytest
import sqlalchemy as sa

from tests.pagetools import check_page
from trainer.audit.models import AuditEvent
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.invitations.models import Invitation
from trainer.invitations.reviewers import invite_reviewer

NEW_PASSWORD = "quiet-river-lantern-47"


def actions() -> list[str]:
    return list(
        db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq))
    )


def invite_form(email="rae@accreditor.example", name="Rae Reviewer", days=30):
    until = (utcnow() + timedelta(days=days)).date()
    return {
        "invite-email": email,
        "invite-name": name,
        "invite-until": until.isoformat(),
    }, until


@pytest.fixture
def as_director(client, auth, director):
    auth.login(director)
    return client


def test_a_new_address_is_invited_accepts_and_reads_until_the_day(
    client,
    auth,
    as_director,
    smtp_server,
    program,
    trainee,
):
    data, until = invite_form()
    before = len(actions())
    response = client.post("/program/reviewers/invite", data=data, buffered=True)
    assert response.status_code == 302
    assert actions()[before:] == ["invitation.created"]
    invitation = db.session.scalars(sa.select(Invitation)).one()
    assert invitation.role is Role.REVIEWER
    assert invitation.access_expires_at.date() >= until - timedelta(days=1)
    page = client.get("/program/reviewers")
    check_page(page.text)
    assert "rae@accreditor.example" in page.text
    assert f"/program/reviewers/invitations/{invitation.id}/revoke" in page.text

    (envelope,) = smtp_server.messages
    assert envelope.rcpt_tos == ["rae@accreditor.example"]
    body = message_from_bytes(envelope.content, policy=policy.default).get_content()
    link = re.search(r"(/invitations/\S+)", body).group(1)
    auth.logout()
    response = client.post(
        link,
        data={
            "name": "Rae Reviewer",
            "password": NEW_PASSWORD,
            "confirm": NEW_PASSWORD,
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(sa.select(User).where(User.email == invitation.email))
    assert (user.role, user.program_id) == (Role.REVIEWER, program.id)
    assert user.access_expires_at == invitation.access_expires_at
    for url in ("/", "/program/records", f"/program/trainees/{trainee.id}", "/audit"):
        page = client.get(url, follow_redirects=True)
        assert page.status_code == 200, url
        assert "Read-only reviewer access" in page.text, url
        assert until.strftime("%d %b %Y") in page.text, url


def test_the_director_withdraws_a_reviewer_invitation(as_director, client, program):
    data, _until = invite_form()
    client.post("/program/reviewers/invite", data=data)
    invitation = db.session.scalars(sa.select(Invitation)).one()
    before = len(actions())
    response = client.post(f"/program/reviewers/invitations/{invitation.id}/revoke")
    assert response.status_code == 302
    assert invitation.revoked_at is not None
    assert actions()[before:] == ["invitation.revoked"]
    assert "No reviewer invitation is waiting" in client.get("/program/reviewers").text


@pytest.mark.parametrize(
    ("who", "message"),
    [
        ("outsider", "already has an account in another program"),
        ("trainee", "already a trainee of this program"),
        ("reviewer", "already a reviewer of this program"),
    ],
)
def test_an_address_with_an_account_is_a_form_error_with_the_input_kept(
    as_director, client, request, who, message
):
    user = request.getfixturevalue(who)
    data, until = invite_form(email=user.email.upper(), name="Someone Typed")
    before = len(actions())
    response = client.post("/program/reviewers/invite", data=data)
    assert response.status_code == 422
    check_page(response.text)
    assert message in response.text
    assert 'value="Someone Typed"' in response.text
    assert f'value="{until.isoformat()}"' in response.text
    assert actions()[before:] == []
    assert db.session.scalars(sa.select(Invitation)).all() == []


def test_a_past_day_and_a_missing_name_rerender_with_the_errors(as_director, client):
    data, _until = invite_form()
    data.update({"invite-until": "2000-01-01", "invite-name": ""})
    response = client.post("/program/reviewers/invite", data=data)
    assert response.status_code == 422
    assert "Enter the reviewer" in response.text
    data["invite-name"] = "Rae"
    response = client.post("/program/reviewers/invite", data=data)
    assert response.status_code == 422
    assert "from today on" in response.text
    assert 'value="2000-01-01"' in response.text
    assert 'value="rae@accreditor.example"' in response.text


def test_another_programs_reviewer_invitation_is_404(
    client, auth, make_user, other_program, program, director
):
    invitation = invite_reviewer(
        program,
        email="rae@accreditor.example",
        name="Rae",
        until=(utcnow() + timedelta(days=3)).date(),
        by=director,
    )
    db.session.commit()
    auth.login(make_user("director", program_=other_program))
    url = f"/program/reviewers/invitations/{invitation.id}/revoke"
    assert client.post(url).status_code == 404
    assert invitation.revoked_at is None


def test_a_trainee_invitation_is_not_withdrawn_from_the_reviewer_page(
    as_director, client, program, director
):
    from trainer.invitations.services import invite

    invitation = invite(
        program,
        email="nia@example.org",
        role=Role.TRAINEE,
        cohort=program.cohorts[0],
        by=director,
    )
    db.session.commit()
    url = f"/program/reviewers/invitations/{invitation.id}/revoke"
    assert client.post(url).status_code == 404
