"""The director's pages that run a program: cohorts, the heat map, assignments, periods,
minimum levels, reviewer access and the read-only trainee records."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.factories.supervision import take_attempt, verify
from tests.pagetools import check_page
from trainer.audit.models import AuditEvent
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.program.assignments import assign_supervisor
from trainer.program.models import Cohort, EvaluationPeriod, SupervisorAssignment
from trainer.program.periods import (
    close_period,
    create_evaluation_period,
    minimum_levels,
    set_minimum_level,
)
from trainer.record.pages import trainee_record


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent)
            .where(AuditEvent.action == action)
            .order_by(AuditEvent.seq)
        )
    )


@pytest.fixture
def signed_in_director(client, auth, director):
    auth.login(director)
    return client


class TestCohorts:
    def test_a_director_creates_renames_and_archives_a_cohort(
        self, signed_in_director, program
    ):
        client = signed_in_director
        response = client.post("/program/cohorts", data={"name": "2027 cohort"})
        assert response.status_code == 302
        cohort = db.session.scalar(
            sa.select(Cohort).where(Cohort.name == "2027 cohort")
        )
        assert [e.subject for e in events("cohort.created")][
            -1
        ] == f"cohort:{cohort.id}"
        response = client.post(
            f"/program/cohorts/{cohort.id}/rename", data={"name": "Class of 2027"}
        )
        assert response.status_code == 302
        assert cohort.name == "Class of 2027"
        assert events("cohort.renamed")[-1].payload == {
            "name": "Class of 2027",
            "previous": "2027 cohort",
        }
        assert client.post(f"/program/cohorts/{cohort.id}/archive").status_code == 302
        assert cohort.is_archived
        assert len(events("cohort.archived")) == 1
        page = client.get("/program/cohorts").text
        assert "archived on" in page

    def test_a_duplicate_name_rerenders_with_the_error_and_what_was_typed(
        self, signed_in_director, program
    ):
        response = signed_in_director.post(
            "/program/cohorts", data={"name": "Cohort A"}
        )
        assert response.status_code == 422
        page = check_page(response.text)
        assert "already has a cohort named" in response.text
        assert page.find("input", name="name", id="name").attrs["value"] == "Cohort A"

    def test_a_rename_to_a_taken_name_rerenders_with_what_was_typed(
        self, signed_in_director, program
    ):
        signed_in_director.post("/program/cohorts", data={"name": "Cohort B"})
        cohort = program.cohorts[0]
        response = signed_in_director.post(
            f"/program/cohorts/{cohort.id}/rename", data={"name": "Cohort B"}
        )
        assert response.status_code == 422
        assert "already has a cohort named" in response.text
        assert 'value="Cohort B"' in response.text
        assert cohort.name == "Cohort A"

    def test_an_empty_name_is_refused(self, signed_in_director):
        response = signed_in_director.post("/program/cohorts", data={"name": "  "})
        assert response.status_code == 422
        assert "Name the cohort." in response.text


class TestHeatMap:
    def test_it_shows_each_status_in_words_and_changes_when_a_quiz_is_passed(
        self, signed_in_director, program, trainee, module
    ):
        cohort = program.cohorts[0]
        page = signed_in_director.get(f"/program/cohorts/{cohort.id}")
        assert page.status_code == 200
        check_page(page.text)
        assert "Tess Trainee" in page.text
        assert "Knowledge demonstrated" not in page.text.split("<tbody>")[1]
        take_attempt(trainee, module, right=True)
        page = signed_in_director.get(f"/program/cohorts/{cohort.id}").text
        assert "Knowledge demonstrated<span" in page

    def test_flags_a_trainee_without_activity_or_direct_observation(
        self, signed_in_director, program, trainee, periods
    ):
        cohort = program.cohorts[0]
        page = signed_in_director.get(
            f"/program/cohorts/{cohort.id}?flag=inactive"
        ).text
        assert "No activity for 30 days" in page
        assert "No direct observation yet in the current period" in page
        assert "1 of 1 trainee shown" in page

    def test_flags_a_quiz_failed_twice(
        self, signed_in_director, program, trainee, module
    ):
        take_attempt(trainee, module, right=False, number=1)
        take_attempt(trainee, module, right=False, number=2)
        page = signed_in_director.get(
            f"/program/cohorts/{program.cohorts[0].id}?flag=quiz_failed_twice"
        ).text
        assert "1 of 1 trainee shown" in page
        assert "No activity for 30 days" not in page.split("<tbody>")[1]

    def test_flags_a_rating_below_the_minimum_after_a_closed_period(
        self,
        signed_in_director,
        program,
        director,
        supervisor,
        trainee,
        assigned,
        mid_year,
        module,
    ):
        verify(supervisor, trainee, mid_year, module, level=3)
        url = f"/program/cohorts/{program.cohorts[0].id}?flag=below_minimum"
        assert "0 of 1 trainee shown" in signed_in_director.get(url).text
        close_period(mid_year, actor=director)
        assert "1 of 1 trainee shown" in signed_in_director.get(url).text

    def test_filters_by_status_in_a_module_and_sorts(
        self, signed_in_director, program, trainee, other_trainee, module
    ):
        take_attempt(trainee, module, right=True)
        cohort_id = program.cohorts[0].id
        page = signed_in_director.get(
            f"/program/cohorts/{cohort_id}?status=knowledge_demonstrated&module={module.slug}"
        ).text
        assert "Tess Trainee" in page
        assert "Uma Unassigned" not in page
        page = signed_in_director.get(f"/program/cohorts/{cohort_id}?sort=name").text
        assert page.index("Tess Trainee") < page.index("Uma Unassigned")

    def test_the_table_scrolls_inside_a_keyboard_reachable_region(
        self, signed_in_director, program, trainee
    ):
        page = check_page(
            signed_in_director.get(f"/program/cohorts/{program.cohorts[0].id}").text
        )
        region = page.find("div", class_="heat-map")
        assert region.attrs["role"] == "region"
        assert region.attrs["tabindex"] == "0"
        assert region.find("table")


class TestCohortQueries:
    def add_trainees(self, program, count: int) -> None:
        from trainer.auth.models import User
        from trainer.auth.permissions import Role

        cohort = program.cohorts[0]
        db.session.add_all(
            User(
                email=f"bulk{n}@example.org",
                name=f"Bulk {n:04d}",
                password_hash="x",
                role=Role.TRAINEE,
                program_id=program.id,
                cohort_id=cohort.id,
            )
            for n in range(count)
        )
        db.session.flush()

    def measure(self, client, program, count_queries) -> int:
        with count_queries() as statements:
            response = client.get(f"/program/cohorts/{program.cohorts[0].id}")
        assert response.status_code == 200
        return len(statements)

    def test_a_large_cohort_is_shown_a_page_at_a_time(
        self, signed_in_director, program, app
    ):
        self.add_trainees(program, 30)
        size = app.config["COHORT_PAGE_SIZE"]
        url = f"/program/cohorts/{program.cohorts[0].id}"
        page = signed_in_director.get(url).text
        tree = check_page(page)
        assert f"30 of 30 trainees shown; page 1 of 2: trainees 1 to {size}" in page
        assert "Bulk 0000" in page
        assert f"Bulk {size:04d}" not in page
        nav = tree.find("nav", aria_label="Pages of the heat map")
        current = [a for a in nav.find_all("a") if a.attrs.get("aria-current")]
        assert [a.text for a in current] == ["Page 1"]
        page = signed_in_director.get(f"{url}?page=2").text
        assert f"Bulk {size:04d}" in page
        assert "Bulk 0000" not in page
        # a filtered or sorted view pages too, and keeps its choice in the page links
        page = signed_in_director.get(f"{url}?flag=inactive&sort=risk").text
        assert f"30 of 30 trainees shown; page 1 of 2: trainees 1 to {size}" in page
        links = check_page(page).find("nav", aria_label="Pages of the heat map")
        second = next(a for a in links.find_all("a") if a.text == "Page 2")
        assert "flag=inactive" in second.attrs["href"]
        assert "sort=risk" in second.attrs["href"]
        # a page past the end shows the last one
        assert "page 2 of 2" in signed_in_director.get(f"{url}?page=99").text

    def test_ten_and_a_thousand_trainees_take_the_same_number_of_queries(
        self,
        signed_in_director,
        program,
        trainee,
        supervisor,
        assigned,
        mid_year,
        module,
        count_queries,
    ):
        verify(supervisor, trainee, mid_year, module)
        self.add_trainees(program, 9)
        small = self.measure(signed_in_director, program, count_queries)
        from trainer.auth.models import User

        db.session.execute(sa.delete(User).where(User.email.like("bulk%")))
        self.add_trainees(program, 999)
        large = self.measure(signed_in_director, program, count_queries)
        assert small == large


class TestAssignments:
    def test_assign_end_and_reassign_keep_history_and_move_access_at_once(
        self, signed_in_director, client, auth, supervisor, other_supervisor, trainee
    ):
        client = signed_in_director
        response = client.post(
            "/program/assignments",
            data={"supervisor": supervisor.id, "trainee": trainee.id},
        )
        assert response.status_code == 302
        [assignment] = db.session.scalars(sa.select(SupervisorAssignment)).all()
        response = client.post(
            f"/program/assignments/{assignment.id}/reassign",
            data={"supervisor": other_supervisor.id},
        )
        assert response.status_code == 302
        rows = db.session.scalars(
            sa.select(SupervisorAssignment).order_by(SupervisorAssignment.id)
        ).all()
        assert [(r.supervisor_id, r.ended_at is None) for r in rows] == [
            (supervisor.id, False),
            (other_supervisor.id, True),
        ]
        assert len(events("program.supervisor_unassigned")) == 1
        assert client.post(f"/program/assignments/{rows[1].id}/end").status_code == 302
        assert rows[1].ended_at is not None
        page = client.get("/program/assignments").text
        assert "<td>current</td>" not in page.split("<tbody>")[1]
        auth.logout()
        auth.login(supervisor)
        assert client.get(f"/supervision/trainees/{trainee.id}").status_code == 404

    def test_a_trainee_may_have_two_supervisors(
        self, signed_in_director, supervisor, other_supervisor, trainee
    ):
        for person in (supervisor, other_supervisor):
            signed_in_director.post(
                "/program/assignments",
                data={"supervisor": person.id, "trainee": trainee.id},
            )
        current = db.session.scalars(
            sa.select(SupervisorAssignment).where(
                SupervisorAssignment.ended_at.is_(None)
            )
        ).all()
        assert len(current) == 2

    def test_an_unknown_person_rerenders_with_the_error(
        self, signed_in_director, trainee
    ):
        response = signed_in_director.post(
            "/program/assignments", data={"supervisor": 999999, "trainee": trainee.id}
        )
        assert response.status_code == 422
        assert "Not a valid choice" in response.text


class TestPeriods:
    def test_create_reorder_and_close(self, signed_in_director, program):
        client = signed_in_director
        for name in ("Mid-year", "End-of-year"):
            assert (
                client.post(
                    "/program/periods",
                    data={
                        "name": name,
                        "starts_on": "2027-01-01",
                        "ends_on": "2027-06-30",
                    },
                ).status_code
                == 302
            )
        first, second = db.session.scalars(
            sa.select(EvaluationPeriod).order_by(EvaluationPeriod.position)
        ).all()
        response = client.post(
            f"/program/periods/{second.id}/move", data={"direction": "up"}
        )
        assert response.status_code == 302
        assert second.position < first.position
        assert len(events("program.period_moved")) == 1
        assert client.post(f"/program/periods/{first.id}/close").status_code == 302
        assert first.is_closed
        assert len(events("program.period_closed")) == 1

    def test_an_end_before_the_start_keeps_what_was_typed(self, signed_in_director):
        response = signed_in_director.post(
            "/program/periods",
            data={
                "name": "Backwards",
                "starts_on": "2027-06-30",
                "ends_on": "2027-01-01",
            },
        )
        assert response.status_code == 422
        assert "must end on or after its start" in response.text
        assert 'value="Backwards"' in response.text


class TestMinimumLevels:
    def test_a_change_is_audited_dated_and_listed(
        self, signed_in_director, program, module
    ):
        competency = module.meta.competencies[0].id
        response = signed_in_director.post(
            "/program/minimum-levels",
            data={"competency": f"{module.slug}/{competency}", "level": "5"},
        )
        assert response.status_code == 302
        assert minimum_levels(program.id) == {(module.slug, competency): 5}
        assert events("program.minimum_level_set")[-1].payload["previous"] == 4
        page = signed_in_director.get("/program/minimum-levels").text
        assert "from 4 to 5 by Dana Director" in page

    def test_a_level_out_of_range_rerenders_with_the_error(
        self, signed_in_director, module
    ):
        response = signed_in_director.post(
            "/program/minimum-levels",
            data={
                "competency": f"{module.slug}/{module.meta.competencies[0].id}",
                "level": "9",
            },
        )
        assert response.status_code == 422
        assert "Not a valid choice" in response.text

    def test_a_verified_status_keeps_the_level_it_was_verified_against(
        self, program, director, supervisor, trainee, assigned, mid_year, module
    ):
        verify(supervisor, trainee, mid_year, module, level=4)
        assert module.slug in trainee_record(trainee).verified
        for competency in module.meta.competencies:
            set_minimum_level(program, module.slug, competency.id, 5, actor=director)
        record = trainee_record(trainee).modules[module.slug]
        assert record.is_verified
        assert {c.rating.minimum_level for c in record.competencies} == {4}
        assert {c.minimum for c in record.competencies} == {5}


class TestReviewerAccess:
    def test_grant_extend_and_revoke(
        self, signed_in_director, program, reviewer, client, auth
    ):
        until = (utcnow() + timedelta(days=30)).date()
        reviewer.access_expires_at = None
        response = signed_in_director.post(
            "/program/reviewers",
            data={"reviewer": reviewer.id, "until": until.isoformat()},
        )
        assert response.status_code == 302
        assert reviewer.access_expires_at.date() >= until - timedelta(days=1)
        assert len(events("program.reviewer_access_granted")) == 1
        later = until + timedelta(days=10)
        signed_in_director.post(
            "/program/reviewers",
            data={"reviewer": reviewer.id, "until": later.isoformat()},
        )
        assert len(events("program.reviewer_access_extended")) == 1
        assert (
            signed_in_director.post(
                f"/program/reviewers/{reviewer.id}/revoke"
            ).status_code
            == 302
        )
        assert reviewer.access_expires_at <= utcnow()
        assert len(events("program.reviewer_access_revoked")) == 1

    def test_a_date_in_the_past_rerenders_with_the_error(
        self, signed_in_director, reviewer
    ):
        response = signed_in_director.post(
            "/program/reviewers", data={"reviewer": reviewer.id, "until": "2000-01-01"}
        )
        assert response.status_code == 422
        assert "from today on" in response.text
        assert 'value="2000-01-01"' in response.text

    def test_a_reviewer_sees_the_expiry_reads_records_and_every_page_is_audited(
        self, client, auth, reviewer, trainee, module
    ):
        take_attempt(trainee, module)
        auth.login(reviewer)
        before = len(events("reviewer.page_viewed"))
        page = client.get(f"/program/trainees/{trainee.id}")
        assert page.status_code == 200
        assert "Read-only reviewer access" in page.text
        assert len(events("reviewer.page_viewed")) == before + 1
        assert events("reviewer.page_viewed")[-1].payload["path"] == (
            f"/program/trainees/{trainee.id}"
        )

    def test_a_revoked_reviewer_loses_the_records_at_once(
        self, client, auth, reviewer, trainee, director
    ):
        from trainer.program.reviewer_access import revoke_reviewer_access

        auth.login(reviewer)
        assert client.get(f"/program/trainees/{trainee.id}").status_code == 200
        revoke_reviewer_access(reviewer.program, reviewer, actor=director)
        for url in (f"/program/trainees/{trainee.id}", "/program/records", "/audit"):
            assert client.get(url).status_code == 403, url
        auth.logout()
        assert (
            client.post(
                "/login", data={"email": reviewer.email, "password": PASSWORD}
            ).status_code
            == 401
        )


class TestTraineeRecord:
    def test_the_director_reads_the_whole_record_with_a_chart(
        self, signed_in_director, supervisor, trainee, assigned, periods, module
    ):
        verify(supervisor, trainee, periods[0], module, level=4)
        response = signed_in_director.get(f"/program/trainees/{trainee.id}")
        assert response.status_code == 200
        page = check_page(response.text)
        svg = page.find("svg", role="img")
        assert "level 4" in svg.find("title").text
        assert "Competency verified" in response.text
        # the chart is drawn by the server: the page loads no script but the site's own form helper
        scripts = [script.attrs.get("src") for script in page.find_all("script")]
        assert scripts == ["/static/js/forms.js"]
        [href] = re.findall(r'href="(/supervision/sign-offs/\d+)"', response.text)
        assert signed_in_director.get(href).status_code == 200
        drill = signed_in_director.get(
            f"/program/trainees/{trainee.id}/modules/{module.slug}"
        )
        assert drill.status_code == 200
        assert "minimum in force when signed 4" in drill.text

    def test_a_supervisor_without_an_assignment_cannot_read_it(
        self, client, auth, other_supervisor, trainee
    ):
        auth.login(other_supervisor)
        assert client.get(f"/program/trainees/{trainee.id}").status_code == 403


class TestOtherProgramsDirector:
    """A director acts only on their own program: another program's ids are 404."""

    @pytest.fixture
    def foreign(
        self, program, make_user, director, supervisor, trainee, reviewer, module
    ):
        from trainer.invitations.reviewers import invite_reviewer

        period = create_evaluation_period(program, "Mid-year")
        assignment = assign_supervisor(supervisor, trainee)
        invitation = invite_reviewer(
            program,
            email="new.reviewer@example.org",
            name="New Reviewer",
            until=(utcnow() + timedelta(days=5)).date(),
            by=director,
        )
        return {
            "invitation": invitation.id,
            "cohort": program.cohorts[0].id,
            "trainee": trainee.id,
            "assignment": assignment.id,
            "period": period.id,
            "reviewer": reviewer.id,
            "slug": module.slug,
        }

    ROUTES = (
        ("GET", "/program/cohorts/{cohort}"),
        ("POST", "/program/cohorts/{cohort}/rename"),
        ("POST", "/program/cohorts/{cohort}/archive"),
        ("GET", "/program/trainees/{trainee}"),
        ("GET", "/program/trainees/{trainee}/modules/{slug}"),
        ("POST", "/program/assignments/{assignment}/end"),
        ("POST", "/program/assignments/{assignment}/reassign"),
        ("POST", "/program/periods/{period}/move"),
        ("POST", "/program/periods/{period}/close"),
        ("POST", "/program/reviewers/{reviewer}/revoke"),
        ("POST", "/program/reviewers/invitations/{invitation}/revoke"),
    )

    @pytest.mark.parametrize(("method", "route"), ROUTES)
    def test_another_programs_director_gets_404(
        self, method, route, foreign, make_user, other_program, client, auth
    ):
        stranger = make_user("director", program_=other_program, name="Stranger")
        auth.login(stranger)
        url = route.format(**foreign)
        response = (
            client.get(url)
            if method == "GET"
            else client.post(
                url, data={"name": "x", "supervisor": 1, "direction": "up"}
            )
        )
        assert response.status_code == 404, url

    #: routes whose other-program ids are proven 404 elsewhere
    #: (tests/program/test_people.py::TestAnotherProgramsIdsAre404)
    PROVEN_ELSEWHERE = ("/program/people/",)

    def test_every_object_route_of_the_program_area_is_listed_here(self, app):
        listed = {route.split("{")[0] for _m, route in self.ROUTES}
        listed.update(self.PROVEN_ELSEWHERE)
        rules = [
            r.rule
            for r in app.url_map.iter_rules()
            if r.endpoint.startswith("program.") and r.arguments
        ]
        for rule in rules:
            assert any(rule.startswith(prefix.rstrip("/")) for prefix in listed), rule


class TestHomes:
    @pytest.mark.parametrize(
        ("persona", "home"),
        [
            ("trainee", "/modules"),
            ("supervisor", "/supervision"),
            ("director", "/program"),
            ("reviewer", "/program/records"),
            ("admin", "/admin"),
        ],
    )
    def test_each_role_lands_on_its_own_home(
        self, persona, home, request, client, auth
    ):
        user = request.getfixturevalue(persona)
        auth.login(user)
        response = client.get("/")
        assert response.status_code == 302
        assert response.headers["Location"] == home
        assert client.get(home).status_code == 200
