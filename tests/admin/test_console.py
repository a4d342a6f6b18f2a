"""The admin console: programs and their directors, accounts, undelivered mail."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.invitations.helpers import last_link
from trainer.audit.models import AuditEvent
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.core.extensions import db
from trainer.invitations.models import Invitation
from trainer.invitations.services import invite
from trainer.program.models import Program

GOOD = {
    "name": "Riverside Counselling Program",
    "timezone": "Europe/London",
    "framework": "apa-2011",
    "director_email": "dora@example.org",
    "director_name": "Dora Director",
}


@pytest.fixture
def as_admin(auth, admin):
    auth.login(admin)
    return admin


def programs_named(name):
    return db.session.scalars(sa.select(Program).where(Program.name == name)).all()


def test_the_console_lists_programs_and_accounts(client, as_admin, program, director):
    page = client.get("/admin")
    assert page.status_code == 200
    assert "Test Program" in page.text
    assert "director@example.org" in page.text


def test_creating_a_program_invites_its_director(client, as_admin):
    response = client.post("/admin/programs", data=GOOD)
    assert response.status_code == 302
    (program,) = programs_named(GOOD["name"])
    assert (program.timezone, program.framework) == ("Europe/London", "apa-2011")
    invitation = db.session.scalars(sa.select(Invitation)).one()
    assert (invitation.email, invitation.role, invitation.program_id) == (
        "dora@example.org",
        Role.DIRECTOR,
        program.id,
    )
    assert last_link("invitation", "dora@example.org").startswith("/invitations/")
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.program_id == program.id)
    ).all()
    assert actions == ["program.created", "invitation.created"]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("timezone", "Mars/Olympus", "not a time zone"),
        ("framework", "apa-2019", "has no modules yet"),
        ("name", "", "Name the program"),
        ("director_email", "not-an-address", "Invalid email"),
    ],
)
def test_a_bad_program_is_refused_with_what_was_typed(
    client, as_admin, field, value, message
):
    page = client.post("/admin/programs", data={**GOOD, field: value})
    assert page.status_code == 422
    assert message.lower() in page.text.lower()
    for kept in ("Europe/London", "dora@example.org", "Dora Director"):
        if kept != GOOD[field]:
            assert kept in page.text
    assert programs_named(GOOD["name"]) == []


def test_a_duplicate_program_name_is_refused(client, as_admin, program):
    page = client.post("/admin/programs", data={**GOOD, "name": "Test Program"})
    assert page.status_code == 422
    assert "already exists" in page.text


def test_a_director_with_an_account_cannot_be_invited_again(client, as_admin, director):
    page = client.post(
        "/admin/programs", data={**GOOD, "director_email": "director@example.org"}
    )
    assert page.status_code == 422
    assert "already has an account" in page.text
    assert programs_named(GOOD["name"]) == []


def test_the_program_page_invites_more_directors_and_resends_and_revokes(
    client, as_admin, program
):
    assert client.get(f"/admin/programs/{program.id}").status_code == 200
    response = client.post(
        f"/admin/programs/{program.id}/directors",
        data={"director_email": "second@example.org", "director_name": "Second"},
    )
    assert response.status_code == 302
    invitation = db.session.scalars(sa.select(Invitation)).one()
    first = last_link("invitation")
    assert client.post(f"/admin/invitations/{invitation.id}/resend").status_code == 302
    assert last_link("invitation") != first
    assert client.post(f"/admin/invitations/{invitation.id}/revoke").status_code == 302
    assert invitation.revoked_at is not None


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/admin/programs/999999"),
        ("post", "/admin/programs/999999/directors"),
        ("post", "/admin/invitations/999999/resend"),
        ("post", "/admin/invitations/999999/revoke"),
        ("post", "/admin/users/999999/deactivate"),
        ("post", "/admin/users/999999/reactivate"),
    ],
)
def test_unknown_ids_are_404(client, as_admin, method, path):
    assert getattr(client, method)(path).status_code == 404


def test_a_trainee_invitation_is_not_the_admins_to_resend(
    client, as_admin, program, director
):
    invitation = invite(
        program,
        email="t@example.org",
        role=Role.TRAINEE,
        cohort=program.cohorts[0],
        by=director,
    )
    assert client.post(f"/admin/invitations/{invitation.id}/resend").status_code == 404


class TestDeactivation:
    def test_a_deactivated_account_cannot_sign_in_and_keeps_its_records(
        self, client, app, as_admin, trainee
    ):
        response = client.post(f"/admin/users/{trainee.id}/deactivate")
        assert response.status_code == 302
        assert trainee.is_enabled is False
        assert db.session.get(User, trainee.id) is not None
        refused = app.test_client().post(
            "/login", data={"email": trainee.email, "password": "correct-horse-battery"}
        )
        assert refused.status_code == 401

    def test_reactivating_lets_them_sign_in_again(self, client, app, as_admin, trainee):
        client.post(f"/admin/users/{trainee.id}/deactivate")
        assert client.post(f"/admin/users/{trainee.id}/reactivate").status_code == 302
        assert trainee.is_enabled is True
        from tests.conftest import AuthActions

        AuthActions(app.test_client()).login(trainee)

    def test_the_last_active_director_cannot_be_deactivated(
        self, client, as_admin, director
    ):
        response = client.post(
            f"/admin/users/{director.id}/deactivate", follow_redirects=True
        )
        assert "last active director" in response.text
        assert director.is_enabled is True

    def test_a_director_with_a_colleague_can_be_deactivated(
        self, client, as_admin, director, make_user
    ):
        make_user("director")
        client.post(f"/admin/users/{director.id}/deactivate")
        assert director.is_enabled is False

    def test_the_admin_cannot_deactivate_themself(self, client, as_admin):
        response = client.post(
            f"/admin/users/{as_admin.id}/deactivate", follow_redirects=True
        )
        assert "your own account" in response.text
        assert as_admin.is_enabled is True

    def test_each_change_is_an_audit_event(self, client, as_admin, trainee):
        client.post(f"/admin/users/{trainee.id}/deactivate")
        client.post(f"/admin/users/{trainee.id}/reactivate")
        actions = db.session.scalars(
            sa.select(AuditEvent.action)
            .where(
                AuditEvent.subject == f"user:{trainee.id}",
                AuditEvent.action.like("user.%"),
            )
            .order_by(AuditEvent.seq)
        ).all()
        assert actions == ["user.created", "user.deactivated", "user.reactivated"]


def test_undelivered_mail_is_listed_without_its_body(
    client, as_admin, program, director, mail_config
):
    from tests.mail.conftest import free_port
    from trainer.mail.services import send_queued

    mail_config(free_port())
    invite(program, email="late@example.org", role=Role.SUPERVISOR, by=director)
    db.session.commit()
    send_queued()
    page = client.get("/admin")
    assert "late@example.org" in page.text
    assert "ConnectionRefusedError" in page.text
    assert "/invitations/" not in page.text


@pytest.mark.parametrize("role", ["trainee", "supervisor", "director", "reviewer"])
def test_only_the_admin_reaches_the_console(client, auth, make_user, role):
    auth.login(make_user(role))
    assert client.get("/admin").status_code == 403
