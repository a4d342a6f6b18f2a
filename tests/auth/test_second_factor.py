"""A second factor (TOTP, pyotp computes the codes here) for those who sign and administer:
enrolment with a QR code served by this site, sign-in with a code or a recovery code, the
electronic signature, the program-wide requirement and the admin's reset."""

from __future__ import annotations

import time

import pyotp
import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.factories.second_factor import enrol, fresh_code, pending_code
from tests.factories.supervision import draft_module
from tests.pagetools import check_page
from trainer.audit.models import AuditEvent
from trainer.auth.second_factor import (
    RecoveryCode,
    SecondFactor,
    enrolment,
    is_enrolled,
    second_factor_required,
    verify_second_factor,
)
from trainer.auth.sessions import UserSession
from trainer.core.extensions import db
from trainer.core.tokens import new_submission_token
from trainer.program.services import set_program_requirement
from trainer.record.models import DraftRating, SignOff
from trainer.supervision.signing import WrongCode, sign_period


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.seq)
        )
    )


def password_step(client, user, **extra):
    return client.post(
        "/login", data={"email": user.email, "password": PASSWORD, **extra}
    )


def signed_in(client) -> bool:
    return client.get("/modules").status_code == 200


class TestWhoNeedsIt:
    @pytest.mark.parametrize("role", ["supervisor", "director", "admin"])
    def test_signers_and_administrators_must_have_one(self, make_user, role):
        assert second_factor_required(make_user(role, enrolled=False))

    @pytest.mark.parametrize("role", ["trainee", "reviewer"])
    def test_it_is_optional_for_trainees_and_reviewers(self, make_user, role):
        assert not second_factor_required(make_user(role))

    def test_a_program_can_require_it_of_everyone(self, program, make_user):
        trainee = make_user("trainee")
        assert program.require_second_factor is False
        set_program_requirement(program, True, by=None)
        assert second_factor_required(trainee)
        [event] = events("program.second_factor_required")
        assert event.subject == f"program:{program.id}"
        set_program_requirement(program, False, by=None)
        assert not second_factor_required(trainee)
        assert len(events("program.second_factor_optional")) == 1

    def test_a_trainee_of_such_a_program_is_sent_to_enrol(
        self, client, auth, program, trainee
    ):
        set_program_requirement(program, True, by=None)
        response = auth.login(trainee)
        assert response.headers["Location"] == "/account/second-factor"
        assert client.get("/modules").headers["Location"] == "/account/second-factor"


class TestEnrolment:
    def test_a_supervisor_without_one_is_sent_to_enrol_before_anything_else(
        self, client, make_user
    ):
        supervisor = make_user("supervisor", enrolled=False)
        response = password_step(client, supervisor)
        assert response.headers["Location"] == "/account/second-factor"
        for page in ("/modules", "/supervision", "/progress", "/account"):
            response = client.get(page)
            assert response.status_code == 302, page
            assert response.headers["Location"] == "/account/second-factor"
        json = client.get("/modules", headers={"Accept": "application/json"})
        assert json.status_code == 403
        assert client.get("/account/second-factor").status_code == 200

    def test_the_page_shows_a_local_qr_code_and_the_key_as_text(
        self, client, auth, make_user
    ):
        supervisor = make_user("supervisor", enrolled=False)
        auth.login(supervisor)
        page = check_page(client.get("/account/second-factor").text)
        key = page.find("code", id="second-factor-key").text.strip()
        assert len(key) >= 32
        image = page.find("img", src="/account/second-factor/qr.svg")
        assert "QR code" in image.attrs["alt"]
        svg = client.get("/account/second-factor/qr.svg")
        assert svg.status_code == 200
        assert svg.mimetype == "image/svg+xml"
        assert svg.data.lstrip().startswith(b"<svg")
        assert b"<script" not in svg.data
        assert "img-src 'self'" in svg.headers["Content-Security-Policy"]

    def test_the_qr_code_needs_a_pending_enrolment(self, client, auth, trainee):
        auth.login(trainee)
        assert client.get("/account/second-factor/qr.svg").status_code == 404

    def test_a_wrong_first_code_enrols_nothing_and_is_recorded(
        self, client, auth, make_user
    ):
        supervisor = make_user("supervisor", enrolled=False)
        auth.login(supervisor)
        client.get("/account/second-factor")
        wrong = "000000" if pending_code(supervisor) != "000000" else "111111"
        response = client.post("/account/second-factor", data={"code": wrong})
        assert response.status_code == 422
        assert "That code is not right" in response.text
        assert not is_enrolled(supervisor)
        [event] = events("auth.second_factor_failed")
        assert event.payload["purpose"] == "enrolment"

    def test_the_right_code_enrols_and_shows_ten_recovery_codes_once(
        self, client, auth, make_user
    ):
        supervisor = make_user("supervisor", enrolled=False)
        auth.login(supervisor)
        page = check_page(client.get("/account/second-factor").text)
        key = page.find("code", id="second-factor-key").text.strip()
        response = client.post(
            "/account/second-factor", data={"code": pyotp.TOTP(key).now()}
        )
        assert response.status_code == 200
        codes = [
            li.text.strip()
            for li in check_page(response.text)
            .find("ul", aria_label="Recovery codes")
            .find_all("li")
        ]
        assert len(codes) == 10
        assert len(set(codes)) == 10
        assert is_enrolled(supervisor)
        stored = list(db.session.scalars(sa.select(RecoveryCode.code_hash)))
        assert len(stored) == 10
        assert not any(code.replace("-", "") in stored for code in codes)
        [event] = events("auth.second_factor_enrolled")
        assert event.payload == {"method": "totp", "recovery_codes": 10}
        # Shown once: the set-up page now sends the user to the account page.
        assert client.get("/account/second-factor").headers["Location"] == "/account"
        assert client.get("/modules").status_code == 200

    def test_a_trainee_may_enrol_and_is_then_asked_for_a_code(
        self, app, client, auth, trainee
    ):
        auth.login(trainee)
        assert client.get("/modules").status_code == 200, "optional for trainees"
        client.get("/account/second-factor")
        client.post("/account/second-factor", data={"code": pending_code(trainee)})
        assert is_enrolled(trainee)
        other = app.test_client()
        response = password_step(other, trainee)
        assert response.headers["Location"] == "/login/code"


class TestSignIn:
    def test_the_password_alone_does_not_sign_in(self, client, supervisor):
        response = password_step(client, supervisor)
        assert response.status_code == 302
        assert response.headers["Location"] == "/login/code"
        assert not signed_in(client)
        assert db.session.scalar(sa.select(sa.func.count(UserSession.id))) == 0

    def test_a_wrong_code_is_refused_and_recorded(self, client, supervisor):
        password_step(client, supervisor)
        right = fresh_code(supervisor)
        wrong = f"{(int(right) + 1) % 1_000_000:06d}"
        response = client.post("/login/code", data={"code": wrong})
        assert response.status_code == 401
        check_page(response.text)
        assert not signed_in(client)
        [event] = events("auth.second_factor_failed")
        assert event.payload == {"purpose": "sign-in"}

    def test_the_right_code_signs_in_and_is_recorded(self, client, supervisor):
        password_step(client, supervisor)
        response = client.post("/login/code", data={"code": fresh_code(supervisor)})
        assert response.status_code == 302
        assert signed_in(client)
        [event] = events("auth.second_factor_used")
        assert event.payload == {"purpose": "sign-in", "method": "totp"}

    def test_it_goes_on_to_the_page_asked_for(self, client, supervisor):
        client.post(
            "/login?next=/supervision",
            data={"email": supervisor.email, "password": PASSWORD},
        )
        response = client.post("/login/code", data={"code": fresh_code(supervisor)})
        assert response.headers["Location"] == "/supervision"

    def test_a_code_is_accepted_once(self, supervisor):
        code = fresh_code(supervisor)
        assert verify_second_factor(supervisor, code, purpose="sign-in")
        assert not verify_second_factor(supervisor, code, purpose="sign-in")

    def test_a_recovery_code_works_once(self, make_user):
        supervisor = make_user("supervisor", enrolled=False)
        codes = enrol(supervisor)
        assert verify_second_factor(supervisor, codes[0], purpose="sign-in")
        assert not verify_second_factor(supervisor, codes[0], purpose="sign-in")
        assert verify_second_factor(
            supervisor, codes[1].upper().replace("-", " "), purpose="sign-in"
        )
        used = events("auth.second_factor_used")
        assert used[-1].payload["method"] == "recovery-code"
        assert used[-1].payload["recovery_codes_left"] == 8

    def test_the_code_step_expires_after_five_minutes(self, client, supervisor):
        password_step(client, supervisor)
        with client.session_transaction() as session:
            pending = dict(session["_second_factor_pending"])
            pending["since"] = int(time.time()) - 301
            session["_second_factor_pending"] = pending
        response = client.post("/login/code", data={"code": fresh_code(supervisor)})
        assert response.headers["Location"] == "/login"
        assert not signed_in(client)

    def test_the_code_page_without_a_pending_sign_in_says_so(self, client):
        page = check_page(client.get("/login/code").text)
        assert "no sign-in waiting for a code" in page.text

    def test_guessing_codes_is_limited(self, app, client, supervisor, monkeypatch):
        monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "3 per minute")
        password_step(client, supervisor)
        statuses = [
            client.post("/login/code", data={"code": "000000"}).status_code
            for _ in range(4)
        ]
        assert statuses[-1] == 429


class TestSignature:
    def test_signing_needs_the_code_of_an_enrolled_signer(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        with pytest.raises(WrongCode):
            sign_period(
                supervisor,
                trainee,
                mid_year,
                password=PASSWORD,
                token=new_submission_token(),
                code="",
            )
        assert db.session.scalar(sa.select(sa.func.count(SignOff.id))) == 0
        assert db.session.scalar(sa.select(sa.func.count(DraftRating.id))) == len(
            module.meta.competencies
        )
        failed = events("supervision.signature_failed")
        assert failed[-1].payload["reason"] == "second factor"
        assert events("auth.second_factor_failed")[-1].payload == {
            "purpose": "signature"
        }
        _sign_off, created = sign_period(
            supervisor,
            trainee,
            mid_year,
            password=PASSWORD,
            token=new_submission_token(),
            code=fresh_code(supervisor),
        )
        assert created
        assert events("auth.second_factor_used")[-1].payload == {
            "purpose": "signature",
            "method": "totp",
        }

    def test_a_wrong_code_is_shown_under_the_code_field(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        from tests.pagetools import form_value

        draft_module(supervisor, trainee, mid_year, module)
        auth.login(supervisor)
        page = client.get(f"/supervision/trainees/{trainee.id}?period={mid_year.id}")
        assert 'name="code"' in page.text
        token = form_value(
            page.text, "token", action=f"/supervision/trainees/{trainee.id}/sign"
        )
        right = fresh_code(supervisor)
        response = client.post(
            f"/supervision/trainees/{trainee.id}/sign",
            data={
                "period": mid_year.id,
                "token": token,
                "password": PASSWORD,
                "attest": "y",
                "code": f"{(int(right) + 1) % 1_000_000:06d}",
            },
        )
        assert response.status_code == 422
        errors = check_page(response.text).find("div", id="code-errors").text
        assert "code from your authenticator app is not right" in errors
        assert db.session.scalar(sa.select(sa.func.count(SignOff.id))) == 0

    def test_a_signer_without_one_signs_with_the_password(
        self, make_user, trainee, mid_year, module
    ):
        from trainer.program.assignments import assign_supervisor

        supervisor = make_user("supervisor", enrolled=False)
        assign_supervisor(supervisor, trainee)
        draft_module(supervisor, trainee, mid_year, module)
        _sign_off, created = sign_period(
            supervisor,
            trainee,
            mid_year,
            password=PASSWORD,
            token=new_submission_token(),
        )
        assert created


class TestReset:
    def test_an_admin_resets_it_from_the_command_line(
        self, app, runner, client, auth, supervisor
    ):
        auth.login(supervisor)
        result = runner.invoke(
            args=[
                "reset-second-factor",
                "Supervisor@Example.org",
                "--reason",
                "lost phone",
            ]
        )
        assert result.exit_code == 0, result.output
        assert "removed" in result.output
        assert not is_enrolled(supervisor)
        assert not signed_in(client), "the sessions ended"
        [event] = events("auth.second_factor_reset")
        assert event.subject == f"user:{supervisor.id}"
        assert event.payload["reason"] == "lost phone"
        assert event.payload["revoked"] == 1
        # At the next sign-in, the supervisor enrols again.
        other = app.test_client()
        response = password_step(other, supervisor)
        assert response.headers["Location"] == "/account/second-factor"

    def test_an_unknown_address_is_an_error(self, runner):
        result = runner.invoke(args=["reset-second-factor", "nobody@example.org"])
        assert result.exit_code == 1
        assert "There is no account for nobody@example.org." in result.output
        assert events("auth.second_factor_reset") == []

    def test_old_recovery_codes_stop_working(self, runner, make_user):
        supervisor = make_user("supervisor", enrolled=False)
        codes = enrol(supervisor)
        runner.invoke(args=["reset-second-factor", supervisor.email])
        enrol(supervisor)
        assert not verify_second_factor(supervisor, codes[0], purpose="sign-in")
        assert db.session.scalar(sa.select(sa.func.count(SecondFactor.id))) == 2
        assert enrolment(supervisor).revoked_at is None
