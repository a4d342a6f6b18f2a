"""The security probe's findings (issue 14, items 1-4, 8 and 9): no request stops a worker or
answers 500, cookies and HSTS in production, proxies, sign-in limits, nothing a user wrote in
the log. Each test failed on commit a679362."""

from __future__ import annotations

import io
import json
import logging
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD, AuthActions
from tests.pagetools import check_page, form_value
from tests.test_access import VARIABLE, routes
from trainer.auth.permissions import Role, has_permission
from trainer.core.extensions import db
from trainer.core.logging import redacted_traceback
from trainer.core.requests import DATABASE_INT_MAX
from trainer.privacy import deidentify
from trainer.program.services import program_today

HUGE_IDS = [str(DATABASE_INT_MAX + 1), "99999999999999999999999", "9" * 5000]


def row_counts() -> dict[str, int]:
    return {
        table.name: db.session.scalar(sa.select(sa.func.count()).select_from(table))
        for table in db.metadata.sorted_tables
    }


def practice_form(client, trainee, module, **overrides):
    competency = f"{module.slug}/{module.meta.competencies[0].id}"
    token = form_value(client.get(f"/practice?competency={competency}").text, "token")
    data = {
        "competency": competency,
        "token": token,
        "practised_on": (program_today(trainee) - timedelta(days=2)).isoformat(),
        "modality": "group",
        "clinic_type": "community",
        "what_i_did": "Reflected what each member said about feeling left out.",
        "client_response": "Two members said they felt the same.",
        "reflection": "I could have linked the two statements sooner.",
        "self_rating": "3",
    }
    data.update(overrides)
    return data


class _CountingStream(io.BytesIO):
    def __init__(self, data: bytes):
        super().__init__(data)
        self.bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


class TestOneRequestCannotStopAWorker:
    def test_an_oversized_body_is_refused_before_it_is_read(self, client, app):
        stream = _CountingStream(b"a" * 10)
        response = client.post(
            "/login",
            input_stream=stream,
            content_type="application/x-www-form-urlencoded",
            # what the client announces (the test client would count the stream instead)
            environ_overrides={
                "CONTENT_LENGTH": str(app.config["MAX_CONTENT_LENGTH"] + 1)
            },
            csrf=False,
        )
        assert response.status_code == 413
        assert stream.bytes_read == 0
        page = check_page(response.text)
        assert page.find("h1").text.startswith("Too much to send")

    def test_a_url_encoded_form_over_the_cap_saves_nothing(
        self, client, auth, trainee, module
    ):
        auth.login(trainee)
        before = row_counts()
        data = practice_form(client, trainee, module, what_i_did="A" * 600_000)
        response = client.post("/practice", data=data)
        assert response.status_code == 413
        assert row_counts() == before

    def test_a_field_over_its_length_is_not_read_by_the_identifier_check(
        self, client, auth, trainee, module, monkeypatch
    ):
        lengths = []
        real = deidentify.find_identifiers

        def spy(text):
            lengths.append(len(text))
            return real(text)

        monkeypatch.setattr("trainer.practice.forms.find_identifiers", spy)
        auth.login(trainee)
        data = practice_form(client, trainee, module, what_i_did="9" * 200_000)
        started = time.perf_counter()
        response = client.post("/practice", data=data)
        assert time.perf_counter() - started < 5
        assert response.status_code == 422
        assert "Field cannot be longer than 5000 characters." in response.text
        assert max(lengths) <= 5000
        # what the trainee typed in the other fields is still in the form
        assert "I could have linked the two statements sooner." in response.text

    def test_every_form_of_the_app_bounds_its_fields(self, app):
        from flask_wtf import FlaskForm

        from trainer.core.forms import BoundedForm

        def subclasses(base):
            for sub in base.__subclasses__():
                yield sub
                yield from subclasses(sub)

        forms = [
            form
            for form in subclasses(FlaskForm)
            if form.__module__.startswith("trainer.") and form is not BoundedForm
        ]
        assert len(forms) > 10
        assert [f.__name__ for f in forms if not issubclass(f, BoundedForm)] == []


class TestNoServerErrorFromAnyInput:
    def test_a_nul_byte_in_a_text_field_is_a_form_error_that_keeps_the_input(
        self, client, auth, trainee, module
    ):
        auth.login(trainee)
        before = row_counts()
        data = practice_form(client, trainee, module, what_i_did="a\x00b")
        response = client.post("/practice", data=data)
        assert response.status_code == 422
        assert "cannot be stored (NUL)" in response.text
        assert "Two members said they felt the same." in response.text
        assert row_counts() == before

    def test_a_nul_byte_in_a_token_or_the_query_string_is_refused(
        self, client, auth, make_user, trainee, module
    ):
        auth.login(trainee)
        data = practice_form(client, trainee, module, token="ab\x00cd")
        assert client.post("/practice", data=data).status_code == 422
        assert client.get("/progress?x=a%00b").status_code == 400
        assert client.get("/modules/empa%00thy").status_code == 404
        client.post("/logout")
        AuthActions(client).login(make_user("reviewer"))
        response = client.get("/audit?actor=a%00@b.org")
        assert response.status_code == 400
        assert "(NUL)" in response.text

    def test_ids_beyond_the_database_range_are_404_on_every_route(
        self, app, client, make_user, world
    ):
        """Every route with an <int:...> variable, as every role that may use it."""
        failures = []
        for role in Role:
            user = make_user(role.value)
            client = app.test_client()
            AuthActions(client).login(user)
            for rule, access, _url, method in routes(app):
                ints = [
                    m["name"]
                    for m in VARIABLE.finditer(rule.rule)
                    if m["converter"] == "int"
                ]
                if not ints or access is None:
                    continue
                if access.kind == "permission" and not has_permission(
                    role, access.permission
                ):
                    continue
                for huge in HUGE_IDS:
                    url = rule.rule
                    for match in VARIABLE.finditer(rule.rule):
                        value = (
                            huge
                            if match["name"] in ints
                            else (world.module.slug if match["name"] == "slug" else "x")
                        )
                        url = url.replace(match.group(0), value)
                    headers = (
                        {} if method == "GET" else {"X-CSRFToken": client.csrf_token()}
                    )
                    response = client.open(url, method=method, headers=headers)
                    if response.status_code != 404:
                        failures.append(
                            f"{role} {method} {url[:60]}: {response.status}"
                        )
        assert not failures, "\n".join(failures)

    @pytest.mark.parametrize("huge", HUGE_IDS[:2])
    def test_id_query_parameters_beyond_the_range_are_404(
        self, client, auth, world, make_user, huge
    ):
        auth.login(world.supervisor)
        trainee = world.trainee
        assert (
            client.get(f"/supervision/trainees/{trainee.id}?period={huge}").status_code
            == 404
        )
        page = client.get(
            f"/supervision/trainees/{trainee.id}?period={world.end_of_year.id}"
        ).text
        token = form_value(
            page, "token", action=f"/supervision/trainees/{trainee.id}/sign"
        )
        response = client.post(
            f"/supervision/trainees/{trainee.id}/sign",
            data={"period": huge, "token": token, "password": PASSWORD, "attest": "y"},
        )
        assert response.status_code == 404
        client.post("/logout")
        auth.login(make_user("reviewer"))
        assert client.get(f"/audit?before={huge}{'9' * 20}").status_code == 404

    @pytest.mark.parametrize(
        "document",
        [
            "[" * 16000,
            "1" * 5000,
            '{"checkpoint": {"seq": ' + "9" * 4400 + "}}",
        ],
    )
    def test_malformed_checkpoints_on_verify_are_422(self, client, document):
        response = client.post("/verify", data={"document": document})
        assert response.status_code == 422
        check_page(response.text)

    def test_a_checkpoint_seq_beyond_2_to_the_53_is_422(self, client, app):
        from trainer.audit.signing import signing_key

        with app.app_context():
            fingerprint = signing_key().fingerprint
        body = {
            "type": "ebtr-trainer/audit-checkpoint/v1",
            "seq": 2**53 + 1,
            "hash": "a" * 64,
            "time": "2026-11-25T16:00:00.000000Z",
            "key_fingerprint": fingerprint,
        }
        document = json.dumps({"checkpoint": body, "signature": "A" * 86 + "=="})
        response = client.post("/verify", data={"document": document})
        assert response.status_code == 422
        assert "from 1 to 9007199254740991" in response.text

    @pytest.mark.parametrize("blank", [" ", "\r\n", "\t\n", "\u2003"])
    def test_an_observation_of_whitespace_is_a_form_error(
        self, client, auth, supervisor, trainee, assigned, mid_year, module, blank
    ):
        auth.login(supervisor)
        competency = module.meta.competencies[0].id
        url = f"/supervision/trainees/{trainee.id}/modules/{module.slug}/competencies/{competency}/draft"
        data = {
            f"{competency}-period": mid_year.id,
            f"{competency}-level": "4",
            f"{competency}-observation": blank,
            f"{competency}-observed_on": (
                program_today(supervisor) - timedelta(days=1)
            ).isoformat(),
            f"{competency}-comment": "Tracked the implied feeling well.",
        }
        response = client.post(url, data=data)
        assert response.status_code == 422
        assert "Say how you observed the practice" in response.text
        assert "Tracked the implied feeling well." in response.text

    @pytest.mark.parametrize("query", ["date_to=9999-12-31", "date_from=0001-01-01"])
    def test_audit_dates_at_the_ends_of_the_calendar_are_a_form_error(
        self, client, auth, make_user, query
    ):
        auth.login(make_user("reviewer"))
        response = client.get(f"/audit?{query}")
        assert response.status_code == 400
        assert "Give a date from 1900-01-01 to 9998-12-31." in response.text

    def test_an_unparsable_next_after_a_good_sign_in_goes_home(self, client, trainee):
        response = client.post(
            "/login?next=//%5B",
            data={"email": trainee.email, "password": PASSWORD},
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/modules"


class TestNothingAUserWroteReachesTheLog:
    def test_a_traceback_keeps_the_frames_but_not_the_message(self):
        written = "Jane" + " Roe"  # what a user wrote, not in the source shown
        try:
            raise ValueError(f"client said her name is {written}")
        except ValueError as error:
            text = redacted_traceback(error)
        assert "Jane Roe" not in text
        assert "ValueError: (message withheld)" in text
        assert "test_a_traceback_keeps_the_frames_but_not_the_message" in text

    def test_an_unhandled_error_is_logged_without_its_message(
        self, make_fresh_app, caplog
    ):
        from trainer.core.access import public

        fresh = make_fresh_app()

        written = "she disclosed" + " her diagnosis"

        def broken():
            raise ValueError(f"reflection: {written}")

        fresh.add_url_rule("/broken", "broken", public(broken))
        with caplog.at_level(logging.ERROR, logger="trainer"):
            response = fresh.test_client().get("/broken")
        assert response.status_code == 500
        assert "ValueError" in caplog.text
        assert "disclosed" not in caplog.text

    def test_sql_errors_do_not_carry_their_parameters(self, db_session):
        with pytest.raises(sa.exc.StatementError) as raised:
            db.session.execute(
                sa.text("SELECT * FROM no_such_table WHERE x = :x"),
                {"x": "what the trainee wrote"},
            )
        db.session.rollback()
        assert "what the trainee wrote" not in str(raised.value)

    @pytest.mark.parametrize(
        ("sent", "kept"),
        [
            ("abc-DEF-123", True),
            ("a" * 64, True),
            ("short", False),
            ("a" * 65, False),
            ("x] INFO [-] trainer: forged", False),
            ("abc def ghi", False),
        ],
    )
    def test_a_client_request_id_is_kept_only_in_a_strict_format(self, app, sent, kept):
        from flask import g

        with app.test_request_context("/healthz", headers={"X-Request-Id": sent}):
            app.preprocess_request()
            assert (g.request_id == sent) is kept
            assert len(g.request_id) >= 8


@pytest.fixture
def production_app(make_fresh_app):
    """The app as it runs in production (no FLASK_DEBUG, not testing); the logging it sets up
    for stdout is put back afterwards so that pytest keeps capturing."""
    trainer_logger = logging.getLogger("trainer")
    saved = (
        trainer_logger.handlers[:],
        trainer_logger.level,
        trainer_logger.propagate,
    )
    try:
        yield make_fresh_app(TESTING=False, DEBUG=False)
    finally:
        trainer_logger.handlers[:], trainer_logger.level, trainer_logger.propagate = (
            saved
        )


class TestCookiesAndTransport:
    def test_production_cookies_are_secure_and_every_response_has_hsts(
        self, production_app, make_user
    ):
        user = make_user("trainee")
        db.session.commit()  # the fresh app's request ends by removing the session
        client = production_app.test_client()
        responses = {
            "HTML": client.get("/login"),
            "redirect": client.get("/progress"),
            "404": client.get("/no-such-page"),
            "400": client.post("/login", data={}, csrf=False),
            "static": client.get("/static/css/app.css"),
            "static 404": client.get("/static/nope.css"),
            "PEM": client.get("/verify/public-key.pem"),
        }
        for response in responses.values():
            response.close()
        for name, response in responses.items():
            assert response.headers["Strict-Transport-Security"].startswith(
                "max-age=31536000"
            ), name
        assert responses["static"].status_code == 200
        session_cookie = responses["HTML"].headers["Set-Cookie"]
        assert session_cookie.startswith("session=")
        assert "Secure" in session_cookie
        signed_in = client.post(
            "/login",
            data={"email": user.email, "password": PASSWORD, "remember": "y"},
        )
        assert signed_in.status_code == 302
        cookies = signed_in.headers.getlist("Set-Cookie")
        assert any(c.startswith("remember_token=") and "Secure" in c for c in cookies)
        assert all("Secure" in c for c in cookies)

    def test_development_sends_neither(self, client):
        response = client.get("/login")
        assert "Strict-Transport-Security" not in response.headers
        assert "Secure" not in response.headers["Set-Cookie"]


def _sign_in(client, email, password, address):
    return client.post(
        "/login",
        data={"email": email, "password": password},
        headers={"X-Forwarded-For": address},
        environ_base={"REMOTE_ADDR": "10.0.0.2"},  # the load balancer
    )


class TestBehindAProxy:
    def test_a_class_of_60_signs_in_from_one_address_and_a_guessing_run_is_stopped(
        self, make_fresh_app, make_user
    ):
        users = [make_user("trainee") for _ in range(60)]
        db.session.commit()
        fresh = make_fresh_app(TRUSTED_PROXIES=1)
        clinic = "198.51.100.20"
        statuses = [
            _sign_in(fresh.test_client(), user.email, PASSWORD, clinic).status_code
            for user in users
        ]
        assert statuses == [302] * 60
        guesses = [
            _sign_in(
                fresh.test_client(),
                f"nobody{n}@example.org",
                "wrong-password",
                "203.0.113.9",
            ).status_code
            for n in range(22)
        ]
        assert guesses == [401] * 20 + [429] * 2
        # the limit is the guesser's, not the load balancer's: the clinic still signs in
        assert (
            _sign_in(fresh.test_client(), users[0].email, PASSWORD, clinic).status_code
            == 302
        )

    def test_without_trusted_proxies_a_forwarded_address_is_ignored(
        self, app, client, make_user
    ):
        assert app.config["TRUSTED_PROXIES"] == 0
        statuses = [
            _sign_in(
                client, f"nobody{n}@example.org", "wrong-password", f"192.0.2.{n}"
            ).status_code
            for n in range(21)
        ]
        assert statuses[-1] == 429


class TestSignInLimits:
    def test_a_flood_of_wrong_passwords_does_not_lock_the_owner_out_elsewhere(
        self, client, trainee
    ):
        attacker, owner = "203.0.113.66", "198.51.100.1"
        flood = [
            client.post(
                "/login",
                data={"email": trainee.email, "password": "wrong-password"},
                environ_base={"REMOTE_ADDR": attacker},
            ).status_code
            for _ in range(7)
        ]
        assert flood == [401] * 5 + [429] * 2
        response = client.post(
            "/login",
            data={"email": trainee.email.upper(), "password": PASSWORD},
            environ_base={"REMOTE_ADDR": owner},
        )
        assert response.status_code == 302

    def test_the_429_page_says_when_to_try_again_without_the_raw_limit(
        self, client, trainee
    ):
        for _ in range(5):
            client.post(
                "/login", data={"email": trainee.email, "password": "nope-nope"}
            )
        response = client.post(
            "/login", data={"email": trainee.email, "password": PASSWORD}
        )
        assert response.status_code == 429
        seconds = int(response.headers["Retry-After"])
        assert 1 <= seconds <= 61
        page = check_page(response.text)
        assert "Try again in" in page.find("main").text
        assert "per 1 minute" not in response.text
        assert "5 per" not in response.text
