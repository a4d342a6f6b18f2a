"""Each role lands on its own home after signing in (with the second factor when it has one),
and the "continue" after enrolling a second factor goes there too."""

from __future__ import annotations

import pyotp
import pytest

from tests.conftest import PASSWORD
from tests.factories.second_factor import fresh_code
from tests.pagetools import check_page
from trainer.auth.home import HOMES

LANDINGS = [
    ("trainee", "/modules"),
    ("supervisor", "/supervision"),
    ("director", "/program"),
    ("reviewer", "/program/records"),
    ("admin", "/admin"),
]


def test_every_home_is_a_page_of_this_application(app):
    for role, endpoint in HOMES.items():
        assert endpoint in app.view_functions, role


@pytest.mark.parametrize(("role", "home"), LANDINGS)
def test_signing_in_lands_on_the_roles_home(client, make_user, role, home):
    user = make_user(role)
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 302
    if response.headers["Location"] == "/login/code":
        response = client.post("/login/code", data={"code": fresh_code(user)})
    assert response.headers["Location"] == home
    assert client.get(home).status_code == 200


@pytest.mark.parametrize(("role", "home"), LANDINGS)
def test_continue_after_enrolling_goes_to_the_roles_home(client, make_user, role, home):
    user = make_user(role, enrolled=False)
    client.post("/login", data={"email": user.email, "password": PASSWORD})
    page = check_page(client.get("/account/second-factor").text)
    key = page.find("code", id="second-factor-key").text.strip()
    response = client.post(
        "/account/second-factor", data={"code": pyotp.TOTP(key).now()}
    )
    assert response.status_code == 200
    [link] = [
        a
        for a in check_page(response.text).find_all("a")
        if "continue" in a.text.lower()
    ]
    assert link.attrs["href"] == home
    assert client.get(home).status_code == 200
