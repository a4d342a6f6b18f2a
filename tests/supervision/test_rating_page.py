"""The rating page is one form: every competency's draft is saved at once, nothing typed is lost."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.pagetools import check_page
from trainer.audit.models import AuditEvent
from trainer.core.extensions import db
from trainer.program.services import program_today
from trainer.record.models import DraftRating


def filled(supervisor, competency_id, **values):
    data = {
        "level": "4",
        "observation": "live-video",
        "observed_on": (program_today(supervisor) - timedelta(days=1)).isoformat(),
        "comment": f"Comment on {competency_id}.",
    }
    data.update(values)
    return {f"{competency_id}-{name}": value for name, value in data.items()}


def url(trainee, module):
    return f"/supervision/trainees/{trainee.id}/modules/{module.slug}/drafts"


class TestOneForm:
    def test_the_page_has_one_form_for_every_competency(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        auth.login(supervisor)
        page = check_page(
            client.get(
                f"/supervision/trainees/{trainee.id}/modules/{module.slug}?period={mid_year.id}"
            ).text
        )
        [form] = [
            f
            for f in page.find_all("form", method="post")
            if f.attrs["action"] == url(trainee, module)
        ]
        for competency in module.meta.competencies:
            assert form.find("textarea", id=f"{competency.id}-comment")

    def test_a_supervisor_fills_four_saves_once_and_finds_four(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        competencies = [c.id for c in module.meta.competencies]
        assert len(competencies) == 4
        data = {"period": mid_year.id}
        for level, competency in zip("2345", competencies, strict=True):
            data.update(filled(supervisor, competency, level=level))
        auth.login(supervisor)
        assert client.post(url(trainee, module), data=data).status_code == 302
        saved = {
            d.competency_id: d.level for d in db.session.scalars(sa.select(DraftRating))
        }
        assert saved == dict(zip(competencies, [2, 3, 4, 5], strict=True))
        page = client.get(
            f"/supervision/trainees/{trainee.id}/modules/{module.slug}?period={mid_year.id}"
        ).text
        for competency in competencies:
            assert f"Comment on {competency}." in page

    def test_competencies_left_empty_are_not_saved(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        first = module.meta.competencies[0].id
        auth.login(supervisor)
        data = {"period": mid_year.id, **filled(supervisor, first)}
        assert client.post(url(trainee, module), data=data).status_code == 302
        assert [
            d.competency_id for d in db.session.scalars(sa.select(DraftRating))
        ] == [first]

    def test_one_refused_competency_keeps_what_was_typed_in_all_and_saves_none(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        competencies = [c.id for c in module.meta.competencies]
        data = {"period": mid_year.id}
        for competency in competencies:
            data.update(filled(supervisor, competency))
        data[f"{competencies[2]}-observation"] = ""
        auth.login(supervisor)
        response = client.post(url(trainee, module), data=data)
        assert response.status_code == 422
        page = check_page(response.text)
        for competency in competencies:
            assert (
                f"Comment on {competency}."
                in page.find("textarea", id=f"{competency}-comment").text
            )
        assert (
            "Say how you observed"
            in page.find("div", id=f"{competencies[2]}-observation-errors").text
        )
        assert "Nothing was saved yet" in page.text
        assert db.session.scalars(sa.select(DraftRating)).all() == []

    def test_saving_unchanged_drafts_again_writes_no_audit_event(
        self, client, auth, supervisor, trainee, assigned, mid_year, module
    ):
        first = module.meta.competencies[0].id
        auth.login(supervisor)
        data = {"period": mid_year.id, **filled(supervisor, first)}
        client.post(url(trainee, module), data=data)
        count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
        assert client.post(url(trainee, module), data=data).status_code == 302
        assert (
            db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
            == count
        )
