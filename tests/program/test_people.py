"""/program/people: the director's members and invitations."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from trainer.audit.models import AuditEvent
from trainer.auth.permissions import Role
from trainer.core.extensions import db
from trainer.invitations.models import Invitation
from trainer.invitations.services import invite


@pytest.fixture
def as_director(auth, director):
    auth.login(director)
    return director


def invitations():
    return db.session.scalars(sa.select(Invitation).order_by(Invitation.id)).all()


def test_the_page_lists_members_with_role_cohort_status_and_last_sign_in(
    client, as_director, trainee, supervisor
):
    trainee.is_enabled = False
    db.session.flush()
    page = client.get("/program/people")
    assert page.status_code == 200
    assert "tess trainee" in page.text.lower()
    assert "Cohort A" in page.text
    assert "deactivated" in page.text
    assert "never" in page.text  # the supervisor has not signed in


def test_inviting_one_person(client, as_director, program):
    response = client.post(
        "/program/people/invite",
        data={
            "email": "Ana@Example.org",
            "name": "Ana",
            "role": "trainee",
            "cohort": str(program.cohorts[0].id),
        },
    )
    assert response.status_code == 302
    (invitation,) = invitations()
    assert (invitation.email, invitation.role, invitation.cohort_id) == (
        "ana@example.org",
        Role.TRAINEE,
        program.cohorts[0].id,
    )
    page = client.get("/program/people")
    assert "ana@example.org" in page.text
    assert "invited until" in page.text


def test_a_trainee_without_a_cohort_is_refused_with_what_was_typed(client, as_director):
    page = client.post(
        "/program/people/invite",
        data={
            "email": "ana@example.org",
            "name": "Ana Typed",
            "role": "trainee",
            "cohort": "",
        },
    )
    assert page.status_code == 422
    assert "cohort" in page.text
    assert 'value="Ana Typed"' in page.text
    assert invitations() == []


CSV = """email,name,role,cohort
good.one@example.org,Good One,trainee,Cohort A
not-an-address,Bad Address,trainee,Cohort A
good.two@example.org,Good Two,supervisor,
x@example.org,Wrong Cohort,trainee,Cohort Q
y@example.org,Role Less,superhero,
good.one@example.org,Twice,trainee,Cohort A
z@example.org,,trainee,Cohort A
r@example.org,A Reviewer,reviewer,
"""


def test_a_csv_import_invites_the_good_rows_and_names_each_bad_line(
    client, as_director
):
    page = client.post("/program/people/import", data={"rows": CSV})
    assert page.status_code == 200
    assert [i.email for i in invitations()] == [
        "good.one@example.org",
        "good.two@example.org",
    ]
    for line, words in [
        (3, "not an e-mail address"),
        (5, "no cohort “Cohort Q”"),
        (6, "not a role"),
        (7, "appears twice"),
        (8, "name"),
        (9, "reviewer page"),
    ]:
        assert f"Line {line}: " in page.text
        assert words in page.text
    # the box keeps only the rows to correct
    assert "Bad Address" in page.text
    assert "Good Two" not in page.text.split("<textarea", 1)[1].split("</textarea>")[0]


def test_an_uploaded_csv_file_is_imported(client, as_director):
    data = {
        "upload": (
            io.BytesIO("\ufeffa@example.org,A Person,supervisor\n".encode()),
            "people.csv",
        ),
        "rows": "",
    }
    response = client.post(
        "/program/people/import", data=data, content_type="multipart/form-data"
    )
    assert response.status_code == 302
    assert [i.email for i in invitations()] == ["a@example.org"]


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        (b"\xff\xfe\x00b\x00i\x00n", "not UTF-8"),
        (b"a@example.org,A,trainee\x00", "NUL"),
        (b'"unclosed,quote\n' * 2, "Give at least"),
        (b"a@b.org,x,trainee,Cohort A\n" * 600, "more than 500 rows"),
        (b"x" * 500_000, "too large"),
    ],
)
def test_a_malformed_upload_is_refused_never_500(client, as_director, payload, message):
    data = {"upload": (io.BytesIO(payload), "people.csv"), "rows": ""}
    page = client.post(
        "/program/people/import", data=data, content_type="multipart/form-data"
    )
    assert page.status_code in (413, 422), page.status
    if page.status_code == 422:
        assert message in page.text
    assert invitations() == []


def test_an_empty_import_is_refused(client, as_director):
    page = client.post("/program/people/import", data={"rows": "  "})
    assert page.status_code == 422
    assert "at least one row" in page.text


def test_resend_and_revoke(client, as_director, program, director):
    invitation = invite(
        program, email="s@example.org", role=Role.SUPERVISOR, by=director
    )
    assert (
        client.post(f"/program/people/invitations/{invitation.id}/resend").status_code
        == 302
    )
    assert (
        client.post(f"/program/people/invitations/{invitation.id}/revoke").status_code
        == 302
    )
    assert invitation.revoked_at is not None
    client.get("/program/people")  # shows the flashed messages, which name the address
    assert "s@example.org" not in client.get("/program/people").text


def test_deactivate_and_reactivate_a_member(client, as_director, trainee):
    assert client.post(f"/program/people/{trainee.id}/deactivate").status_code == 302
    assert trainee.is_enabled is False
    assert client.post(f"/program/people/{trainee.id}/reactivate").status_code == 302
    assert trainee.is_enabled is True
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(
            AuditEvent.subject == f"user:{trainee.id}", AuditEvent.action.like("user.%")
        )
        .order_by(AuditEvent.seq)
    ).all()
    assert actions == ["user.created", "user.deactivated", "user.reactivated"]


def test_a_director_cannot_deactivate_themself(client, as_director):
    page = client.post(
        f"/program/people/{as_director.id}/deactivate", follow_redirects=True
    )
    assert "your own account" in page.text
    assert as_director.is_enabled is True


def test_a_director_can_deactivate_a_fellow_director(client, as_director, make_user):
    other = make_user("director")
    assert client.post(f"/program/people/{other.id}/deactivate").status_code == 302
    assert other.is_enabled is False
    assert as_director.is_enabled is True


class TestAnotherProgramsIdsAre404:
    @pytest.fixture
    def theirs(self, make_user, other_program, director):
        user = make_user("trainee", program_=other_program)
        invitation = invite(
            other_program, email="o@example.org", role=Role.SUPERVISOR, by=None
        )
        return user, invitation

    @pytest.mark.parametrize(
        "path",
        [
            "/program/people/invitations/{invitation}/resend",
            "/program/people/invitations/{invitation}/revoke",
            "/program/people/{user}/deactivate",
            "/program/people/{user}/reactivate",
        ],
    )
    def test_every_route_with_an_id(self, client, as_director, theirs, path):
        user, invitation = theirs
        response = client.post(path.format(user=user.id, invitation=invitation.id))
        assert response.status_code == 404
        assert user.is_enabled is True
        assert invitation.revoked_at is None

    def test_another_programs_members_are_not_listed(self, client, as_director, theirs):
        user, invitation = theirs
        page = client.get("/program/people")
        assert user.email not in page.text
        assert invitation.email not in page.text


@pytest.mark.parametrize("role", ["trainee", "supervisor", "reviewer", "admin"])
def test_only_directors_reach_people(client, auth, make_user, role):
    auth.login(make_user(role))
    assert client.get("/program/people").status_code == 403


class TestInvitationMail:
    def test_an_invitation_is_delivered_through_smtp_after_the_response(
        self, client, as_director, smtp_server
    ):
        response = client.post(
            "/program/people/invite",
            data={"email": "sue@example.org", "name": "Sue", "role": "supervisor"},
            buffered=True,  # the test client then closes the response: delivery runs
        )
        assert response.status_code == 302
        (envelope,) = smtp_server.messages
        assert envelope.rcpt_tos == ["sue@example.org"]
        assert b"/invitations/" in envelope.content

    def test_a_failing_mail_server_never_loses_the_invitation(
        self, client, as_director, mail_config
    ):
        from tests.mail.conftest import free_port
        from trainer.mail.models import MailMessage, MailStatus

        mail_config(free_port())
        response = client.post(
            "/program/people/invite",
            data={"email": "sue@example.org", "name": "Sue", "role": "supervisor"},
            buffered=True,
        )
        assert response.status_code == 302
        assert [i.email for i in invitations()] == ["sue@example.org"]
        message = db.session.scalars(sa.select(MailMessage)).one()
        assert message.status is MailStatus.QUEUED
        assert message.attempts == 1
        page = client.get("/program/people")
        assert "Mail not delivered" in page.text
        assert "ConnectionRefusedError" in page.text


def test_the_page_runs_a_fixed_number_of_queries(
    client, as_director, make_user, program, count_queries
):
    def queries() -> int:
        client.get("/program/people")  # warm: flashed messages, caches
        with count_queries() as statements:
            assert client.get("/program/people").status_code == 200
        return len(statements)

    make_user("trainee")
    invite(program, email="a0@example.org", role=Role.SUPERVISOR, by=as_director)
    few = queries()
    for n in range(1, 8):
        make_user("trainee")
        make_user("supervisor")
        invite(program, email=f"a{n}@example.org", role=Role.SUPERVISOR, by=as_director)
    assert queries() == few
