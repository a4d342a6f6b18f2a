"""Issue 10's "Done when", in a browser, as new people would do it after `make run`: an admin
(made as `create-admin` makes one) creates a program and invites its director; the invitation
is on /dev/outbox (the live server has no mail server) and its link is followed; the director
sets a password and a second factor, invites a supervisor and three trainees from a CSV file,
assigns the supervisor, creates two periods, sets one competency's minimum level to 5 and
invites a reviewer for 30 days; each invitee accepts and lands on their own home; the heat map
shows the trainees' statuses and changes when a trainee passes a quiz; a reviewer whose access
has expired gets the 403 page. axe on every new page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import check_accessible
from tests.e2e.quizbot import take_quiz

ADMIN = ("ada.admin@example.org", "Ada Admin", "admin-pass-ferry-lantern-31")
PROGRAM = "Riverside Counseling Internship"
DIRECTOR = ("dora.director@example.org", "Dora Director")
SUPERVISOR = ("sol.supervisor@example.org", "Sol Supervisor")
TRAINEES = [
    ("tia.trainee@example.org", "Tia Trainee"),
    ("teo.trainee@example.org", "Teo Trainee"),
    ("tam.trainee@example.org", "Tam Trainee"),
]
REVIEWER = ("rae.reviewer@accreditor.example", "Rae Reviewer")
COHORT = "Class of 2027"
#: each invitee's chosen password (12 characters or more, not a common one)
PASSWORDS = {
    DIRECTOR[0]: "violet-harbour-compass-58",
    SUPERVISOR[0]: "amber-meadow-kettle-92",
    TRAINEES[0][0]: "copper-willow-sparrow-17",
    TRAINEES[1][0]: "granite-orchid-lantern-44",
    TRAINEES[2][0]: "saffron-canyon-ripple-63",
    REVIEWER[0]: "indigo-summit-quarry-25",
}


@pytest.fixture
def admin(live_server):
    """An administrator made the way `flask --app app create-admin` makes one."""
    from trainer.auth.permissions import Role
    from trainer.auth.services import create_user
    from trainer.core.extensions import db

    email, name, password = ADMIN
    with live_server.app.app_context():
        create_user(email=email, name=name, password=password, role=Role.ADMIN)
        db.session.commit()
        db.session.remove()
    return ADMIN


def enrol_second_factor(page: Page, home: str) -> str:
    """Set up the authenticator app from the key shown as text, enter its code, save the
    recovery codes and continue to the home; returns the key (the person's phone)."""
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    key = page.locator("#second-factor-key").inner_text().strip()
    page.get_by_label("The 6-digit code your app shows").fill(pyotp.TOTP(key).now())
    page.get_by_role("button", name="Turn on the second factor").click()
    expect(page.get_by_role("heading", name="Your second factor is on")).to_be_visible()
    page.get_by_role("link", name="I have saved them: continue").click()
    expect(page).to_have_url(re.compile(re.escape(home) + "$"))
    return key


def sign_in(page: Page, url: str, email: str, password: str, otp) -> None:
    page.goto(url + "/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()
    if page.url.split("?")[0].endswith("/login/code"):
        page.get_by_label("Code from your authenticator app").fill(otp(email))
        page.get_by_role("button", name="Continue").click()


def follow_invitation(page: Page, url: str, email: str, check) -> None:
    """Open the development outbox, the newest invitation to ``email``, and its link."""
    page.goto(url + "/dev/outbox")
    row = page.get_by_role("row").filter(has_text=email).first
    row.get_by_role("link", name=re.compile("Your invitation to")).click()
    page.get_by_role("link", name=re.compile(r"invitations\/")).click()
    expect(page.get_by_role("heading", name=re.compile("^Join "))).to_be_visible()
    check(f"the invitation page of {email}")


def accept(page: Page, email: str, name: str) -> None:
    expect(page.get_by_label("Your full name")).to_have_value(name)
    page.get_by_label("Password (12 characters or more)").fill(PASSWORDS[email])
    page.get_by_label("Password, again").fill(PASSWORDS[email])
    page.get_by_role("button", name="Create my account").click()


def heat_map_status(page: Page, trainee: str, module_title: str):
    heat_map = page.get_by_role("region", name=re.compile("^Heat map"))
    return heat_map.get_by_role(
        "link", name=re.compile(rf": {re.escape(trainee)}, {re.escape(module_title)}$")
    )


def test_a_program_runs_itself_from_the_admin_to_an_expired_reviewer(
    browser, live_server, admin, otp, tmp_path
):
    url = live_server.url
    empathy = live_server.app.extensions["curriculum"].get("empathy")

    def person():
        return browser.new_context().new_page()

    # --- The admin: signs in, sets up the second factor, creates the program --------------
    page = person()

    def check(label: str, on: Page | None = None) -> None:
        check_accessible(on or page, label)

    sign_in(page, url, ADMIN[0], ADMIN[2], otp)
    enrol_second_factor(page, "/admin")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Admin")
    check("the admin console")
    page.get_by_label("Program name").fill(PROGRAM)
    page.get_by_label("Time zone (IANA name, e.g. America/Chicago)").fill("UTC")
    page.get_by_label("Evidence framework").select_option("apa-2011")
    page.get_by_label("Director's e-mail address").fill(DIRECTOR[0])
    page.get_by_label("Director's name").fill(DIRECTOR[1])
    page.get_by_role(
        "button", name="Create the program and invite its director"
    ).click()
    expect(
        page.get_by_text(f"{PROGRAM} is created and {DIRECTOR[0]} is invited")
    ).to_be_visible()
    check("the admin's program page")

    # --- The director: follows the link from the outbox, sets a password and a factor -----
    director = person()
    director.goto(url + "/dev/outbox")
    expect(director.get_by_role("heading", name="Development outbox")).to_be_visible()
    check("the development outbox", director)
    follow_invitation(director, url, DIRECTOR[0], lambda label: check(label, director))
    accept(director, *DIRECTOR)
    enrol_second_factor(director, "/program")
    expect(director.get_by_role("heading", level=1)).to_have_text(PROGRAM)

    nav = director.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Cohorts").click()
    director.get_by_label("Cohort name").fill(COHORT)
    director.get_by_role("button", name="Create the cohort").click()
    expect(director.get_by_text(f"Cohort '{COHORT}' created.")).to_be_visible()

    # a supervisor and three trainees from a CSV file
    csv = tmp_path / "people.csv"
    csv.write_text(
        "email,name,role,cohort\n"
        f"{SUPERVISOR[0]},{SUPERVISOR[1]},supervisor,\n"
        + "".join(f"{email},{name},trainee,{COHORT}\n" for email, name in TRAINEES)
    )
    director.goto(url + "/program/people")
    director.get_by_label("Or upload a CSV file").set_input_files(str(csv))
    director.get_by_role("button", name="Invite everyone listed").click()
    expect(director.get_by_text("4 invitation(s) sent.")).to_be_visible()
    check("the People page with four invitations", director)

    director.get_by_role("link", name="Program", exact=True).click()
    nav = director.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Evaluation periods").click()
    today = date.today()
    for name, starts, ends in (
        ("Mid-year", today - timedelta(days=30), today + timedelta(days=60)),
        ("End-of-year", today + timedelta(days=61), today + timedelta(days=240)),
    ):
        director.get_by_label("Period name").fill(name)
        director.get_by_label("Starts on").fill(starts.isoformat())
        director.get_by_label("Ends on").fill(ends.isoformat())
        director.get_by_role("button", name="Create the period").click()
        expect(
            director.get_by_text(f"Evaluation period '{name}' created.")
        ).to_be_visible()

    nav = director.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Minimum levels").click()
    director.get_by_label("Competency", exact=True).select_option(index=0)
    director.get_by_label("Minimum level", exact=True).select_option("5")
    director.get_by_role("button", name="Set the minimum level").click()
    expect(director.get_by_text("Minimum level set to 5.")).to_be_visible()

    nav = director.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Reviewer access").click()
    until = today + timedelta(days=30)
    director.get_by_label("E-mail address").fill(REVIEWER[0])
    director.get_by_label("Name", exact=True).fill(REVIEWER[1])
    director.get_by_label("Last day of access (inclusive)").fill(until.isoformat())
    director.get_by_role("button", name="Invite the reviewer").click()
    expect(
        director.get_by_text(f"{REVIEWER[0]} is invited as a reviewer")
    ).to_be_visible()
    expect(
        director.get_by_role("region", name="Reviewer invitations").get_by_role(
            "button", name=f"Revoke the invitation of {REVIEWER[0]}"
        )
    ).to_be_visible()
    check("the reviewer access page with an invitation", director)

    # --- Each invitee accepts from the outbox and lands on their own home -----------------
    supervisor = person()
    follow_invitation(
        supervisor, url, SUPERVISOR[0], lambda label: check(label, supervisor)
    )
    accept(supervisor, *SUPERVISOR)
    enrol_second_factor(supervisor, "/supervision")

    trainees = {}
    for email, name in TRAINEES:
        trainee = trainees[email] = person()
        follow_invitation(trainee, url, email, lambda label, t=trainee: check(label, t))
        accept(trainee, email, name)
        expect(trainee).to_have_url(re.compile(r"/modules$"))
        expect(trainee.get_by_text(f"Welcome to {PROGRAM}.")).to_be_visible()
        expect(trainee.get_by_role("heading", name="What to do next")).to_be_visible()
    check("a new trainee's home", trainees[TRAINEES[0][0]])

    reviewer = person()
    follow_invitation(reviewer, url, REVIEWER[0], lambda label: check(label, reviewer))
    accept(reviewer, *REVIEWER)
    expect(reviewer).to_have_url(re.compile(r"/program/records$"))
    expect(reviewer.get_by_text("Read-only reviewer access")).to_be_visible()
    expect(reviewer.get_by_text(until.strftime("%d %b %Y"))).to_be_visible()
    check("the reviewer's home", reviewer)

    # each signs in again later, on another device, and lands on their own home
    for email, home in (
        (DIRECTOR[0], "/program"),
        (SUPERVISOR[0], "/supervision"),
        (TRAINEES[1][0], "/modules"),
        (REVIEWER[0], "/program/records"),
    ):
        again = person()
        sign_in(again, url, email, PASSWORDS[email], otp)
        expect(again).to_have_url(re.compile(re.escape(home) + "$"))
        again.context.close()

    # the director assigns the supervisor to the three trainees (they have accounts now)
    nav = director.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Supervision").click()
    for _email, name in TRAINEES:
        director.get_by_label("Supervisor", exact=True).select_option(
            label=SUPERVISOR[1]
        )
        director.get_by_label("Trainee", exact=True).select_option(label=name)
        director.get_by_role("button", name="Assign", exact=True).click()
        expect(
            director.get_by_text(f"{SUPERVISOR[1]} now supervises {name}")
        ).to_be_visible()
        expect(director.get_by_role("rowheader", name=name, exact=True)).to_be_visible()
    check("the assignments", director)
    supervisor.goto(url + "/supervision")
    for _email, name in TRAINEES:
        expect(supervisor.get_by_text(name).first).to_be_visible()

    # --- The heat map shows the statuses and follows a passed quiz -----------------------
    nav = director.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Cohorts").click()
    director.get_by_role("link", name=COHORT).click()
    first_name = TRAINEES[0][1]
    expect(heat_map_status(director, first_name, empathy.title)).to_contain_text(
        "Not started"
    )
    check("the heat map", director)
    take_quiz(trainees[TRAINEES[0][0]], url, empathy, right=True)
    director.reload()
    expect(heat_map_status(director, first_name, empathy.title)).to_contain_text(
        "Knowledge demonstrated"
    )
    expect(heat_map_status(director, TRAINEES[1][1], empathy.title)).to_contain_text(
        "Not started"
    )

    # --- Time passes: the reviewer's access has ended ------------------------------------
    from trainer.auth.services import find_user_by_email
    from trainer.core.extensions import db
    from trainer.core.models import utcnow

    with live_server.app.app_context():
        find_user_by_email(REVIEWER[0]).access_expires_at = utcnow() - timedelta(
            minutes=1
        )
        db.session.commit()
        db.session.remove()
    response = reviewer.goto(url + "/program/records")
    assert response.status == 403
    expect(reviewer.get_by_role("heading", level=1)).to_contain_text("Not allowed")
    check("the 403 page of an expired reviewer", reviewer)
