"""Accepting an invitation: the account is made from the invitation and signed in; used,
expired, withdrawn, replaced and tampered links get a page that says so."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.invitations.helpers import last_link
from trainer.audit.models import AuditEvent
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.invitations.services import InvitationError, invite, resend, revoke

NEW_PASSWORD = "quiet-river-lantern-47"


@pytest.fixture
def invite_trainee(program, director):
    def make(email="new.trainee@example.org", name="Nia New"):
        invitation = invite(
            program,
            email=email,
            name=name,
            role=Role.TRAINEE,
            cohort=program.cohorts[0],
            by=director,
        )
        return invitation, last_link("invitation", email)

    return make


def accept(client, link, name="Nia New", password=NEW_PASSWORD, confirm=None):
    return client.post(
        link, data={"name": name, "password": password, "confirm": confirm or password}
    )


def test_the_invitation_page_names_the_program_and_role(client, invite_trainee):
    _invitation, link = invite_trainee()
    page = client.get(link)
    assert page.status_code == 200
    assert "Join Test Program" in page.text
    assert "a trainee" in page.text
    assert "Cohort A" in page.text
    assert 'value="Nia New"' in page.text


def test_accepting_creates_the_account_from_the_invitation_and_signs_in(
    client, invite_trainee, program
):
    invitation, link = invite_trainee()
    response = accept(client, link, name="Nia Newcomer")
    assert response.status_code == 302
    user = db.session.scalar(
        sa.select(User).where(User.email == "new.trainee@example.org")
    )
    assert (user.name, user.role, user.program_id, user.cohort_id) == (
        "Nia Newcomer",
        Role.TRAINEE,
        program.id,
        program.cohorts[0].id,
    )
    assert invitation.accepted_at is not None
    assert invitation.user_id == user.id
    assert client.get("/progress").status_code == 200  # signed in as the trainee
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.program_id == program.id)
    ).all()
    assert "invitation.accepted" in actions


def test_a_supervisor_is_sent_to_set_up_the_second_factor(client, program, director):
    invite(
        program, email="sup@example.org", name="Sue", role=Role.SUPERVISOR, by=director
    )
    response = accept(client, last_link("invitation", "sup@example.org"), name="Sue")
    assert response.headers["Location"] == "/account/second-factor"


def test_a_used_link_gets_a_clear_page(client, invite_trainee, app):
    _invitation, link = invite_trainee()
    accept(client, link)
    fresh = app.test_client()
    page = fresh.get(link)
    assert page.status_code == 410
    assert "has been accepted" in page.text
    assert accept(fresh, link).status_code == 410


def test_an_expired_link_gets_a_clear_page(client, invite_trainee):
    invitation, link = invite_trainee()
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.flush()
    page = client.get(link)
    assert page.status_code == 410
    assert "expired" in page.text


def test_a_revoked_link_gets_a_clear_page(client, invite_trainee, director):
    invitation, link = invite_trainee()
    revoke(invitation, by=director)
    page = client.get(link)
    assert page.status_code == 410
    assert "withdrew" in page.text
    assert accept(client, link).status_code == 410
    assert (
        db.session.scalar(sa.select(User).where(User.email == invitation.email)) is None
    )


def test_resending_replaces_the_link_and_extends_it(client, invite_trainee, director):
    invitation, old = invitation_and_link = invite_trainee()
    invitation.expires_at = utcnow() + timedelta(hours=1)
    resend(invitation, by=director)
    new = last_link("invitation", invitation.email)
    assert new != old
    assert invitation.expires_at > utcnow() + timedelta(days=6)
    assert client.get(old).status_code == 410
    assert "replaced" in client.get(old).text
    assert client.get(new).status_code == 200
    del invitation_and_link


@pytest.mark.parametrize(
    "mangle",
    [
        lambda t: t[:-2],
        lambda t: t + "x",
        lambda t: "x" + t[1:],
        lambda t: "garbage",
        lambda t: "a" * 400,
    ],
)
def test_a_tampered_link_is_404_never_500(client, invite_trainee, mangle):
    _invitation, link = invite_trainee()
    token = link.rsplit("/", 1)[1]
    page = client.get(f"/invitations/{mangle(token)}")
    assert page.status_code == 404
    assert "does not work" in page.text


def test_a_weak_password_rerenders_with_what_was_typed(client, invite_trainee):
    _invitation, link = invite_trainee()
    page = accept(client, link, name="Nia Typed", password="password1234")
    assert page.status_code == 422
    assert 'value="Nia Typed"' in page.text
    assert "Error:" in page.text
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(User)
            .where(User.email == "new.trainee@example.org")
        )
        == 0
    )


def test_a_password_containing_the_address_is_refused(client, program, director):
    invite(
        program, email="zorblat.kwench@example.org", role=Role.SUPERVISOR, by=director
    )
    page = accept(client, last_link("invitation"), name="Z K", password="kwenchzorblat")
    assert page.status_code == 422


def test_passwords_that_differ_are_refused(client, invite_trainee):
    _invitation, link = invite_trainee()
    page = accept(client, link, confirm="another-phrase-entirely-9")
    assert page.status_code == 422
    assert "not the same" in page.text


def test_someone_signed_in_is_asked_to_sign_out_first(
    client, auth, trainee, invite_trainee
):
    _invitation, link = invite_trainee()
    auth.login(trainee)
    page = client.get(link)
    assert page.status_code == 409
    assert "Sign out" in page.text


class TestInvitationRules:
    def test_an_address_with_an_account_cannot_be_invited(
        self, program, director, trainee
    ):
        with pytest.raises(InvitationError, match="already has an account"):
            invite(
                program, email="TRAINEE@example.org", role=Role.SUPERVISOR, by=director
            )

    def test_an_address_already_invited_cannot_be_invited_twice(
        self, invite_trainee, program, director
    ):
        invite_trainee()
        with pytest.raises(InvitationError, match="already invited"):
            invite(
                program,
                email="new.trainee@example.org",
                role=Role.SUPERVISOR,
                by=director,
            )

    def test_a_trainee_needs_a_cohort_of_the_program(
        self, program, other_program, director
    ):
        with pytest.raises(InvitationError, match="cohort"):
            invite(program, email="a@example.org", role=Role.TRAINEE, by=director)
        with pytest.raises(InvitationError, match="not one of this program"):
            invite(
                program,
                email="a@example.org",
                role=Role.TRAINEE,
                cohort=other_program.cohorts[0],
                by=director,
            )

    def test_an_accepted_invitation_cannot_be_revoked_or_resent(
        self, client, invite_trainee, director
    ):
        invitation, link = invite_trainee()
        accept(client, link)
        with pytest.raises(InvitationError):
            revoke(invitation, by=director)
        with pytest.raises(InvitationError):
            resend(invitation, by=director)

    def test_each_change_is_one_audit_event(self, invite_trainee, director):
        invitation, _link = invite_trainee()
        resend(invitation, by=director)
        revoke(invitation, by=director)
        actions = db.session.scalars(
            sa.select(AuditEvent.action)
            .where(AuditEvent.subject == f"invitation:{invitation.id}")
            .order_by(AuditEvent.seq)
        ).all()
        assert actions == [
            "invitation.created",
            "invitation.resent",
            "invitation.revoked",
        ]


def test_the_invitation_mail_names_program_role_and_expiry(invite_trainee):
    from trainer.mail.models import MailMessage

    invitation, _ = invite_trainee()
    message = db.session.scalars(sa.select(MailMessage)).all()[-1]
    assert message.program_id == invitation.program_id
    assert "Test Program" in message.subject
    assert "as a trainee" in message.body
    assert PASSWORD not in message.body
