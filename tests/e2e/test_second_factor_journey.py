"""A supervisor without a second factor signs in, is sent to set one up (QR code served by
this site, the key as text, ten recovery codes shown once), then signs a rating with the
password and a code from the app; every page is axe-clean."""

from __future__ import annotations

import re

import pyotp
from playwright.sync_api import expect

from tests.factories.supervision import draft
from trainer.auth.second_factor import reset_second_factor
from trainer.auth.services import find_user_by_email
from trainer.core.extensions import db
from trainer.program.periods import evaluation_periods

MEANING = "I attest that I observed this practice and that these ratings reflect it"


def test_a_supervisor_enrols_a_second_factor_and_signs_a_rating_with_it(
    page, live_server, sign_in, assert_accessible, otp
):
    empathy = live_server.app.extensions["curriculum"].get("empathy")
    with live_server.app.app_context():
        supervisor = find_user_by_email("supervisor@example.org")
        trainee = find_user_by_email("trainee@example.org")
        reset_second_factor(supervisor, by=None, reason="e2e: start without one")
        mid_year = evaluation_periods(trainee.program_id)[0]
        for competency in empathy.meta.competencies:
            draft(supervisor, trainee, mid_year, empathy, competency.id, 4)
        trainee_id, period_id = trainee.id, mid_year.id
        db.session.commit()
        db.session.remove()

    sign_in("supervisor@example.org")
    # Sent to set up the second factor before anything else.
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    page.goto(f"{live_server.url}/supervision")
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    qr = page.get_by_role("img", name=re.compile("QR code for your authenticator app"))
    expect(qr).to_be_visible()
    assert qr.evaluate("image => image.naturalWidth") > 0, "the QR code did not load"
    assert re.match(r"^/", qr.get_attribute("src")), "the QR code is not served here"
    assert_accessible("the second-factor set-up")

    key = page.locator("#second-factor-key").inner_text().strip()
    page.get_by_label("The 6-digit code your app shows").fill("000000")
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_text("That code is not right.")).to_be_visible()
    assert_accessible("the set-up after a wrong code")
    page.get_by_label("The 6-digit code your app shows").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("heading", name="Your second factor is on")).to_be_visible()
    codes = page.get_by_role("list", name="Recovery codes").get_by_role("listitem")
    expect(codes).to_have_count(10)
    assert_accessible("the recovery codes")
    page.get_by_role("link", name=re.compile("I have saved them")).click()

    # The signature asks for the password and a code.
    page.goto(f"{live_server.url}/supervision/trainees/{trainee_id}?period={period_id}")
    page.get_by_label(MEANING).check()
    page.get_by_label("Your password").fill("demo-password")
    page.get_by_label("Code from your authenticator app").fill("123456")
    page.get_by_role("button", name="Sign the ratings").click()
    expect(
        page.get_by_text("The code from your authenticator app is not right")
    ).to_be_visible()
    assert_accessible("the workspace after a wrong code")
    page.get_by_label(MEANING).check()
    page.get_by_label("Your password").fill("demo-password")
    page.get_by_label("Code from your authenticator app").fill(
        otp("supervisor@example.org")
    )
    page.get_by_role("button", name="Sign the ratings").click()
    signature = page.get_by_role("region", name="Electronic signature")
    expect(signature).to_contain_text("Signed by Sam Supervisor")
    assert_accessible("the signed evaluation")

    # The account page shows the second factor and ends every session.
    page.get_by_role("link", name="Sam Supervisor").click()
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    expect(page.get_by_text("10 of 10 recovery codes are unused")).to_be_visible()
    assert_accessible("the account page")
    page.get_by_role("button", name="Sign out of every device").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
