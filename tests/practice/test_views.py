"""The trainee's practice log pages: choose a competency, log with a self-rating, see it,
correct it; identifiers refused with the input kept; a double submit records once."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.factories.supervision import log_practice
from tests.pagetools import check_page, form_value
from trainer.core.clock import long_date
from trainer.core.extensions import db
from trainer.program.services import program_today
from trainer.record.models import PracticeLog


def key(module, index=0):
    return f"{module.slug}/{module.meta.competencies[index].id}"


def log_form(trainee, module, token, **overrides):
    data = {
        "competency": key(module),
        "token": token,
        "practised_on": (program_today(trainee) - timedelta(days=2)).isoformat(),
        "modality": "group",
        "clinic_type": "community",
        "what_i_did": "Reflected what each member said about feeling left out.",
        "client_response": "Two members said they felt the same and the group went quiet.",
        "reflection": "I could have linked the two statements sooner.",
        "self_rating": "3",
    }
    data.update(overrides)
    return data


def logs_of(trainee):
    return list(
        db.session.scalars(
            sa.select(PracticeLog).where(PracticeLog.trainee_id == trainee.id)
        )
    )


class TestPracticePage:
    def test_it_lists_the_logs_and_offers_the_competencies(
        self, client, auth, trainee, module
    ):
        log = log_practice(trainee, module)
        auth.login(trainee)
        page = check_page(client.get("/practice").text)
        assert page.find("h1").text == "Practice log"
        options = [
            o.attrs["value"]
            for o in page.find("select", id="competency-choice").find_all("option")
        ]
        assert key(module) in options
        assert page.find("a", href=f"/practice/{log.id}").text == long_date(
            log.practised_on
        )

    def test_choosing_a_competency_shows_the_form_with_the_rubric_anchors(
        self, client, auth, trainee, module
    ):
        auth.login(trainee)
        page = check_page(client.get(f"/practice?competency={key(module)}").text)
        competency = module.meta.competencies[0]
        assert competency.statement in page.text
        legend = page.find("fieldset", class_="rubric").find("legend").text
        assert legend.startswith("My rating of myself on the rubric")
        labels = page.find("fieldset", class_="rubric").text
        for anchor in competency.anchors.by_level().values():
            assert " ".join(anchor.split()) in labels

    def test_a_log_is_recorded_and_shown(self, client, auth, trainee, module):
        auth.login(trainee)
        token = form_value(
            client.get(f"/practice?competency={key(module)}").text, "token"
        )
        response = client.post("/practice", data=log_form(trainee, module, token))
        [log] = logs_of(trainee)
        assert response.status_code == 302
        assert response.headers["Location"] == f"/practice/{log.id}"
        page = check_page(client.get(f"/practice/{log.id}").text)
        assert "Reflected what each member said" in page.text
        assert "3 · Developing" in page.text
        assert (
            page.find("a", href=f"/practice/{log.id}/correct").text
            == "Correct this log"
        )

    def test_a_double_submit_records_once(self, client, auth, trainee, module):
        auth.login(trainee)
        token = form_value(
            client.get(f"/practice?competency={key(module)}").text, "token"
        )
        first = client.post("/practice", data=log_form(trainee, module, token))
        second = client.post("/practice", data=log_form(trainee, module, token))
        assert first.headers["Location"] == second.headers["Location"]
        assert len(logs_of(trainee)) == 1

    def test_an_identifier_is_refused_with_what_to_remove_and_the_input_kept(
        self, client, auth, trainee, module
    ):
        auth.login(trainee)
        data = log_form(
            trainee,
            module,
            "tok",
            client_response="She emailed me from sam.r@example.com after the group.",
        )
        response = client.post("/practice", data=data)
        assert response.status_code == 422
        page = check_page(response.text)
        error = page.find("div", id="client_response-errors").text
        assert "Remove the e-mail address “sam.r@example.com”" in error
        assert (
            page.find("textarea", id="client_response").attrs["aria-invalid"] == "true"
        )
        assert (
            "sam.r@example.com after the group"
            in page.find("textarea", id="client_response").text
        )
        assert (
            "Reflected what each member said"
            in page.find("textarea", id="what_i_did").text
        )
        assert page.find("input", id="self_rating-2").attrs.get("checked") is not None
        assert logs_of(trainee) == []

    def test_missing_fields_and_a_future_date_are_named(
        self, client, auth, trainee, module
    ):
        auth.login(trainee)
        future = (program_today(trainee) + timedelta(days=2)).isoformat()
        response = client.post(
            "/practice",
            data=log_form(
                trainee,
                module,
                "tok",
                practised_on=future,
                reflection="",
                self_rating="",
            ),
        )
        assert response.status_code == 422
        text = check_page(response.text).text
        assert "cannot be in the future" in text
        assert "Write something under “Reflection”" in text
        assert "Rate yourself on the rubric" in text

    def test_the_practice_date_field_itself_is_allowed(
        self, client, auth, trainee, module
    ):
        auth.login(trainee)
        response = client.post("/practice", data=log_form(trainee, module, "tok"))
        assert response.status_code == 302

    def test_a_post_without_a_competency_shows_the_chooser(self, client, auth, trainee):
        auth.login(trainee)
        response = client.post("/practice", data={})
        assert response.status_code == 422
        check_page(response.text).find("select", id="competency-choice")


class TestCorrectionPage:
    def test_the_form_is_prefilled_and_a_correction_supersedes(
        self, client, auth, trainee, module
    ):
        original = log_practice(trainee, module, self_rating=5)
        auth.login(trainee)
        page = client.get(f"/practice/{original.id}/correct").text
        assert (
            original.what_i_did
            in check_page(page).find("textarea", id="what_i_did").text
        )
        token = form_value(page, "token")
        data = log_form(
            trainee, module, token, self_rating="3", reason="I rated myself too high."
        )
        response = client.post(f"/practice/{original.id}/correct", data=data)
        correction = next(
            log for log in logs_of(trainee) if log.supersedes_id == original.id
        )
        assert response.headers["Location"] == f"/practice/{correction.id}"
        old = check_page(client.get(f"/practice/{original.id}").text)
        assert "Superseded." in old.text
        assert old.find("a", href=f"/practice/{correction.id}").text == "a later log"
        assert old.find_all("a", href=f"/practice/{original.id}/correct") == []
        new = check_page(client.get(f"/practice/{correction.id}").text)
        assert "Reason: I rated myself too high." in new.text

    def test_a_correction_needs_a_reason(self, client, auth, trainee, module):
        original = log_practice(trainee, module)
        auth.login(trainee)
        response = client.post(
            f"/practice/{original.id}/correct",
            data=log_form(trainee, module, "t", reason=""),
        )
        assert response.status_code == 422
        assert (
            "Write something under “Why you are correcting this log”" in response.text
        )

    def test_a_corrected_log_sends_you_to_its_latest_version(
        self, client, auth, trainee, module
    ):
        original = log_practice(trainee, module)
        auth.login(trainee)
        client.post(
            f"/practice/{original.id}/correct",
            data=log_form(trainee, module, "t", reason="Typo."),
        )
        response = client.get(f"/practice/{original.id}/correct")
        assert response.status_code == 302
        again = client.post(
            f"/practice/{original.id}/correct",
            data=log_form(trainee, module, "t2", reason="Again"),
        )
        assert again.status_code == 409
        assert "already been corrected" in again.text


class TestSupervisorReadsALog:
    def test_the_assigned_supervisor_sees_the_log_and_a_link_to_rate(
        self, client, auth, trainee, supervisor, assigned, module
    ):
        log = log_practice(trainee, module)
        auth.login(supervisor)
        page = check_page(client.get(f"/practice/{log.id}").text)
        assert f"by {trainee.name}" in page.find("h1").text
        assert page.find_all("a", href=f"/practice/{log.id}/correct") == []
        assert "Rate this competency" in page.text
