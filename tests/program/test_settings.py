"""The director's /program/settings: the framework (only those with content are offered, and
another one sent is refused with the reason) and whether promising modules are required."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.pagetools import check_page, form_value
from trainer.audit.models import AuditEvent
from trainer.auth.permissions import Permission, Role, has_permission
from trainer.core.extensions import db

REASON = (
    "The APA task force 2019 (third interdivisional task force) cannot be chosen yet"
)


def post(client, **values):
    token = form_value(client.get("/program/settings").text, "csrf_token")
    return client.post("/program/settings", data={"csrf_token": token, **values})


def test_the_settings_are_for_directors_only(app):
    access = app.view_functions["program.settings"].access
    assert (access.kind, access.permission) == (
        "permission",
        Permission.PROGRAM_SETTINGS_MANAGE,
    )
    assert {
        role
        for role in Role
        if has_permission(role, Permission.PROGRAM_SETTINGS_MANAGE)
    } == {Role.DIRECTOR}


@pytest.mark.parametrize("role", ["trainee", "supervisor", "reviewer", "admin"])
def test_other_roles_are_refused(role, client, auth, make_user):
    auth.login(make_user(role))
    assert client.get("/program/settings").status_code == 403
    assert client.post("/program/settings", data={}).status_code in (400, 403)


def test_the_page_offers_only_frameworks_with_content_and_says_why(
    client, auth, director
):
    auth.login(director)
    main = check_page(client.get("/program/settings").text).find("main")
    options = [o.attrs["value"] for o in main.find("select").find_all("option")]
    assert options == ["apa-2011"]
    assert REASON in main.text
    assert not main.find("input", type="checkbox").attrs.get("checked")


def test_the_director_turns_promising_modules_into_requirements(
    client, auth, director, program, trainee
):
    auth.login(director)
    response = post(client, framework="apa-2011", is_promising_required="y")
    assert response.status_code == 302
    assert program.is_promising_required
    assert (
        db.session.scalar(
            sa.select(AuditEvent.action)
            .where(AuditEvent.subject == f"program:{program.id}")
            .order_by(AuditEvent.seq.desc())
        )
        == "program.promising_required"
    )
    page = check_page(client.get("/program/settings").text)
    assert page.find("input", type="checkbox").attrs.get("checked") is not None

    response = post(client, framework="apa-2011")
    assert response.status_code == 302
    assert not program.is_promising_required


def test_a_framework_without_content_sent_anyway_is_refused_with_the_reason(
    client, auth, director, program
):
    auth.login(director)
    response = post(client, framework="apa-2019", is_promising_required="y")
    assert response.status_code == 422
    errors = check_page(response.text).find(id="framework-errors").text
    assert REASON in errors
    assert "an empty catalogue" in errors
    assert program.framework == "apa-2011"
    assert not program.is_promising_required
