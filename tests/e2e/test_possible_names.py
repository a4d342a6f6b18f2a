"""A first name on its own in a practice log, in a real browser: refused with where it is, the
box to confirm that it is not a person's name offered (axe-clean, no sideways scrolling on a
phone), and the log recorded once the box is ticked."""

from __future__ import annotations

import re

from playwright.sync_api import expect

BOX = "None of the words marked as possible names is a person’s name"
TEXT = "Grace under pressure was the theme of the session."


def test_a_possible_name_is_refused_then_confirmed(
    page, live_server, sign_in, assert_accessible
):
    page.set_viewport_size({"width": 390, "height": 900})
    sign_in("trainee@example.org")
    page.goto(live_server.url + "/practice?competency=empathy/reflects-feelings")
    expect(page.get_by_label(BOX)).to_have_count(0)
    page.get_by_label("Date of the practice").fill("2026-01-05")
    page.get_by_label("Setting").select_option(label="Individual")
    page.get_by_label("Clinic type").select_option(label="Outpatient clinic")
    page.get_by_label("What I did").fill("Reflected the feeling under her complaint.")
    page.get_by_label("How the client responded").fill("She slowed down and went on.")
    page.get_by_label("Reflection").fill(TEXT)
    page.get_by_role("radio", name=re.compile(r"^3 · ")).check()
    page.get_by_role("button", name="Submit the log").click()

    expect(
        page.get_by_role("alert").filter(
            has_text="the possible name “Grace” (characters 1 to 5)"
        )
    ).to_be_visible()
    expect(page.get_by_label("Reflection")).to_have_value(TEXT)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert_accessible("the practice form with a possible name refused")

    page.get_by_label(BOX).check()
    page.get_by_role("button", name="Submit the log").click()
    expect(page.get_by_text("Practice log recorded.")).to_be_visible()
    expect(page.get_by_text(TEXT)).to_be_visible()
