"""The director runs the demo program: lands on the dashboard, creates a cohort (a mistake
first), reads the heat map (by keyboard, and at 390 px), adds and reorders periods, sets a
minimum level, grants a reviewer access and reads a trainee's record; axe on every page."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect


def test_director_runs_the_program(page, live_server, sign_in, assert_accessible):
    sign_in("director@example.org")
    expect(page).to_have_url(re.compile(r"/program$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Demo Psychology Internship"
    )
    assert_accessible("the dashboard")

    nav = page.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Cohorts").click()
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_text("Name the cohort.")).to_be_visible()
    assert_accessible("the cohorts page with an error")
    page.get_by_label("Cohort name").fill("Class of 2028")
    page.get_by_role("button", name="Create the cohort").click()
    expect(page.get_by_text("Cohort 'Class of 2028' created.")).to_be_visible()

    page.get_by_role("link", name="2026–2027 cohort").click()
    heat_map = page.get_by_role("region", name=re.compile("^Heat map"))
    expect(
        heat_map.get_by_role("link", name="Taylor Trainee", exact=True)
    ).to_be_visible()
    expect(heat_map.get_by_text("Not started").first).to_be_visible()
    assert_accessible("the heat map")
    heat_map.focus()
    expect(heat_map).to_be_focused()
    page.keyboard.press("Tab")
    expect(
        heat_map.get_by_role("link", name="Taylor Trainee", exact=True)
    ).to_be_focused()

    page.set_viewport_size({"width": 390, "height": 800})
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= 390, f"the page scrolls sideways at 390 px ({overflow})"
    assert page.evaluate(
        "(() => { const r = document.querySelector('.heat-map');"
        " return r.scrollWidth > r.clientWidth; })()"
    ), "the heat map should scroll inside its own region"
    assert_accessible("the heat map at 390 px")
    page.set_viewport_size({"width": 1280, "height": 800})

    page.get_by_label("At-risk flag").select_option(label="No activity for 30 days")
    page.get_by_role("button", name="Show").click()
    expect(page.get_by_text(re.compile(r"^\d+ of \d+ trainees? shown"))).to_be_visible()

    nav = page.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Evaluation periods").click()
    page.get_by_label("Period name").fill("Summer")
    page.get_by_label("Starts on").fill("2027-06-01")
    page.get_by_label("Ends on").fill("2027-05-01")
    page.get_by_role("button", name="Create the period").click()
    expect(
        page.get_by_text("The period must end on or after its start.")
    ).to_be_visible()
    expect(page.get_by_label("Period name")).to_have_value("Summer")
    assert_accessible("the periods page with an error")
    page.get_by_label("Ends on").fill("2027-08-31")
    page.get_by_role("button", name="Create the period").click()
    expect(page.get_by_text("Evaluation period 'Summer' created.")).to_be_visible()
    page.get_by_role("button", name=re.compile("move Summer up")).click()
    expect(page.get_by_text("Summer moved.")).to_be_visible()

    nav = page.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Minimum levels").click()
    page.get_by_label("Competency", exact=True).select_option(index=0)
    page.get_by_label("Minimum level", exact=True).select_option("5")
    page.get_by_role("button", name="Set the minimum level").click()
    expect(page.get_by_text("Minimum level set to 5.")).to_be_visible()
    expect(page.get_by_text(re.compile("from 4 to 5 by Dana Director"))).to_be_visible()
    assert_accessible("the minimum levels")

    nav = page.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Reviewer access").click()
    until = date.today() + timedelta(days=30)
    page.get_by_label("Access until (last day, inclusive)").fill(until.isoformat())
    page.get_by_role("button", name="Grant or extend access").click()
    expect(
        page.get_by_text(f"Riley Reviewer may read the program until {until}.")
    ).to_be_visible()
    assert_accessible("the reviewer access page")

    nav = page.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Supervision").click()
    expect(page.get_by_role("cell", name="Sam Supervisor", exact=True)).to_be_visible()
    assert_accessible("the assignments")

    nav = page.get_by_role("navigation", name="Program pages")
    nav.get_by_role("link", name="Trainee records").click()
    page.get_by_role("link", name="Taylor Trainee", exact=True).click()
    expect(page.get_by_role("heading", name="Taylor Trainee", level=1)).to_be_visible()
    expect(page.get_by_role("heading", name="Ratings across periods")).to_be_visible()
    assert_accessible("a trainee's record")
