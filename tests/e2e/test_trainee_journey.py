"""A trainee signs in, reads Empathy, fails then passes its quiz, and watches /progress."""

import re

from playwright.sync_api import expect

from tests.e2e.quizbot import take_quiz


def test_trainee_reads_a_module_fails_then_passes_its_quiz(
    page, live_server, sign_in, assert_accessible
):
    empathy = live_server.app.extensions["curriculum"].get("empathy")
    sign_in("trainee@example.org")
    expect(page.get_by_role("heading", name="Modules", level=1)).to_be_visible()
    assert_accessible("the catalogue")

    page.get_by_role("link", name="Empathy", exact=True).click()
    expect(page.get_by_role("heading", name="Empathy", level=1)).to_be_visible()
    expect(
        page.get_by_role("heading", name="Competencies and how they are rated")
    ).to_be_visible()
    assert_accessible("the Empathy module")

    page.get_by_role("link", name="Take the scenario quiz").first.click()
    expect(page.get_by_text(f"You pass with {empathy.quiz.pass_mark}%")).to_be_visible()
    page.get_by_role("button", name="Start the quiz").click()
    assert_accessible("a quiz item")
    page.go_back()

    take_quiz(page, live_server.url, empathy, right=False, keyboard=True)
    expect(page.get_by_text(re.compile(r"^Not passed: "))).to_be_visible()
    assert_accessible("a failed attempt's result")

    page.get_by_role("link", name="Progress", exact=True).click()
    expect(
        page.get_by_role("row", name=re.compile("Empathy")).get_by_text("In progress")
    ).to_be_visible()

    take_quiz(page, live_server.url, empathy, right=True)
    expect(page.get_by_text("Passed: 100%")).to_be_visible()
    expect(page.get_by_role("heading", name="Score per competency")).to_be_visible()
    assert_accessible("a passed attempt's result")

    page.get_by_role("link", name="See my progress").click()
    row = page.get_by_role("row", name=re.compile("Empathy"))
    expect(row.get_by_text("Knowledge demonstrated")).to_be_visible()
    assert_accessible("the progress page")


def test_sign_in_page_is_accessible_and_rejects_a_wrong_password(
    page, live_server, sign_in, assert_accessible
):
    sign_in("trainee@example.org", "not-the-password")
    expect(
        page.get_by_text("The e-mail address or password is not right.")
    ).to_be_visible()
    expect(page.get_by_label("E-mail address")).to_have_value("trainee@example.org")
    assert_accessible("the sign-in page with an error")


def test_the_skip_link_is_the_first_stop_of_the_keyboard(page, live_server, sign_in):
    sign_in("trainee@example.org")
    expect(page.get_by_role("heading", name="Modules", level=1)).to_be_visible()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    expect(skip).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()
