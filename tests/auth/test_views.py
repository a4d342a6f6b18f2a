from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.pagetools import check_page, parse
from trainer.audit.models import AuditEvent
from trainer.core.extensions import db
from trainer.core.models import utcnow

FAILED_MESSAGE = "The e-mail address or password is not right."


def audit_events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.seq)
        )
    )


def sign_in(
    client,
    email: str,
    password: str,
    *,
    next_: str | None = None,
    address: str = "127.0.0.1",
):
    url = "/login" if next_ is None else f"/login?next={quote(next_, safe='')}"
    return client.post(
        url,
        data={"email": email, "password": password},
        environ_base={"REMOTE_ADDR": address},
    )


def password_error(html: str) -> str:
    return parse(html).find(id="password-errors").text


class TestSignIn:
    def test_get_shows_the_form(self, client):
        response = client.get("/login")
        assert response.status_code == 200
        page = check_page(response.text)
        assert page.find("input", name="email").attrs["type"] == "email"
        assert page.find("label", for_="password").text == "Password"

    def test_success_redirects_home_and_signs_in(self, client, trainee):
        response = sign_in(client, "trainee@example.org", PASSWORD)
        assert response.status_code == 302
        assert response.headers["Location"] == "/modules"
        page = client.get("/modules")
        assert page.status_code == 200
        assert "Signed in as Tess Trainee." in page.text

    def test_email_is_matched_whatever_its_case(self, client, trainee):
        response = sign_in(client, "  Trainee@Example.ORG ", PASSWORD)
        assert response.status_code == 302

    def test_success_is_audited(self, client, trainee):
        sign_in(client, "trainee@example.org", PASSWORD, address="192.0.2.7")
        [event] = audit_events("auth.login")
        assert event.actor_id == trainee.id
        assert event.subject == f"user:{trainee.id}"
        assert event.payload == {"address": "192.0.2.7"}
        assert audit_events("auth.login_failed") == []

    def test_a_signed_in_user_visiting_login_goes_home(self, client, auth, trainee):
        auth.login(trainee)
        response = client.get("/login")
        assert response.status_code == 302
        assert response.headers["Location"] == "/modules"

    def test_wrong_password_and_unknown_account_get_the_same_answer(
        self, client, trainee
    ):
        wrong = sign_in(client, "trainee@example.org", "not-the-password")
        unknown = sign_in(client, "nobody@example.org", "not-the-password")
        assert wrong.status_code == unknown.status_code == 401
        assert (
            password_error(wrong.text)
            == password_error(unknown.text)
            == f"Error: {FAILED_MESSAGE}"
        )
        assert "email-errors" not in wrong.text
        assert "email-errors" not in unknown.text

    def test_a_failed_sign_in_keeps_the_email_but_not_the_password(
        self, client, trainee
    ):
        response = sign_in(client, "trainee@example.org", "not-the-password")
        page = check_page(response.text)
        assert page.find("input", name="email").attrs["value"] == "trainee@example.org"
        assert page.find("input", name="password").attrs.get("value", "") == ""
        assert "not-the-password" not in response.text

    def test_failed_sign_ins_are_audited(self, client, trainee):
        sign_in(client, "trainee@example.org", "not-the-password", address="192.0.2.8")
        sign_in(client, "Nobody@Example.org", "not-the-password", address="192.0.2.9")
        known, unknown = audit_events("auth.login_failed")
        assert known.actor_id == trainee.id
        assert known.subject == f"user:{trainee.id}"
        assert known.payload == {
            "email": "trainee@example.org",
            "address": "192.0.2.8",
            "reason": "credentials",
        }
        assert unknown.actor_id is None
        assert unknown.subject == ""
        assert unknown.payload == {
            "email": "nobody@example.org",
            "address": "192.0.2.9",
            "reason": "credentials",
        }
        assert audit_events("auth.login") == []

    def test_an_invalid_form_rerenders_with_messages(self, client):
        response = client.post("/login", data={"email": "not-an-email", "password": ""})
        assert response.status_code == 200
        page = check_page(response.text)
        assert page.find("input", name="email").attrs["aria-invalid"] == "true"
        assert page.find("input", name="email").attrs["value"] == "not-an-email"
        assert page.find("input", name="password").attrs["aria-invalid"] == "true"

    def test_a_disabled_user_cannot_sign_in(self, client, trainee):
        trainee.is_enabled = False
        db.session.flush()
        response = sign_in(client, "trainee@example.org", PASSWORD)
        assert response.status_code == 401
        assert password_error(response.text) == f"Error: {FAILED_MESSAGE}"
        [event] = audit_events("auth.login_failed")
        assert event.payload["reason"] == "inactive"
        assert client.get("/modules").status_code == 302

    def test_a_reviewer_whose_access_expired_cannot_sign_in(self, client, reviewer):
        reviewer.access_expires_at = utcnow() - timedelta(minutes=1)
        db.session.flush()
        response = sign_in(client, "reviewer@example.org", PASSWORD)
        assert response.status_code == 401
        assert password_error(response.text) == f"Error: {FAILED_MESSAGE}"
        assert audit_events("auth.login") == []

    def test_a_reviewer_within_their_access_can_sign_in(self, client, reviewer):
        assert sign_in(client, "reviewer@example.org", PASSWORD).status_code == 302

    def test_a_user_disabled_while_signed_in_is_signed_out(self, client, auth, trainee):
        auth.login(trainee)
        trainee.is_enabled = False
        db.session.flush()
        response = client.get("/modules")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")


class TestNext:
    @pytest.mark.parametrize("target", ["/progress", "/modules/empathy?tab=1"])
    def test_a_relative_next_is_followed(self, client, trainee, target):
        response = sign_in(
            client,
            "trainee@example.org",
            PASSWORD,
            next_=target,
        )
        assert response.headers["Location"] == target

    @pytest.mark.parametrize(
        "target",
        [
            "https://evil.example/phish",
            "http://evil.example",
            "//evil.example/phish",
            "///evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "javascript:alert(1)",
            "evil.example",
            "https:/evil.example",
        ],
    )
    def test_anything_but_a_relative_path_is_ignored(self, client, trainee, target):
        response = sign_in(client, "trainee@example.org", PASSWORD, next_=target)
        assert response.status_code == 302
        assert response.headers["Location"] == "/modules"

    def test_anonymous_request_comes_back_after_sign_in(self, client, trainee):
        login_url = client.get("/progress").headers["Location"]
        assert login_url == "/login?next=/progress"
        response = client.post(
            login_url, data={"email": "trainee@example.org", "password": PASSWORD}
        )
        assert response.headers["Location"] == "/progress"


class TestRateLimits:
    def test_per_account_limit_answers_429_at_the_guessing_address(
        self, app, client, trainee, monkeypatch
    ):
        # Issue 14: the limit is per account and address, so that someone guessing from
        # elsewhere cannot lock the owner out (tests/core/test_hardening.py).
        monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "3 per minute")
        for _ in range(3):
            assert (
                sign_in(
                    client,
                    "trainee@example.org",
                    "wrong-password",
                    address="192.0.2.1",
                ).status_code
                == 401
            )
        response = sign_in(client, "Trainee@example.org", PASSWORD, address="192.0.2.1")
        assert response.status_code == 429
        page = check_page(response.text)
        assert page.find("h1").text.startswith("Too many attempts")
        assert "Traceback" not in response.text
        # the right password did not get through, and another account is not affected
        assert audit_events("auth.login") == []
        assert client.get("/modules").status_code == 302

    def test_per_account_limit_does_not_block_other_accounts(
        self, app, client, trainee, supervisor, monkeypatch
    ):
        monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ACCOUNT", "2 per minute")
        for _ in range(2):
            sign_in(
                client, "trainee@example.org", "wrong-password", address="192.0.2.1"
            )
        assert (
            sign_in(
                client, "trainee@example.org", PASSWORD, address="192.0.2.1"
            ).status_code
            == 429
        )
        assert (
            sign_in(
                client, "supervisor@example.org", PASSWORD, address="192.0.2.1"
            ).status_code
            == 302
        )

    def test_per_address_limit_answers_429_for_any_account(
        self, app, client, trainee, monkeypatch
    ):
        monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "3 per minute")
        for n in range(3):
            assert (
                sign_in(
                    client,
                    f"someone{n}@example.org",
                    "wrong-password",
                    address="203.0.113.5",
                ).status_code
                == 401
            )
        response = sign_in(
            client, "trainee@example.org", PASSWORD, address="203.0.113.5"
        )
        assert response.status_code == 429
        assert "Too many attempts" in response.text
        assert (
            sign_in(
                client, "trainee@example.org", PASSWORD, address="203.0.113.6"
            ).status_code
            == 302
        )

    def test_the_default_limits_allow_a_few_mistakes(self, client, trainee):
        for _ in range(4):
            assert (
                sign_in(client, "trainee@example.org", "wrong-password").status_code
                == 401
            )
        assert sign_in(client, "trainee@example.org", PASSWORD).status_code == 302

    def test_viewing_the_form_is_not_limited(self, app, client, monkeypatch):
        monkeypatch.setitem(app.config, "LOGIN_LIMIT_PER_ADDRESS", "1 per minute")
        for _ in range(3):
            assert client.get("/login").status_code == 200


class TestCSRF:
    def test_a_sign_in_without_a_token_is_rejected(self, client, trainee):
        response = client.post(
            "/login",
            data={"email": "trainee@example.org", "password": PASSWORD},
            csrf=False,
        )
        assert response.status_code == 400
        check_page(response.text)
        assert "The form expired" in response.text
        assert audit_events("auth.login") == []

    def test_a_sign_in_with_a_forged_token_is_rejected(self, client, trainee):
        data = {
            "email": "trainee@example.org",
            "password": PASSWORD,
            "csrf_token": "forged",
        }
        assert client.post("/login", data=data).status_code == 400

    def test_a_sign_out_without_a_token_is_rejected(self, client, auth, trainee):
        auth.login(trainee)
        assert client.post("/logout", csrf=False).status_code == 400
        assert client.get("/modules").status_code == 200


class TestSignOut:
    def test_get_is_not_allowed(self, client, auth, trainee):
        auth.login(trainee)
        response = client.get("/logout")
        assert response.status_code == 405
        assert client.get("/modules").status_code == 200

    def test_post_signs_out_and_is_audited(self, client, auth, trainee):
        auth.login(trainee)
        response = auth.logout()
        assert response.status_code == 302
        assert response.headers["Location"] == "/login"
        [event] = audit_events("auth.logout")
        assert event.actor_id == trainee.id
        assert event.subject == f"user:{trainee.id}"
        assert client.get("/modules").status_code == 302
        assert "You are signed out." in client.get("/login").text

    def test_every_page_offers_sign_out_as_a_form(self, client, auth, trainee):
        auth.login(trainee)
        page = check_page(client.get("/modules").text)
        form = page.find("form", action="/logout")
        assert form.attrs["method"] == "post"
        assert form.find("input", name="csrf_token").attrs["value"]
