"""Sessions that end: sign-out, "sign out of every device", a password change and deactivation
end the session on the server, so a copied cookie or a remember-me token stops working."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, AuthActions
from tests.pagetools import check_page
from trainer.audit.models import AuditEvent
from trainer.auth.account import deactivate_user
from trainer.auth.services import check_password
from trainer.auth.sessions import MAX_REMEMBER, UserSession
from trainer.core.extensions import db
from trainer.core.models import utcnow

NEW_PASSWORD = "lantern orchard quietly"


def audit_actions() -> list[str]:
    return list(
        db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq))
    )


def signed_in(client) -> bool:
    return client.get("/progress").status_code == 200


def copy_of(app, client, name: str):
    """A new client holding only a copy of ``client``'s cookie ``name``."""
    cookie = client.get_cookie(name)
    assert cookie is not None, f"no {name} cookie"
    thief = app.test_client()
    thief.set_cookie(name, cookie.value)
    return thief


def remember_login(client, user):
    return AuthActions(client).login(user, remember="y")


class TestSignOut:
    def test_a_copied_session_cookie_stops_working_at_sign_out(
        self, app, client, auth, trainee
    ):
        auth.login(trainee)
        thief = copy_of(app, client, "session")
        assert signed_in(thief), "the copy works while the session is open"
        auth.logout()
        assert not signed_in(thief)
        assert thief.get("/progress").headers["Location"].startswith("/login")

    def test_sign_out_ends_the_server_side_session(self, client, auth, trainee):
        auth.login(trainee)
        auth.logout()
        [row] = db.session.scalars(sa.select(UserSession))
        assert row.ended_at is not None
        assert row.end_reason == "logout"

    def test_the_database_keeps_only_a_digest_of_the_token(self, client, auth, trainee):
        auth.login(trainee)
        with client.session_transaction() as session:
            _user_id, _, token = session["_user_id"].partition(":")
        [row] = db.session.scalars(sa.select(UserSession))
        assert token
        assert token not in row.token_hash
        assert len(row.token_hash) == 64


class TestRememberMe:
    def test_the_token_changes_at_every_sign_in(self, client, trainee):
        remember_login(client, trainee)
        first = client.get_cookie("remember_token").value
        AuthActions(client).logout()
        remember_login(client, trainee)
        second = client.get_cookie("remember_token").value
        assert first != second

    def test_the_token_alone_signs_in_until_sign_out(self, app, client, trainee):
        remember_login(client, trainee)
        thief = copy_of(app, client, "remember_token")
        assert signed_in(thief), "the token works while the session is open"
        AuthActions(client).logout()
        assert not signed_in(thief)

    def test_a_token_copied_before_sign_out_is_refused_afterwards(
        self, app, client, trainee
    ):
        remember_login(client, trainee)
        stolen = client.get_cookie("remember_token").value
        AuthActions(client).logout()
        thief = app.test_client()
        thief.set_cookie("remember_token", stolen)
        assert not signed_in(thief)

    def test_a_password_change_revokes_the_token(self, app, client, trainee):
        remember_login(client, trainee)
        stolen = client.get_cookie("remember_token").value
        other = app.test_client()
        AuthActions(other).login(trainee)
        response = other.post(
            "/account/password",
            data={
                "current_password": PASSWORD,
                "new_password": NEW_PASSWORD,
                "confirm": NEW_PASSWORD,
            },
        )
        assert response.status_code == 302
        thief = app.test_client()
        thief.set_cookie("remember_token", stolen)
        assert not signed_in(thief)
        assert not signed_in(client)
        assert signed_in(other), "the browser that changed the password stays signed in"

    def test_deactivation_revokes_the_token_for_good(self, app, client, trainee):
        remember_login(client, trainee)
        stolen = client.get_cookie("remember_token").value
        deactivate_user(trainee, by=None)
        thief = app.test_client()
        thief.set_cookie("remember_token", stolen)
        assert not signed_in(thief)
        trainee.is_enabled = True  # enabled again: the old token stays revoked
        db.session.flush()
        assert not signed_in(thief)
        assert "user.deactivated" in audit_actions()

    def test_it_lasts_thirty_days_at_most(self, app, client, trainee, monkeypatch):
        monkeypatch.setitem(app.config, "REMEMBER_COOKIE_DURATION", timedelta(days=365))
        before = utcnow()
        remember_login(client, trainee)
        cookie = client.get_cookie("remember_token")
        assert cookie.expires is not None
        assert cookie.expires.timestamp() <= (before + MAX_REMEMBER).timestamp() + 5
        [row] = db.session.scalars(sa.select(UserSession))
        assert row.remember
        assert row.expires_at <= utcnow() + MAX_REMEMBER

    def test_a_remembered_session_ends_after_thirty_days(self, app, client, trainee):
        remember_login(client, trainee)
        thief = copy_of(app, client, "remember_token")
        [row] = db.session.scalars(sa.select(UserSession))
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.flush()
        assert not signed_in(thief)


class TestEveryDevice:
    def test_sign_out_of_every_device_ends_every_session(self, app, client, trainee):
        AuthActions(client).login(trainee)
        laptop = app.test_client()
        remember_login(laptop, trainee)
        remembered = copy_of(app, laptop, "remember_token")
        page = check_page(client.get("/account").text)
        assert page.find("input", value="Sign out of every device")
        response = client.post("/account/sign-out-everywhere")
        assert response.status_code == 302
        assert response.headers["Location"] == "/login"
        assert not signed_in(client)
        assert not signed_in(laptop)
        assert not signed_in(remembered)
        assert "auth.logout_everywhere" in audit_actions()

    def test_the_account_page_needs_a_sign_in(self, client):
        response = client.get("/account")
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/login")

    def test_the_button_needs_a_csrf_token(self, client, auth, trainee):
        auth.login(trainee)
        assert (
            client.post("/account/sign-out-everywhere", csrf=False).status_code == 400
        )
        assert signed_in(client)


class TestCSRFRotation:
    def test_the_token_issued_before_sign_in_is_refused_after_it(
        self, client, auth, trainee
    ):
        client.get("/login")
        before = client.csrf_token()
        with client.session_transaction() as session:
            raw_before = session["csrf_token"]
        auth.login(trainee)
        with client.session_transaction() as session:
            assert session.get("csrf_token") != raw_before
        response = client.post("/logout", data={"csrf_token": before})
        assert response.status_code == 400
        assert signed_in(client)


class TestTimeouts:
    def test_a_session_idle_longer_than_the_limit_ends(
        self, app, client, auth, trainee, monkeypatch
    ):
        monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 30)
        auth.login(trainee)
        with client.session_transaction() as session:
            session["_seen"] = int(time.time()) - 29 * 60
        assert signed_in(client), "29 idle minutes are within the limit"
        with client.session_transaction() as session:
            session["_seen"] = int(time.time()) - 31 * 60
        assert not signed_in(client)

    def test_a_session_ends_at_the_absolute_limit(
        self, app, client, auth, trainee, monkeypatch
    ):
        monkeypatch.setitem(app.config, "SESSION_ABSOLUTE_HOURS", 2)
        auth.login(trainee)
        [row] = db.session.scalars(sa.select(UserSession))
        assert (
            timedelta(hours=2) - timedelta(minutes=1)
            <= row.expires_at - row.created_at
            <= timedelta(hours=2)
        )
        row.expires_at = utcnow() - timedelta(seconds=1)
        db.session.flush()
        assert not signed_in(client)

    def test_a_remembered_session_is_not_ended_by_idleness(
        self, app, client, trainee, monkeypatch
    ):
        monkeypatch.setitem(app.config, "SESSION_IDLE_MINUTES", 30)
        remember_login(client, trainee)
        with client.session_transaction() as session:
            session["_seen"] = int(time.time()) - 3 * 3600
        assert signed_in(client)

    @pytest.mark.parametrize(
        ("name", "value"), [("SESSION_IDLE_MINUTES", 60), ("SESSION_ABSOLUTE_HOURS", 8)]
    )
    def test_the_limits_have_documented_defaults(self, name, value):
        from trainer import ROOT
        from trainer.config import Defaults

        assert getattr(Defaults, name) == value
        readme = (ROOT / "README.md").read_text(encoding="utf-8")
        assert f"`{name}`" in readme


class TestPasswordChange:
    def change(self, client, current=PASSWORD, new=NEW_PASSWORD, confirm=None):
        return client.post(
            "/account/password",
            data={
                "current_password": current,
                "new_password": new,
                "confirm": confirm if confirm is not None else new,
            },
        )

    def test_a_wrong_current_password_changes_nothing_and_is_recorded(
        self, client, auth, trainee
    ):
        auth.login(trainee)
        response = self.change(client, current="not-my-password")
        assert response.status_code == 422
        page = check_page(response.text)
        assert (
            "current password is not right"
            in page.find("div", id="current_password-errors").text
        )
        assert check_password(trainee, PASSWORD)
        assert "auth.password_change_failed" in audit_actions()

    @pytest.mark.parametrize(
        "weak", ["123456789012", "aaaaaaaaaaaa", "passwordpass", " " * 12, "short"]
    )
    def test_a_weak_new_password_is_refused_with_advice(
        self, client, auth, trainee, weak
    ):
        auth.login(trainee)
        response = self.change(client, new=weak)
        assert response.status_code == 422
        errors = check_page(response.text).find("div", id="new_password-errors").text
        assert (
            "Use at least 12 characters" in errors
            or "easy to guess" in errors
            or ("similar to a commonly used password" in errors)
        )
        assert check_password(trainee, PASSWORD)

    def test_the_new_password_must_be_typed_twice_the_same(self, client, auth, trainee):
        auth.login(trainee)
        response = self.change(client, confirm=NEW_PASSWORD + "x")
        assert response.status_code == 422
        assert check_password(trainee, PASSWORD)

    def test_a_change_keeps_this_browser_and_ends_the_others(
        self, app, client, auth, trainee
    ):
        other = app.test_client()
        AuthActions(other).login(trainee)
        auth.login(trainee)
        response = self.change(client)
        assert response.status_code == 302
        assert response.headers["Location"] == "/account"
        assert check_password(trainee, NEW_PASSWORD)
        assert signed_in(client)
        assert not signed_in(other)
        assert "auth.password_changed" in audit_actions()
