"""The access sweep: walks app.url_map and proves that every route declares its access, that
anonymous users are sent to sign in (or get 401 as JSON), and that every role outside a
route's permission gets 403. It reads the declarations, so it covers routes added later."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from werkzeug.routing import Rule

from tests.conftest import AuthActions
from trainer.auth.decorators import login_required, require
from trainer.auth.permissions import Permission, Role, has_permission
from trainer.core.access import Access, public
from trainer.core.extensions import db

#: the only paths that may be served to anonymous users (with anything below them):
#: sign-in, the load balancers' health check, public verification of exports, accepting an
#: invitation, resetting a password and the development outbox (404 outside development).
#: A route declared @public elsewhere fails test_only_known_pages_are_public.
PUBLIC_PATHS = (
    "/login",
    "/healthz",
    "/readyz",
    "/verify",
    "/dev",
    "/invitations",
    "/password-reset",
)
IGNORED_METHODS = frozenset({"HEAD", "OPTIONS"})
ROLES = [role.value for role in Role]


#: <converter(arguments):name> or <name> in a rule
VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


def sample_value(name: str, converter: str | None) -> str | int:
    if converter == "int":
        return 1
    if name == "slug":
        return "empathy"
    return "x"


def sample_url(rule: Rule) -> str:
    values = {
        match["name"]: sample_value(match["name"], match["converter"])
        for match in VARIABLE.finditer(rule.rule)
    }
    assert set(values) == set(rule.arguments), (
        f"cannot read the variables of {rule.rule}"
    )
    built = rule.build(values, append_unknown=False)
    assert built is not None, f"cannot build {rule.rule} with {values}"
    return built[1]


def routes(app):
    """(rule, access, url, method) for every route and method except static files."""
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint == "static":
            continue
        access = getattr(app.view_functions[rule.endpoint], "access", None)
        for method in sorted(rule.methods - IGNORED_METHODS):
            yield rule, access, sample_url(rule), method


def send(client, url: str, method: str, **headers):
    if method != "GET":
        headers.setdefault("X-CSRFToken", client.csrf_token())
    return client.open(url, method=method, headers=headers)


def is_public(access: Access | None) -> bool:
    return access is not None and access.kind == "public"


def undeclared_endpoints(app) -> list[str]:
    return [
        endpoint
        for endpoint, view in app.view_functions.items()
        if endpoint != "static"
        and not isinstance(getattr(view, "access", None), Access)
    ]


def anonymous_failures(app, client, **headers) -> list[str]:
    """Protected routes that do not send an anonymous browser to sign in (or, with
    ``Accept: application/json``, do not answer 401)."""
    json = headers.get("Accept") == "application/json"
    failures = []
    for _rule, access, url, method in routes(app):
        if is_public(access):
            continue
        response = send(client, url, method, **headers)
        location = urlsplit(response.headers.get("Location", ""))
        next_target = parse_qs(location.query).get("next", [""])[0]
        if json:
            refused = response.status_code == 401 and response.is_json
        else:
            refused = (response.status_code, location.path, next_target) == (
                302,
                "/login",
                url,
            )
        if not refused:
            failures.append(
                f"{method} {url}: {response.status} -> {response.headers.get('Location')}"
            )
    return failures


def role_failures(app, client, role: Role) -> list[str]:
    """Routes whose permission ``role`` lacks that do not answer 403 to it."""
    failures = []
    for _rule, access, url, method in routes(app):
        if access is None or access.kind != "permission":
            continue
        if has_permission(role, access.permission):
            continue
        response = send(client, url, method)
        if response.status_code != 403:
            failures.append(f"{method} {url} ({access.permission}): {response.status}")
    return failures


def test_every_endpoint_declares_its_access(app):
    undeclared = undeclared_endpoints(app)
    assert not undeclared, (
        f"endpoints without @public/@login_required/@require: {undeclared}"
    )


def test_only_known_pages_are_public(app):
    public_rules = [
        rule.rule for rule, access, _url, _method in routes(app) if is_public(access)
    ]
    unexpected = [
        path
        for path in public_rules
        if not any(path == p or path.startswith(p + "/") for p in PUBLIC_PATHS)
    ]
    assert not unexpected, (
        f"declared @public but not sign-in, /healthz, /readyz or /verify: {unexpected}"
    )
    assert {"/login", "/healthz"} <= set(public_rules)


def test_public_pages_answer_anonymous_users(client, app):
    for rule, access, url, method in routes(app):
        if is_public(access) and method == "GET" and not rule.arguments:
            response = client.get(url)
            assert response.status_code == 200, f"GET {url}: {response.status}"


def test_anonymous_users_are_sent_to_sign_in_everywhere_else(client, app):
    assert any(not is_public(access) for _r, access, _u, _m in routes(app))
    failures = anonymous_failures(app, client)
    assert not failures, "anonymous requests not sent to sign-in:\n" + "\n".join(
        failures
    )


def test_anonymous_json_requests_get_401_not_a_redirect(client, app):
    failures = anonymous_failures(app, client, Accept="application/json")
    assert not failures, "JSON requests not answered 401:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_403_outside_its_permissions(role, make_user, auth, client, app):
    auth.login(make_user(role))
    failures = role_failures(app, client, Role(role))
    assert not failures, f"{role} not refused:\n" + "\n".join(failures)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_reaches_the_routes_it_is_allowed(role, make_user, auth, client, app):
    """The other side of the sweep: a permission the role holds does not answer 401/403 or
    send it back to sign in (404 or 400 for the sample arguments is fine)."""
    user = make_user(role)
    auth.login(user)
    failures = []
    for rule, access, url, method in routes(app):
        if (
            access is None
            or access.kind != "permission"
            or not has_permission(user.role, access.permission)
        ):
            continue
        if rule.arguments:
            continue  # object-level checks may refuse the sample ids
        response = send(client, url, method)
        if (
            response.status_code in (401, 403)
            or urlsplit(response.headers.get("Location", "")).path == "/login"
        ):
            failures.append(f"{method} {url} ({access.permission}): {response.status}")
    assert not failures, f"{role} refused where allowed:\n" + "\n".join(failures)


class TestTheSweepCatchesMistakes:
    """The checks above run against throw-away routes that get access wrong."""

    def test_it_names_a_route_without_a_declaration(self, make_fresh_app):
        fresh = make_fresh_app()
        fresh.add_url_rule("/forgotten", "forgotten", lambda: "secret")
        assert undeclared_endpoints(fresh) == ["forgotten"]

    def test_it_names_a_route_that_declares_but_does_not_enforce(
        self, make_fresh_app, make_user
    ):
        def leaky():
            return "secret"

        leaky.access = Access("permission", Permission.AUDIT_EVENTS_READ)
        trainee = make_user("trainee")
        # A request to the fresh app ends by removing the session: commit what it needs.
        db.session.commit()
        fresh = make_fresh_app()
        fresh.add_url_rule(
            "/leaky/<int:number>", "leaky", leaky, methods=["GET", "POST"]
        )
        failures = anonymous_failures(fresh, fresh.test_client())
        assert [failure.split(":")[0] for failure in failures] == [
            "GET /leaky/1",
            "POST /leaky/1",
        ]
        client = fresh.test_client()
        AuthActions(client).login(trainee)
        assert len(role_failures(fresh, client, Role.TRAINEE)) == 2


class TestUndeclaredViews:
    def test_a_view_without_a_declaration_is_refused(self, make_fresh_app):
        fresh = make_fresh_app()
        fresh.add_url_rule("/throwaway", "throwaway", lambda: "secret")
        response = fresh.test_client().get("/throwaway")
        assert response.status_code == 403
        assert "secret" not in response.text

    def test_the_same_view_declared_public_is_served(self, make_fresh_app):
        fresh = make_fresh_app()
        fresh.add_url_rule("/throwaway", "throwaway", public(lambda: "secret"))
        response = fresh.test_client().get("/throwaway")
        assert response.status_code == 200
        assert response.text == "secret"

    def test_a_view_cannot_declare_its_access_twice(self):
        with pytest.raises(RuntimeError, match="twice"):
            public(login_required(lambda: "x"))
        with pytest.raises(RuntimeError, match="twice"):
            require(Permission.LEARNING_MODULE_READ)(public(lambda: "x"))


def test_the_item_analysis_is_for_the_programs_director_only(app):
    access = app.view_functions["program.item_analysis_page"].access
    assert (access.kind, access.permission) == (
        "permission",
        Permission.PROGRAM_ITEMS_READ,
    )
    assert {
        role for role in Role if has_permission(role, Permission.PROGRAM_ITEMS_READ)
    } == {Role.DIRECTOR}


#: the exports' routes, for every role
EXPORT_ROUTES = {
    ("GET", "/reports"): {"director": 200, "reviewer": 200},
    ("POST", "/reports/my-record.pdf"): {"trainee": 200},
    ("POST", "/reports/audit-log"): {"director": 200, "reviewer": 200},
    ("POST", "/verify/export"): dict.fromkeys(ROLES, 422),
}


@pytest.mark.parametrize("role", [*ROLES, "anonymous", "expired-reviewer"])
@pytest.mark.parametrize(("method", "url"), list(EXPORT_ROUTES))
def test_export_routes_for_every_role(method, url, role, make_user, auth, client):
    if role == "expired-reviewer":
        from datetime import timedelta

        from trainer.core.models import utcnow

        user = make_user("reviewer")
        auth.login(user)
        user.access_expires_at = utcnow() - timedelta(days=1)
        db.session.flush()
    elif role != "anonymous":
        auth.login(make_user(role))
    response = send(client, url, method)
    allowed = EXPORT_ROUTES[(method, url)]
    if url == "/verify/export":
        expected = 422
    elif role in allowed:
        expected = allowed[role]
    elif role == "anonymous":
        expected = 302
    else:
        # an expired reviewer stays signed in and gets the 403 page everywhere (issue 10)
        expected = 403
    assert response.status_code == expected, f"{role} {method} {url}: {response.status}"
    if expected == 302:
        assert urlsplit(response.headers["Location"]).path == "/login"


def test_running_the_program_is_for_its_directors_and_records_also_for_reviewers(app):
    """The director's pages that change the program answer the director only; the trainee
    records answer the director and a reviewer (within the grant: the record policy). The
    sweeps above visit every one of these routes for every role; the 404 for another
    program's director is tests/dashboard/test_program_pages.py::TestOtherProgramsDirector."""
    manage = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "access", None)
        == Access("permission", Permission.PROGRAM_MANAGE)
    }
    assert {
        "/program",
        "/program/cohorts",
        "/program/cohorts/<int:cohort_id>",
        "/program/assignments",
        "/program/periods",
        "/program/minimum-levels",
        "/program/reviewers",
    } <= manage
    assert {
        role for role in Role if has_permission(role, Permission.PROGRAM_MANAGE)
    } == {Role.DIRECTOR}
    assert {
        role for role in Role if has_permission(role, Permission.PROGRAM_RECORDS_READ)
    } == {Role.DIRECTOR, Role.REVIEWER}
