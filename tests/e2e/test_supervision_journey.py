"""The skill half of a module, in a real browser: the demo trainee logs practice with a
self-rating, the demo supervisor rates every competency of Empathy and signs (a wrong password
first, then the right one), and the trainee sees the module's competency verified, the two
perspectives side by side and the signature, and acknowledges the evaluation."""

from __future__ import annotations

import re
from datetime import timedelta

from playwright.sync_api import Page, expect

from tests.e2e.quizbot import take_quiz
from tests.factories.supervision import draft, sign
from trainer.auth.services import find_user_by_email
from trainer.core.extensions import db
from trainer.program.periods import evaluation_periods
from trainer.program.services import program_today

DIRECT = "In the room or through a one-way mirror"
MEANING = "I attest that I observed this practice and that these ratings reflect it"
#: a correction's form asks for a statement true whatever observation is chosen
CORRECTION_MEANING = (
    "I attest that I observed or assessed this practice as the rating states, and that the "
    "rating reflects it"
)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()


def yesterday(live_server) -> str:
    with live_server.app.app_context():
        return (
            program_today(find_user_by_email("trainee@example.org")) - timedelta(days=1)
        ).isoformat()


def test_trainee_logs_practice_supervisor_signs_and_the_competency_is_verified(
    page, live_server, sign_in, assert_accessible, otp
):
    empathy = live_server.app.extensions["curriculum"].get("empathy")
    first = empathy.meta.competencies[0]
    day = yesterday(live_server)

    # The trainee passes the quiz (knowledge), then logs practice with a self-rating.
    sign_in("trainee@example.org")
    take_quiz(page, live_server.url, empathy, right=True)
    expect(page.get_by_text("Passed: 100%")).to_be_visible()
    page.get_by_role("navigation", name="Main").get_by_role(
        "link", name="Practice"
    ).click()
    expect(page.get_by_role("heading", name="Practice log", level=1)).to_be_visible()
    assert_accessible("the practice log page")
    page.get_by_label("Which competency did you practise?").select_option(
        f"empathy/{first.id}"
    )
    page.get_by_role("button", name="Continue").click()
    page.get_by_label("Date of the practice").fill(day)
    page.get_by_label("Setting").select_option(label="Individual")
    page.get_by_label("Clinic type").select_option(label="Outpatient clinic")
    page.get_by_label("What I did").fill(
        "Reflected the sadness under her complaint about her sister."
    )
    page.get_by_label("How the client responded").fill(
        "She said: call me on 555-123-4567 if you need me."
    )
    page.get_by_label("Reflection").fill(
        "I went too fast at first; slowing down helped."
    )
    page.get_by_role("radio", name=re.compile(r"^5 · Advanced")).check()
    page.get_by_role("button", name="Submit the log").click()

    # An identifier is refused with what to remove, and nothing typed is lost.
    expect(
        page.get_by_role("alert").filter(
            has_text="Remove the phone number “555-123-4567”"
        )
    ).to_be_visible()
    expect(page.get_by_label("What I did")).to_have_value(
        "Reflected the sadness under her complaint about her sister."
    )
    expect(page.get_by_role("radio", name=re.compile(r"^5 · Advanced"))).to_be_checked()
    assert_accessible("the practice log form with an identifier refused")
    page.get_by_label("How the client responded").fill(
        "She cried, then said it was the first time anyone noticed."
    )
    page.get_by_role("button", name="Submit the log").click()
    expect(page.get_by_text("Practice log recorded.")).to_be_visible()
    expect(page.get_by_text("5 · Advanced")).to_be_visible()
    assert_accessible("a practice log")
    sign_out(page)

    # The supervisor sees the new log, rates every competency and signs.
    sign_in("supervisor@example.org")
    nav = page.get_by_role("navigation", name="Main")
    expect(nav.get_by_role("link", name="Notifications 1 new")).to_be_visible()
    nav.get_by_role("link", name="Supervision").click()
    assert_accessible("the supervisor's trainees")
    page.get_by_role("link", name="Taylor Trainee").click()
    expect(page.get_by_role("heading", name="Taylor Trainee", level=1)).to_be_visible()
    assert_accessible("the supervisor's workspace")
    page.get_by_role("link", name="Rate Empathy").click()
    expect(
        page.get_by_role("heading", name="Rate Taylor Trainee: Empathy")
    ).to_be_visible()
    assert_accessible("the rating page")
    for competency in empathy.meta.competencies:
        card = page.get_by_role("region", name=" ".join(competency.statement.split()))
        card.get_by_role("radio", name=re.compile(r"^4 · Competent")).check()
        card.get_by_label("Observation it rests on").select_option(label=DIRECT)
        card.get_by_label("Date observed").fill(day)
        card.get_by_label("Comment").fill("Accurate and well paced.")
    # one button saves every competency's draft: nothing typed in the others is lost
    page.get_by_role("button", name="Save all drafts").last.click()
    expect(
        page.get_by_text(f"Saved {len(empathy.meta.competencies)} drafts for")
    ).to_be_visible()

    page.get_by_role("link", name="Taylor Trainee's workspace").click()
    page.get_by_label(MEANING).check()
    page.get_by_label("Your password").fill("not-the-password")
    page.get_by_role("button", name="Sign the ratings").click()
    expect(
        page.get_by_text("The password is not right, so nothing was signed.")
    ).to_be_visible()
    expect(
        page.get_by_role("table", name=re.compile("Your draft ratings for Mid-year"))
    ).to_be_visible()
    assert_accessible("the workspace after a wrong password")
    page.get_by_label(MEANING).check()
    page.get_by_label("Your password").fill("demo-password")
    page.get_by_label("Code from your authenticator app").fill(
        otp("supervisor@example.org")
    )
    page.get_by_role("button", name="Sign the ratings").click()
    signature = page.get_by_role("region", name="Electronic signature")
    expect(signature).to_contain_text("Signed by Sam Supervisor")
    expect(signature).to_contain_text(MEANING)
    assert_accessible("the signed evaluation")
    sign_out(page)

    # The trainee sees the module verified, both perspectives, and acknowledges.
    sign_in("trainee@example.org")
    expect(
        page.get_by_role("navigation", name="Main").get_by_role(
            "link", name="Notifications 1 new"
        )
    ).to_be_visible()
    page.get_by_role("link", name="Progress", exact=True).click()
    row = page.get_by_role("row", name=re.compile("Empathy")).first
    expect(row.get_by_text("Competency verified")).to_be_visible()
    perspectives = page.get_by_role(
        "table", name=re.compile("Empathy: your self-rating and supervisor's rating")
    )
    expect(
        perspectives.get_by_role(
            "row", name=re.compile(re.escape(first.statement[:40]))
        )
    ).to_contain_text("5 · Advanced")
    assert_accessible("the progress page with supervisor ratings")
    page.get_by_role(
        "link", name=re.compile(r"^Mid-year, signed by Sam Supervisor")
    ).first.click()
    page.get_by_label("Your written response (optional)").fill(
        "Thank you; I will keep slowing down."
    )
    page.get_by_role("button", name="Acknowledge this evaluation").click()
    expect(page.get_by_text("Thank you; I will keep slowing down.")).to_be_visible()
    expect(page.get_by_role("region", name="Electronic signature")).to_contain_text(
        "Signed by Sam Supervisor"
    )
    assert_accessible("the acknowledged evaluation")


def test_a_correction_is_signed_and_both_ratings_stay_visible(
    page, live_server, sign_in, assert_accessible, otp
):
    empathy = live_server.app.extensions["curriculum"].get("empathy")
    first = empathy.meta.competencies[0]
    with live_server.app.app_context():
        trainee = find_user_by_email("trainee@example.org")
        supervisor = find_user_by_email("supervisor@example.org")
        mid_year = evaluation_periods(trainee.program_id)[0]
        draft(supervisor, trainee, mid_year, empathy, first.id, 4)
        sign_off = sign(supervisor, trainee, mid_year, password="demo-password")
        sign_off_id = sign_off.id
        db.session.commit()
        db.session.remove()
    day = yesterday(live_server)

    sign_in("supervisor@example.org")
    page.goto(f"{live_server.url}/supervision/sign-offs/{sign_off_id}")
    page.get_by_role("link", name="Correct this rating").click()
    expect(page.get_by_role("heading", name="Correct a signed rating")).to_be_visible()
    assert_accessible("the correction form")
    page.get_by_role("radio", name=re.compile(r"^3 · Developing")).check()
    page.get_by_label("Observation it rests on").select_option(label="Video recording")
    page.get_by_label("Date observed").fill(day)
    page.get_by_label("Why you are correcting the rating").fill(
        "The recording shows fewer implied feelings."
    )
    page.get_by_label(CORRECTION_MEANING).check()
    page.get_by_label("Your password").fill("demo-password")
    page.get_by_label("Code from your authenticator app").fill(
        otp("supervisor@example.org")
    )
    page.get_by_role("button", name="Sign the correction").click()
    expect(
        page.get_by_role("heading", name=re.compile(r"^Correction: Taylor Trainee"))
    ).to_be_visible()
    expect(
        page.get_by_text("Reason: The recording shows fewer implied feelings.")
    ).to_be_visible()
    assert_accessible("a signed correction")
    page.get_by_role("link", name="the rating signed earlier").click()
    earlier = page.get_by_role(
        "article", name=re.compile(re.escape(" ".join(first.statement.split())[:40]))
    )
    expect(earlier).to_contain_text("Superseded by a correction (3 · Developing)")
    expect(earlier).to_contain_text("4 · Competent")
    assert_accessible("the superseded rating")
