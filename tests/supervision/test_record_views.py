"""The record through the test client: the trainee's acknowledgement and /progress, both
perspectives, the supervisor's view of an attempt, and notifications."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories.supervision import (
    draft,
    draft_module,
    log_practice,
    sign,
    take_attempt,
)
from tests.pagetools import check_page
from trainer.core.extensions import db
from trainer.notifications.models import Notification
from trainer.supervision.signing import sign_off_ratings


class TestTraineeRecord:
    def test_the_trainee_acknowledges_with_a_response_that_stays(
        self, client, auth, world
    ):
        auth.login(world.trainee)
        url = f"/supervision/sign-offs/{world.sign_off.id}"
        page = check_page(client.get(url).text)
        assert page.find("form", action=f"{url}/acknowledge")
        response = client.post(
            f"{url}/acknowledge",
            data={"response": "I see my empathy as stronger in groups."},
        )
        assert response.status_code == 302
        page = check_page(client.get(url).text)
        assert "I see my empathy as stronger in groups." in page.find("blockquote").text
        assert page.find_all("form", action=f"{url}/acknowledge") == []
        auth.logout()
        auth.login(world.supervisor)
        assert "I see my empathy as stronger in groups." in client.get(url).text

    def test_a_response_with_an_identifier_is_refused_and_kept(
        self, client, auth, world
    ):
        auth.login(world.trainee)
        url = f"/supervision/sign-offs/{world.sign_off.id}"
        response = client.post(
            f"{url}/acknowledge", data={"response": "Call me on 555-123-4567 about it."}
        )
        assert response.status_code == 422
        assert (
            "Call me on 555-123-4567 about it."
            in check_page(response.text).find("textarea").text
        )

    def test_progress_shows_verified_and_what_is_missing(
        self,
        client,
        auth,
        supervisor,
        trainee,
        assigned,
        mid_year,
        module,
        other_module,
    ):
        take_attempt(trainee, module)
        draft_module(supervisor, trainee, mid_year, module, 4)
        log_practice(trainee, other_module, self_rating=5)
        draft(
            supervisor,
            trainee,
            mid_year,
            other_module,
            other_module.meta.competencies[0].id,
            3,
        )
        sign(supervisor, trainee, mid_year)
        auth.login(trainee)
        page = check_page(client.get("/progress").text)
        records = {
            d.find("summary").find("strong").text: d for d in page.find_all("details")
        }
        assert "competency verified" in records[module.title].find("summary").text
        other = records[other_module.title]
        assert "Pass the scenario quiz (knowledge)." in other.text
        assert "rated 3 (Developing); the minimum is 4" in other.text
        assert "Differ by 2 levels" in other.text
        catalogue = check_page(client.get("/modules").text)
        assert "Competency verified" in catalogue.text

    def test_the_supervisor_sees_the_same_two_perspectives(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        log_practice(trainee, module, self_rating=1)
        draft(supervisor, trainee, mid_year, module, module.meta.competencies[0].id, 4)
        sign(supervisor, trainee, mid_year)
        auth.login(supervisor)
        page = check_page(client.get(f"/supervision/trainees/{trainee.id}").text)
        section = page.find("section", **{"aria-labelledby": "perspectives"})
        assert "Differ by 3 levels" in section.text
        assert "(self-rating lower)" in section.text

    def test_the_supervisor_reads_an_attempt_against_its_own_version(
        self, client, auth, world
    ):
        auth.login(world.supervisor)
        page = check_page(
            client.get(
                f"/supervision/trainees/{world.trainee.id}/attempts/{world.attempt.id}"
            ).text
        )
        assert world.attempt.content_version.version[:12] in page.text
        assert len(page.find_all("section", class_="item-result")) == len(
            world.module.quiz.items
        )


class TestNotifications:
    def test_the_supervisor_sees_new_logs_counted_in_the_navigation(
        self, client, auth, supervisor, trainee, assigned, module
    ):
        log = log_practice(trainee, module)
        auth.login(supervisor)
        nav = check_page(client.get("/supervision").text).find(
            "nav", **{"aria-label": "Main"}
        )
        assert "Notifications 1 new" in nav.text
        page = check_page(client.get("/notifications").text)
        assert page.find("a", href=f"/practice/{log.id}")
        assert client.post("/notifications/seen").status_code == 302
        nav = check_page(client.get("/supervision").text).find(
            "nav", **{"aria-label": "Main"}
        )
        assert "new" not in nav.text
        assert (
            db.session.scalar(
                sa.select(sa.func.count(Notification.id)).where(
                    Notification.seen_at.is_(None)
                )
            )
            == 0
        )

    def test_the_trainee_sees_new_signed_ratings(self, client, auth, world):
        auth.login(world.trainee)
        page = check_page(client.get("/notifications").text)
        assert page.find("a", href=f"/supervision/sign-offs/{world.sign_off.id}")
        assert "Notifications 1 new" in page.find("nav", **{"aria-label": "Main"}).text

    @pytest.mark.parametrize("role", ["director", "reviewer", "admin"])
    def test_other_roles_have_no_count_and_no_query(
        self, client, auth, make_user, role, count_queries
    ):
        auth.login(make_user(role))
        with count_queries() as queries:
            page = client.get("/modules").text
        assert "Notifications" not in page
        assert not any("notifications" in q for q in queries)


def test_signed_ratings_belong_to_the_sign_off(world):
    assert all(
        r.sign_off_id == world.sign_off.id for r in sign_off_ratings(world.sign_off)
    )
