"""The director invites a trainee on the People page; the invitation appears in the
development outbox (/dev/outbox, no mail server); the trainee follows its link, is refused a
weak password with the name kept, chooses a good one and is signed in; a second visit to the
link says it has been used. Every page is axe-clean."""

from __future__ import annotations

import re

from playwright.sync_api import expect

NEW_EMAIL = "nia.newcomer@example.org"
PASSWORD = "violet-harbour-compass-58"


def test_a_director_invites_a_trainee_who_accepts_from_the_outbox(
    page, live_server, sign_in, assert_accessible, browser
):
    sign_in("director@example.org")
    page.get_by_role("link", name="People").click()
    expect(page.get_by_role("heading", name=re.compile("People of"))).to_be_visible()
    assert_accessible("the People page")
    form = page.locator(
        "form", has=page.get_by_role("button", name="Send the invitation")
    )
    form.get_by_label("E-mail address").fill(NEW_EMAIL)
    form.get_by_label("Name").fill("Nia Newcomer")
    form.get_by_label("Role").select_option("trainee")
    form.get_by_label("Cohort (trainees only)").select_option(index=1)
    form.get_by_role("button", name="Send the invitation").click()
    expect(page.get_by_text(f"{NEW_EMAIL} is invited as a trainee.")).to_be_visible()
    expect(page.get_by_role("cell", name=re.compile("invited until"))).to_be_visible()

    # The invitee: another browser, nobody signed in.
    invitee = browser.new_context().new_page()
    invitee.goto(f"{live_server.url}/dev/outbox")
    expect(invitee.get_by_role("heading", name="Development outbox")).to_be_visible()
    invitee.get_by_role("link", name=re.compile("Your invitation to")).first.click()
    link = invitee.get_by_role("link", name=re.compile(r"invitations\/"))
    expect(link).to_be_visible()
    invitation_url = link.get_attribute("href")
    link.click()
    expect(invitee.get_by_role("heading", name=re.compile("Join "))).to_be_visible()
    expect(invitee.get_by_label("Your full name")).to_have_value("Nia Newcomer")

    invitee.get_by_label("Password (12 characters or more)").fill("password1234")
    invitee.get_by_label("Password, again").fill("password1234")
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee.get_by_text("The form has")).to_be_visible()
    expect(invitee.get_by_label("Your full name")).to_have_value("Nia Newcomer")

    invitee.get_by_label("Password (12 characters or more)").fill(PASSWORD)
    invitee.get_by_label("Password, again").fill(PASSWORD)
    invitee.get_by_role("button", name="Create my account").click()
    expect(invitee.get_by_text("Welcome to")).to_be_visible()
    expect(invitee.get_by_role("link", name="Nia Newcomer")).to_be_visible()

    # The link works once.
    stranger = browser.new_context().new_page()
    stranger.goto(invitation_url)
    expect(
        stranger.get_by_role("heading", name="This invitation has been accepted")
    ).to_be_visible()


def test_invitation_pages_are_accessible(page, live_server, assert_accessible):
    """axe on the pages an invitee sees, on the page the test above drives."""
    from trainer.auth.permissions import Role
    from trainer.auth.services import find_user_by_email
    from trainer.core.extensions import db
    from trainer.invitations.services import invite

    with live_server.app.test_request_context(base_url=live_server.url):
        director = find_user_by_email("director@example.org")
        invite(
            director.program,
            email="sue@example.org",
            name="Sue",
            role=Role.SUPERVISOR,
            by=director,
        )
        db.session.commit()
        import sqlalchemy as sa

        from trainer.mail.models import MailMessage

        body = db.session.scalars(
            sa.select(MailMessage.body).order_by(MailMessage.id.desc())
        ).first()
        db.session.remove()
    path = re.search(r"/invitations/\S+", body).group(0)
    page.goto(live_server.url + path)
    expect(page.get_by_role("heading", name=re.compile("Join "))).to_be_visible()
    assert_accessible("the invitation page")
    page.get_by_role("button", name="Create my account").click()
    expect(page.get_by_text("The form has")).to_be_visible()
    assert_accessible("the invitation page with errors")
    page.goto(live_server.url + path[:-4])
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    assert_accessible("a tampered invitation link")
    page.goto(live_server.url + "/password-reset")
    assert_accessible("the password-reset page")
    page.goto(live_server.url + "/dev/outbox")
    assert_accessible("the development outbox")
