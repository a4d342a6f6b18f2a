"""Typed text is never lost: a form sent after the session ended or the page expired comes
back with what was typed and a sign-in that returns to it; long text shows its limit and is
refused over it, never cut."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from tests.pagetools import check_page, form_value
from tests.practice.test_views import key, log_form, logs_of

WHAT = "Reflected what each member said about feeling left out."


class TestSessionEnded:
    def test_a_log_sent_after_signing_out_elsewhere_shows_what_was_typed(
        self, client, auth, trainee, module
    ):
        auth.login(trainee)
        page_url = f"/practice?competency={key(module)}"
        token = form_value(client.get(page_url).text, "token")
        auth.logout()  # e.g. in another tab
        response = client.post(
            "/practice",
            data=log_form(trainee, module, token),
            headers={"Referer": f"http://localhost{page_url}"},
        )
        assert response.status_code == 401
        page = check_page(response.text)
        assert page.find("h1").text.startswith("Your form was not sent")
        assert WHAT in [t.text for t in page.find_all("textarea")]
        [sign_in] = [
            a for a in page.find_all("a") if a.text == "Sign in and return to the form"
        ]
        target = urlsplit(sign_in.attrs["href"])
        assert target.path == "/login"
        assert parse_qs(target.query)["next"] == [page_url]
        assert logs_of(trainee) == []

    def test_a_stale_form_token_shows_what_was_typed_and_no_bare_400(
        self, client, auth, trainee, module
    ):
        auth.login(trainee)
        token = form_value(
            client.get(f"/practice?competency={key(module)}").text, "token"
        )
        response = client.post(
            "/practice",
            data={**log_form(trainee, module, token), "csrf_token": "stale"},
            csrf=False,
        )
        assert response.status_code == 400
        page = check_page(response.text)
        assert "The form expired before it was sent" in page.text
        assert WHAT in [t.text for t in page.find_all("textarea")]
        assert "Return to the form" in [
            a.text for a in page.find_all("a", href="/practice")
        ]

    def test_secrets_are_never_shown_back(self, client, auth, supervisor, trainee):
        response = client.post(
            f"/supervision/trainees/{trainee.id}/sign",
            data={
                "password": "my-secret-password",
                "code": "123456",
                "period": "1",
                "reason": "Typed before the session ended",
            },
        )
        assert response.status_code == 401
        assert "Typed before the session ended" in response.text
        assert "my-secret-password" not in response.text
        assert "123456" not in response.text


class TestLimits:
    def test_a_long_field_shows_its_limit_and_has_no_cutting_maxlength(
        self, client, auth, trainee, module
    ):
        auth.login(trainee)
        page = check_page(client.get(f"/practice?competency={key(module)}").text)
        field = page.find("textarea", id="what_i_did")
        assert field.attrs["data-limit"] == "5000"
        assert "maxlength" not in field.attrs
        assert "what_i_did-count" in field.attrs["aria-describedby"]
        assert page.find("div", id="what_i_did-count").text == "Up to 5,000 characters."
        assert page.find("script", src="/static/js/forms.js")

    def test_text_over_the_limit_is_refused_with_a_message_and_kept_whole(
        self, client, auth, trainee, module
    ):
        auth.login(trainee)
        token = form_value(
            client.get(f"/practice?competency={key(module)}").text, "token"
        )
        long_text = "Reflected the feeling. " * 220 + "End."  # 5,064 characters
        response = client.post(
            "/practice", data=log_form(trainee, module, token, what_i_did=long_text)
        )
        assert response.status_code == 422
        page = check_page(response.text)
        assert page.find("textarea", id="what_i_did").text == long_text
        assert "5000 characters" in page.find("div", id="what_i_did-errors").text
        assert logs_of(trainee) == []
