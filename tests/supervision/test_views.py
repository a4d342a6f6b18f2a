"""The supervisor's pages and the trainee's view of the record, through the test client."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.factories.second_factor import signed_in_code
from tests.factories.supervision import (
    draft,
    draft_module,
    log_practice,
)
from tests.pagetools import check_page, form_value
from trainer.core.clock import long_date
from trainer.core.extensions import db
from trainer.program.services import program_today
from trainer.record.models import DraftRating, Observation, SignOff


def sign_form(client, trainee, period, password=PASSWORD, attest="y"):
    page = client.get(f"/supervision/trainees/{trainee.id}?period={period.id}").text
    token = form_value(page, "token", action=f"/supervision/trainees/{trainee.id}/sign")
    return {
        "period": period.id,
        "token": token,
        "password": password,
        "attest": attest,
        "code": signed_in_code(client),
    }


def draft_form(supervisor, competency_id, period, **values):
    data = {
        "period": period.id,
        "level": "4",
        "observation": "live-video",
        "observed_on": (program_today(supervisor) - timedelta(days=1)).isoformat(),
        "comment": "Tracked the implied feeling well.",
    }
    data.update(values)
    return {f"{competency_id}-{name}": value for name, value in data.items()}


class TestIndex:
    def test_it_lists_only_the_assigned_trainees(
        self, client, auth, supervisor, trainee, other_trainee, assigned
    ):
        auth.login(supervisor)
        page = check_page(client.get("/supervision").text)
        names = [a.text for a in page.find("table").find_all("a")]
        assert names == [trainee.name]

    def test_no_trainees_yet(self, client, auth, supervisor):
        auth.login(supervisor)
        assert "No trainees are assigned to you yet" in client.get("/supervision").text


class TestWorkspace:
    def test_it_shows_modules_attempts_logs_and_self_ratings(self, client, auth, world):
        auth.login(world.supervisor)
        page = check_page(client.get(f"/supervision/trainees/{world.trainee.id}").text)
        assert page.find("h1").text == world.trainee.name
        assert long_date(world.log.practised_on) in [
            a.text for a in page.find_all("a", href=f"/practice/{world.log.id}")
        ]
        attempt_link = (
            f"/supervision/trainees/{world.trainee.id}/attempts/{world.attempt.id}"
        )
        assert page.find("a", href=attempt_link)
        assert page.find("a", href=f"/supervision/sign-offs/{world.sign_off.id}")
        assert world.other_trainee.name not in page.text
        assert (
            "Trainee's self-rating"
            in page.find("section", **{"aria-labelledby": "perspectives"}).text
        )

    def test_the_rating_page_shows_anchors_and_a_form_per_unsigned_competency(
        self, client, auth, world
    ):
        auth.login(world.supervisor)
        url = f"/supervision/trainees/{world.trainee.id}/modules/{world.module.slug}?period={world.end_of_year.id}"
        page = check_page(client.get(url).text)
        forms = page.find_all("form", method="post")
        competencies = world.module.meta.competencies
        # one form holds every competency's draft; the one with a draft can also be discarded
        [drafts] = [f for f in forms if f.attrs["action"].endswith("/drafts")]
        for competency in competencies:
            assert drafts.find("textarea", id=f"{competency.id}-comment")
        assert page.find("form", action=f"/supervision/drafts/{world.draft.id}/discard")
        anchor = " ".join(competencies[0].anchors.by_level()[5].split())
        assert anchor in page.text
        assert "No opportunity to observe" in page.text

    def test_a_signed_competency_offers_its_correction_instead_of_a_form(
        self, client, auth, world
    ):
        auth.login(world.supervisor)
        url = f"/supervision/trainees/{world.trainee.id}/modules/{world.module.slug}?period={world.mid_year.id}"
        page = check_page(client.get(url).text)
        assert [
            f
            for f in page.find_all("form", method="post")
            if f.attrs["action"].endswith("/drafts")
        ] == []
        assert (
            page.find("a", href=f"/supervision/ratings/{world.rating.id}/correct").text
            == "Correct this rating"
        )


class TestDrafts:
    def test_saving_a_draft_keeps_it_editable(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        auth.login(supervisor)
        competency = module.meta.competencies[0].id
        url = f"/supervision/trainees/{trainee.id}/modules/{module.slug}/competencies/{competency}/draft"
        assert (
            client.post(
                url, data=draft_form(supervisor, competency, mid_year)
            ).status_code
            == 302
        )
        assert (
            client.post(
                url, data=draft_form(supervisor, competency, mid_year, level="5")
            ).status_code
            == 302
        )
        [saved] = db.session.scalars(sa.select(DraftRating))
        assert (saved.level, saved.observation.value) == (5, "live-video")

    def test_a_level_without_an_observation_rerenders_with_the_input(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        auth.login(supervisor)
        competency = module.meta.competencies[0].id
        url = f"/supervision/trainees/{trainee.id}/modules/{module.slug}/competencies/{competency}/draft"
        response = client.post(
            url,
            data=draft_form(
                supervisor, competency, mid_year, observation="", observed_on=""
            ),
        )
        assert response.status_code == 422
        page = check_page(response.text)
        assert (
            "Say how you observed the practice"
            in page.find("div", id=f"{competency}-observation-errors").text
        )
        assert "Give the date you observed" in page.text
        assert (
            "Tracked the implied feeling well."
            in page.find("textarea", id=f"{competency}-comment").text
        )
        assert db.session.scalars(sa.select(DraftRating)).all() == []

    def test_evidence_must_be_the_trainees_own(
        self,
        client,
        auth,
        supervisor,
        trainee,
        other_trainee,
        assigned,
        mid_year,
        module,
    ):
        other_log = log_practice(other_trainee, module)
        auth.login(supervisor)
        competency = module.meta.competencies[0].id
        url = f"/supervision/trainees/{trainee.id}/modules/{module.slug}/competencies/{competency}/draft"
        data = draft_form(
            supervisor, competency, mid_year, evidence_logs=str(other_log.id)
        )
        assert client.post(url, data=data).status_code == 422
        assert db.session.scalars(sa.select(DraftRating)).all() == []

    def test_a_draft_can_be_discarded(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        saved = draft(
            supervisor, trainee, mid_year, module, module.meta.competencies[0].id, 3
        )
        auth.login(supervisor)
        assert client.post(f"/supervision/drafts/{saved.id}/discard").status_code == 302
        assert db.session.scalars(sa.select(DraftRating)).all() == []


class TestSigning:
    def test_a_wrong_then_right_password(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        auth.login(supervisor)
        data = sign_form(client, trainee, mid_year, password="not-the-password")
        response = client.post(f"/supervision/trainees/{trainee.id}/sign", data=data)
        assert response.status_code == 422
        page = check_page(response.text)
        assert (
            "The password is not right" in page.find("div", id="password-errors").text
        )
        assert db.session.scalar(sa.select(sa.func.count(DraftRating.id))) == len(
            module.meta.competencies
        )
        response = client.post(
            f"/supervision/trainees/{trainee.id}/sign",
            data={**data, "password": PASSWORD},
        )
        [sign_off] = db.session.scalars(sa.select(SignOff))
        assert response.headers["Location"] == f"/supervision/sign-offs/{sign_off.id}"
        page = check_page(client.get(response.headers["Location"]).text)
        signature = page.find("section", class_="signature").text
        assert f"Signed by {supervisor.name}" in signature
        assert (
            "I attest that I observed this practice and that these ratings reflect it"
            in signature
        )
        assert (
            "CST" in signature or "CDT" in signature
        )  # the program's time zone (America/Chicago)

    def test_the_statement_must_be_ticked(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        auth.login(supervisor)
        data = sign_form(client, trainee, mid_year, attest="")
        response = client.post(f"/supervision/trainees/{trainee.id}/sign", data=data)
        assert response.status_code == 422
        assert "Tick the statement to sign." in response.text

    def test_signing_without_direct_observation_is_refused_with_a_clear_message(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module, 4, Observation.REPORT_ONLY)
        auth.login(supervisor)
        page = client.get(f"/supervision/trainees/{trainee.id}").text
        assert "Direct observation needed." in page
        response = client.post(
            f"/supervision/trainees/{trainee.id}/sign",
            data=sign_form(client, trainee, mid_year),
        )
        assert response.status_code == 422
        assert (
            "accreditation requires each evaluation period to rest partly on direct observation"
            in response.text
        )
        assert db.session.scalar(sa.select(sa.func.count(SignOff.id))) == 0

    def test_a_double_submit_signs_once(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        auth.login(supervisor)
        data = sign_form(client, trainee, mid_year)
        first = client.post(f"/supervision/trainees/{trainee.id}/sign", data=data)
        second = client.post(f"/supervision/trainees/{trainee.id}/sign", data=data)
        assert first.headers["Location"] == second.headers["Location"]
        assert db.session.scalar(sa.select(sa.func.count(SignOff.id))) == 1

    def test_repeated_wrong_passwords_are_rate_limited_per_user(
        self, client, auth, supervisor, trainee, assigned, mid_year, module, app
    ):
        draft_module(supervisor, trainee, mid_year, module)
        auth.login(supervisor)
        data = sign_form(client, trainee, mid_year, password="wrong-password!")
        limit = int(app.config["SIGNATURE_LIMIT_PER_USER"].split()[0])
        statuses = [
            client.post(
                f"/supervision/trainees/{trainee.id}/sign", data=data
            ).status_code
            for _ in range(limit + 1)
        ]
        assert statuses == [422] * limit + [429]
        right = client.post(
            f"/supervision/trainees/{trainee.id}/sign",
            data={**data, "password": PASSWORD},
        )
        assert right.status_code == 429
        assert "Too many failed signatures. Try again in" in right.text
        assert int(right.headers["Retry-After"]) > 60
        assert db.session.scalar(sa.select(sa.func.count(DraftRating.id))) == len(
            module.meta.competencies
        )

    def test_successful_signatures_do_not_count_towards_the_limit(
        self, client, auth, supervisor, trainee, assigned, periods, module, app
    ):
        auth.login(supervisor)
        limit = int(app.config["SIGNATURE_LIMIT_PER_USER"].split()[0])
        pairs = [(p, c.id) for p in periods for c in module.meta.competencies][
            : limit + 1
        ]
        assert len(pairs) == limit + 1
        for period, competency in pairs:
            draft(supervisor, trainee, period, module, competency, 4)
            response = client.post(
                f"/supervision/trainees/{trainee.id}/sign",
                data=sign_form(client, trainee, period),
            )
            assert response.status_code == 302
        draft(
            supervisor, trainee, periods[1], module, module.meta.competencies[-1].id, 4
        )
        data = sign_form(client, trainee, periods[1], password="wrong-password!")
        assert (
            client.post(
                f"/supervision/trainees/{trainee.id}/sign", data=data
            ).status_code
            == 422
        )


class TestCorrectionPage:
    def test_a_correction_is_signed_and_both_ratings_stay_visible(
        self, client, auth, world
    ):
        auth.login(world.supervisor)
        url = f"/supervision/ratings/{world.rating.id}/correct"
        page = client.get(url).text
        competency = world.rating.competency_id
        data = {
            "token": form_value(page, "token"),
            "level": "2",
            "observation": "video-recording",
            "observed_on": (
                program_today(world.supervisor) - timedelta(days=1)
            ).isoformat(),
            "comment": "On the recording the reflections were mostly content.",
            "reason": "I had rated from memory; the recording shows less.",
            "attest": "y",
            "password": "wrong-password-here",
            "code": signed_in_code(client),
        }
        assert client.post(url, data=data).status_code == 422
        response = client.post(url, data={**data, "password": PASSWORD})
        assert response.status_code == 302
        new_page = check_page(client.get(response.headers["Location"]).text)
        assert "Correction of" in new_page.text
        assert "Reason: I had rated from memory" in new_page.text
        old_page = check_page(
            client.get(f"/supervision/sign-offs/{world.sign_off.id}").text
        )
        assert (
            "Superseded by"
            in old_page.find(
                "article", **{"aria-labelledby": f"rating-{world.rating.id}"}
            ).text
        )
        assert competency
