"""No page of any role's journey scrolls sideways, on a desktop (1280 px) or a phone (390 px):
the document is never wider than the window; wide tables scroll inside their own region."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import DEMO_PASSWORD
from trainer.core.extensions import db

WIDTHS = [1280, 390]


def seed_records(live_server, otp) -> dict[str, int]:
    """Practice logs, attempts, drafts and a signed evaluation for the demo trainee."""
    from tests.factories.supervision import draft_module, log_practice, take_attempt
    from trainer.auth.services import find_user_by_email
    from trainer.core.tokens import new_submission_token
    from trainer.program.periods import evaluation_periods
    from trainer.supervision.signing import sign_period

    app = live_server.app
    with app.test_request_context():
        trainee = find_user_by_email("trainee@example.org")
        supervisor = find_user_by_email("supervisor@example.org")
        empathy = app.extensions["curriculum"].get("empathy")
        other = app.extensions["curriculum"].get("goal-consensus")
        log = log_practice(trainee, empathy)
        log_practice(trainee, empathy, empathy.meta.competencies[1].id)
        take_attempt(trainee, empathy, right=False, number=1)
        take_attempt(trainee, empathy, right=True, number=2)
        first, second = evaluation_periods(trainee.program_id)[:2]
        draft_module(supervisor, trainee, first, empathy)
        db.session.commit()
        ids = {
            "trainee": trainee.id,
            "log": log.id,
            "first": first.id,
            "second": second.id,
        }
        period_type = type(first)
        db.session.remove()
    code = otp("supervisor@example.org")
    with app.test_request_context():
        supervisor = find_user_by_email("supervisor@example.org")
        trainee = find_user_by_email("trainee@example.org")
        sign_off, _ = sign_period(
            supervisor,
            trainee,
            db.session.get(period_type, ids["first"]),
            password=DEMO_PASSWORD,
            token=new_submission_token(),
            code=code,
        )
        ids["sign_off"] = sign_off.id
        draft_module(
            supervisor, trainee, db.session.get(period_type, ids["second"]), other
        )
        db.session.commit()
        db.session.remove()
    return ids


def journeys(ids) -> dict[str, list[str]]:
    t = ids["trainee"]
    return {
        "trainee@example.org": [
            "/modules",
            "/modules/empathy",
            "/modules/empathy/quiz",
            "/modules/empathy/quiz/attempts/1",
            "/progress",
            "/practice",
            "/practice?competency=empathy/reflects-feelings",
            f"/practice/{ids['log']}",
            f"/supervision/sign-offs/{ids['sign_off']}",
            "/notifications",
            "/account",
        ],
        "supervisor@example.org": [
            "/supervision",
            f"/supervision/trainees/{t}",
            f"/supervision/trainees/{t}/modules/empathy?period={ids['first']}",
            f"/supervision/trainees/{t}/modules/goal-consensus",
            f"/supervision/sign-offs/{ids['sign_off']}",
            "/supervision/feedback",
        ],
        "director@example.org": ["/program/feedback", "/program/items", "/audit"],
        "reviewer@example.org": ["/audit"],
    }


def serious_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']})"
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_of_any_journey_scrolls_sideways(browser, live_server, otp, width):
    """Every page of every role's journey, measured (scrollWidth) and checked by axe."""
    ids = seed_records(live_server, otp)
    too_wide = []
    inaccessible = []
    for email, paths in journeys(ids).items():
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        page.goto(live_server.url + "/login")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(DEMO_PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if page.url.split("?")[0].endswith("/login/code"):
            page.get_by_label("Code from your authenticator app").fill(otp(email))
            page.get_by_role("button", name="Continue").click()
            page.wait_for_load_state()
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status < 400, (email, path, response.status)
            scroll = page.evaluate("document.documentElement.scrollWidth")
            if scroll > width:
                too_wide.append(f"{path} as {email.split('@')[0]}: {scroll} px")
            if bad := serious_violations(page):
                inaccessible.append(f"{path}: {bad}")
        context.close()
    assert not too_wide, f"pages wider than {width} px:\n" + "\n".join(too_wide)
    assert not inaccessible, "axe: " + "\n".join(inaccessible)
