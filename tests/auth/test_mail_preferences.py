"""The "E-mail notifications" section of /account: each role sees the optional e-mails it gets,
a change is saved with one audit event each, a form that cannot be stored is shown again with
its error and what was sent, and CSRF is checked. Invitations and resets are not optional."""

from __future__ import annotations

import sqlalchemy as sa

from tests.pagetools import check_page
from trainer.audit.models import AuditEvent
from trainer.core.extensions import db

ALWAYS_SENT = "Invitations and password-reset links are always sent"


def preference_events() -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == "auth.mail_preference_changed")
            .order_by(AuditEvent.seq)
        )
    )


def checked(section, name: str) -> bool:
    return "checked" in section.find("input", name=name).attrs


def mail_section(client):
    page = check_page(client.get("/account").text)
    return page.find("section", aria_labelledby="mail-heading")


class TestWhatEachRoleSees:
    def test_a_supervisor_sees_the_digest_only(self, client, auth, supervisor):
        auth.login(supervisor)
        section = mail_section(client)
        assert checked(section, "practice_digest")
        assert section.find_all("input", name="sign_off_mail") == []
        assert "Daily digest of new practice logs" in section.text
        assert ALWAYS_SENT in section.text

    def test_a_trainee_sees_the_sign_off_mail_only(self, client, auth, trainee):
        auth.login(trainee)
        section = mail_section(client)
        assert checked(section, "sign_off_mail")
        assert section.find_all("input", name="practice_digest") == []

    def test_a_director_is_told_there_is_nothing_to_turn_off(
        self, client, auth, director
    ):
        auth.login(director)
        section = mail_section(client)
        assert section.find_all("form") == []
        assert "Your role gets no optional e-mail." in section.text
        assert ALWAYS_SENT in section.text


class TestSaving:
    def test_turning_it_off_and_on_is_saved_with_an_audit_event_each(
        self, client, auth, trainee
    ):
        auth.login(trainee)
        response = client.post("/account/mail", data={})  # box unticked
        assert response.status_code == 302
        assert response.headers["Location"] == "/account"
        db.session.refresh(trainee)
        assert trainee.has_sign_off_mail is False
        assert "Your e-mail settings are saved." in client.get("/account").text
        assert not checked(mail_section(client), "sign_off_mail")
        client.post("/account/mail", data={"sign_off_mail": "y"})
        db.session.refresh(trainee)
        assert trainee.has_sign_off_mail is True
        off, on = preference_events()
        assert (off.subject, off.payload) == (
            f"user:{trainee.id}",
            {"mail": "sign_off_mail", "on": False},
        )
        assert on.payload == {"mail": "sign_off_mail", "on": True}
        assert off.actor_id == on.actor_id == trainee.id

    def test_saving_without_a_change_records_nothing(self, client, auth, supervisor):
        auth.login(supervisor)
        client.post("/account/mail", data={"practice_digest": "y"})
        assert preference_events() == []
        assert "Nothing changed." in client.get("/account").text

    def test_a_choice_the_role_does_not_have_is_ignored(self, client, auth, trainee):
        auth.login(trainee)
        client.post("/account/mail", data={"sign_off_mail": "y"})  # digest unticked
        db.session.refresh(trainee)
        assert trainee.has_digest_mail is True
        assert preference_events() == []

    def test_a_form_that_cannot_be_stored_is_shown_again_with_its_error(
        self, client, auth, trainee
    ):
        auth.login(trainee)
        trainee.has_sign_off_mail = False
        db.session.commit()
        response = client.post("/account/mail", data={"sign_off_mail": "y\x00"})
        assert response.status_code == 422
        section = check_page(response.text).find(
            "section", aria_labelledby="mail-heading"
        )
        box = section.find("input", name="sign_off_mail")
        assert "checked" in box.attrs  # what was sent, not what is stored
        assert box.attrs["aria-invalid"] == "true"
        assert "cannot be stored (NUL)" in section.find(id="sign_off_mail-errors").text
        db.session.refresh(trainee)
        assert trainee.has_sign_off_mail is False
        assert preference_events() == []

    def test_a_post_without_the_csrf_token_is_refused(self, client, auth, trainee):
        auth.login(trainee)
        response = client.post("/account/mail", data={}, csrf=False)
        assert response.status_code == 400
        db.session.refresh(trainee)
        assert trainee.has_sign_off_mail is True
        assert preference_events() == []

    def test_it_needs_a_sign_in(self, client):
        response = client.post("/account/mail", data={})
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")

    def test_get_is_not_allowed(self, client, auth, trainee):
        auth.login(trainee)
        assert client.get("/account/mail").status_code == 405
