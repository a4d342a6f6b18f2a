"""Journeys that forgive: a practice log typed before the session expired is still there after
signing in again; a quiz left at item 4 resumes at item 4; Back after a quiz step shows a page,
never "Confirm form resubmission", and records nothing twice."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from tests.e2e.quizbot import choose
from trainer.core.extensions import db
from trainer.record.models import Attempt

WHAT = "Reflected the feeling under the complaint about work; the client slowed down."


def item_number(page) -> int:
    heading = page.get_by_role("heading", level=1).inner_text()
    return int(re.search(r"item (\d+) of", heading).group(1))


def test_a_log_typed_before_the_session_expired_is_there_after_signing_in(
    page, live_server, sign_in, assert_accessible
):
    sign_in("trainee@example.org")
    page.goto(live_server.url + "/practice?competency=empathy/reflects-feelings")
    page.get_by_label("What I did").fill(WHAT)
    page.context.clear_cookies()  # the session expires while the trainee types
    page.get_by_role("button", name="Submit the log").click()
    expect(
        page.get_by_role("heading", name=re.compile("Your form was not sent"))
    ).to_be_visible()
    expect(page.get_by_text(WHAT)).to_be_visible()
    assert_accessible("the form-not-sent page")
    page.get_by_role("link", name="Sign in and return to the form").click()
    page.get_by_label("E-mail address").fill("trainee@example.org")
    page.get_by_label("Password").fill("demo-password")
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    assert "/practice" in page.url
    expect(page.get_by_label("What I did")).to_have_value(WHAT)
    expect(page.get_by_text(re.compile("filled back in"))).to_be_visible()
    assert_accessible("the practice form, filled back in")


def test_a_quiz_left_at_item_4_resumes_at_item_4_and_back_records_nothing(
    page, live_server, sign_in
):
    module = live_server.app.extensions["curriculum"].get("empathy")
    sign_in("trainee@example.org")
    page.goto(live_server.url + "/modules/empathy/quiz")
    page.get_by_role("button", name="Start the quiz").click()
    while item_number(page) < 4:
        choose(page, module, right=True)
    # Back after a step: a page (the current step again), never a resubmission prompt
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_contain_text("item")
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_contain_text("item 4 of")
    page.goto(live_server.url + "/modules")  # leaves the quiz
    page.goto(live_server.url + "/modules/empathy/quiz")
    page.get_by_role("link", name="Resume at item 4").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("item 4 of")
    with live_server.app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Attempt)) == 0
        db.session.remove()
