from __future__ import annotations

import logging
from pathlib import PurePosixPath

import pytest
import sqlalchemy as sa
from jinja2 import nodes
from sqlalchemy.orm import scoped_session, sessionmaker

from tests.pagetools import check_page
from tests.test_access import routes
from trainer.auth.permissions import Role
from trainer.core.access import public
from trainer.core.extensions import db
from trainer.program.models import Program

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def assert_security_headers(response) -> None:
    headers = response.headers
    assert headers["Content-Security-Policy"] == CSP
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Frame-Options"] == "DENY"


class TestHealthz:
    def test_answers_ok_as_plain_text(self, client):
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response.text == "ok"
        assert response.mimetype == "text/plain"

    def test_issues_no_sql_and_sets_no_cookie(self, client, count_queries):
        with count_queries() as queries:
            response = client.get("/healthz")
        assert queries == []
        assert "Set-Cookie" not in response.headers

    def test_does_not_load_a_signed_in_user_or_touch_the_session(
        self, client, auth, trainee, count_queries
    ):
        auth.login(trainee)
        with count_queries() as queries:
            response = client.get("/healthz")
        assert response.text == "ok"
        assert queries == []
        assert "Set-Cookie" not in response.headers

    def test_carries_the_security_headers(self, client):
        assert_security_headers(client.get("/healthz"))


class TestReadyz:
    def test_answers_ready_while_the_database_answers(self, client):
        response = client.get("/readyz")
        assert response.status_code == 200
        assert response.text == "ready"
        assert "Set-Cookie" not in response.headers

    def test_answers_503_while_the_database_is_unreachable(
        self, app, client, tmp_path, monkeypatch
    ):
        broken = sa.create_engine(f"sqlite:///{tmp_path / 'missing' / 'x.sqlite3'}")
        monkeypatch.setattr(type(db), "engine", property(lambda _self: broken))
        try:
            response = client.get("/readyz")
        finally:
            broken.dispose()
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert client.get("/healthz").status_code == 200


class TestSecurityHeaders:
    def test_on_the_sign_in_page(self, client):
        assert_security_headers(client.get("/login"))

    def test_on_a_signed_in_page(self, client, auth, trainee):
        auth.login(trainee)
        response = client.get("/modules")
        assert response.status_code == 200
        assert_security_headers(response)
        assert response.headers["Cache-Control"] == "no-store"

    @pytest.mark.parametrize(
        ("method", "path", "status"),
        [("GET", "/no-such-page", 404), ("GET", "/logout", 405)],
    )
    def test_on_error_pages(self, client, method, path, status):
        response = client.open(path, method=method)
        assert response.status_code == status
        assert_security_headers(response)

    def test_on_static_files(self, client):
        response = client.get("/static/css/app.css")
        assert response.status_code == 200
        assert_security_headers(response)
        response.close()

    def test_session_cookie_is_http_only_and_same_site(self, client, trainee):
        response = client.post(
            "/login",
            data={"email": "trainee@example.org", "password": "correct-horse-battery"},
        )
        [cookie] = [
            c
            for c in response.headers.getlist("Set-Cookie")
            if c.startswith("session=")
        ]
        assert "HttpOnly" in cookie
        assert "SameSite=Lax" in cookie


class TestErrorPages:
    def test_404_is_a_friendly_page(self, client):
        response = client.get("/no-such-page")
        assert response.status_code == 404
        assert response.mimetype == "text/html"
        page = check_page(response.text)
        assert page.find("h1").text == "Page not found (error 404)"
        assert page.find("main").find("a", href="/login").text == "Go to the start page"

    def test_404_for_a_signed_in_user_links_home(self, client, auth, trainee):
        auth.login(trainee)
        page = check_page(client.get("/modules/no-such-module").text)
        assert page.find("main").find("a", href="/").text == "Go to the start page"
        assert "Tess Trainee" in page.find("header").text

    def test_405_is_a_friendly_page(self, client, auth, trainee):
        auth.login(trainee)
        response = client.get("/logout")
        assert response.status_code == 405
        assert "POST" in response.headers["Allow"]
        page = check_page(response.text)
        assert page.find("h1").text == "Not allowed this way (error 405)"

    def test_403_is_a_friendly_page(self, client, auth, supervisor):
        auth.login(supervisor)
        response = client.get("/progress")
        assert response.status_code == 403
        page = check_page(response.text)
        assert page.find("h1").text == "Not allowed (error 403)"

    def test_errors_are_json_for_json_clients(self, client):
        response = client.get("/no-such-page", headers={"Accept": "application/json"})
        assert response.status_code == 404
        assert response.json == {"error": 404, "message": ""}

    def test_a_view_that_raises_gives_a_friendly_500_and_rolls_back(
        self, make_fresh_app, caplog
    ):
        fresh = make_fresh_app()
        seen_after_error = []

        def boom():
            db.session.add(Program(name="Half-finished program"))
            db.session.flush()
            raise RuntimeError("secret internal detail")

        fresh.add_url_rule("/boom", "boom", public(boom))

        @fresh.teardown_request
        def _look_at_the_session(_error):
            count = sa.select(sa.func.count(Program.id)).where(
                Program.name == "Half-finished program"
            )
            seen_after_error.append(db.session.scalar(count))

        with caplog.at_level(logging.ERROR, logger="trainer"):
            response = fresh.test_client().get("/boom")
        assert response.status_code == 500
        assert_security_headers(response)
        page = check_page(response.text)
        assert page.find("h1").text == "Something went wrong (error 500)"
        assert "secret internal detail" not in response.text
        assert "Traceback" not in response.text
        assert seen_after_error == [0]
        assert "Unhandled error on GET /boom" in caplog.text
        assert "secret internal detail" in caplog.text

    def test_error_pages_render_when_the_database_is_down(
        self, client, auth, trainee, tmp_path, monkeypatch
    ):
        auth.login(trainee)
        broken = sa.create_engine(
            f"sqlite:///{tmp_path / 'missing' / 'nowhere.sqlite3'}"
        )
        monkeypatch.setattr(db, "session", scoped_session(sessionmaker(bind=broken)))
        try:
            not_found = client.get("/no-such-page")
            failed = client.get("/modules")
        finally:
            db.session.remove()
            broken.dispose()
        assert not_found.status_code == 404
        check_page(not_found.text)
        assert failed.status_code == 503
        assert failed.headers["Retry-After"] == "5"
        assert "Back in a moment" in check_page(failed.text).find("h1").text


def _extends(env, name: str) -> str | None:
    source = env.loader.get_source(env, name)[0]
    extends = env.parse(source).find(nodes.Extends)
    return extends.template.value if extends is not None else None


def page_templates(app) -> list[str]:
    """Templates that render a whole page: not partials (_name), macros, e-mails or the
    documents exports print (``*/pdf/``: WeasyPrint's input, never served)."""
    names = []
    for name in app.jinja_env.list_templates(extensions=["html"]):
        path = PurePosixPath(name)
        if (
            path.name.startswith("_")
            or path.parts[0] in {"macros", "email"}
            or "pdf" in path.parts[:-1]
            or name == "base.html"
        ):
            continue
        names.append(name)
    return names


class TestPageStructure:
    def test_base_template_has_a_skip_link_and_a_main_landmark(self, client):
        page = check_page(client.get("/login").text)
        assert page.find("a", class_="skip-link").text == "Skip to main content"

    def test_every_page_template_extends_the_base_template(self, app):
        env = app.jinja_env
        pages = page_templates(app)
        assert "learning/catalogue.html" in pages
        orphans = []
        for name in pages:
            chain, current = [name], name
            while current != "base.html" and current is not None and len(chain) < 10:
                current = _extends(env, current)
                chain.append(current)
            if current != "base.html":
                orphans.append(" -> ".join(map(str, chain)))
        assert not orphans, f"page templates that do not extend base.html: {orphans}"

    @pytest.mark.parametrize("role", [None, *(role.value for role in Role)])
    def test_every_page_a_user_can_open_passes_the_page_checks(
        self, role, app, client, auth, make_user
    ):
        """Skip link, one <main id="main">, no inline script, no style attribute, nothing
        loaded from another host, on every GET route (sample arguments) and the error pages."""
        if role is not None:
            auth.login(make_user(role))
        checked = []
        for _rule, _access, url, method in routes(app):
            if method != "GET":
                continue
            response = client.get(url, follow_redirects=True)
            if response.mimetype == "text/html":
                try:
                    check_page(response.text)
                except AssertionError as error:
                    raise AssertionError(
                        f"GET {url} as {role or 'anonymous'}: {error}"
                    ) from None
                checked.append(url)
        assert checked
