"""Every state change of practice and supervision is an audit event of the program, and the
chain still verifies after the whole journey."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from tests.conftest import PASSWORD
from tests.factories.second_factor import signed_in_code
from tests.learning.quiztaker import answered
from tests.pagetools import form_value
from trainer.audit.models import AuditEvent
from trainer.audit.parallel import verify_chain
from trainer.core.extensions import db
from trainer.learning.services import submit_attempt
from trainer.program.services import program_today


def test_the_whole_journey_is_audited_and_the_chain_verifies(
    client, auth, trainee, supervisor, assigned, periods, module
):
    mid_year = periods[0]
    submit_attempt(trainee, module, answered(module, right=True))
    day = (program_today(trainee) - timedelta(days=1)).isoformat()

    auth.login(trainee)
    for competency in module.meta.competencies:
        key = f"{module.slug}/{competency.id}"
        token = form_value(client.get(f"/practice?competency={key}").text, "token")
        response = client.post(
            "/practice",
            data={
                "competency": key,
                "token": token,
                "practised_on": day,
                "modality": "individual",
                "clinic_type": "outpatient",
                "what_i_did": "Reflected feelings.",
                "client_response": "Went deeper.",
                "reflection": "Slow down.",
                "self_rating": "4",
            },
        )
        assert response.status_code == 302
    auth.logout()

    auth.login(supervisor)
    for competency in module.meta.competencies:
        url = f"/supervision/trainees/{trainee.id}/modules/{module.slug}/competencies/{competency.id}/draft"
        data = {
            "period": mid_year.id,
            "level": "4",
            "observation": "in-room",
            "observed_on": day,
            "comment": "Good.",
        }
        assert (
            client.post(
                url, data={f"{competency.id}-{k}": v for k, v in data.items()}
            ).status_code
            == 302
        )
    page = client.get(f"/supervision/trainees/{trainee.id}?period={mid_year.id}").text
    sign = {
        "period": mid_year.id,
        "token": form_value(
            page, "token", action=f"/supervision/trainees/{trainee.id}/sign"
        ),
        "attest": "y",
        "password": "not-my-password",
        "code": signed_in_code(client),
    }
    assert (
        client.post(f"/supervision/trainees/{trainee.id}/sign", data=sign).status_code
        == 422
    )
    response = client.post(
        f"/supervision/trainees/{trainee.id}/sign", data={**sign, "password": PASSWORD}
    )
    sign_off_url = response.headers["Location"]
    auth.logout()

    auth.login(trainee)
    assert (
        client.post(
            f"{sign_off_url}/acknowledge", data={"response": "Agreed."}
        ).status_code
        == 302
    )
    sign_off_id = int(sign_off_url.rsplit("/", 1)[1])
    feedback = {
        "helpful": "9",
        "fit_to_goals": "8",
        "approach": "9",
        "overall": "9",
        "comment": "",
    }
    assert (
        client.post(f"/feedback/sign-offs/{sign_off_id}", data=feedback).status_code
        == 302
    )
    assert client.post("/notifications/seen").status_code == 302
    assert f"{module.title}" in client.get("/progress").text

    actions = list(
        db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq))
    )
    for expected in (
        "practice.logged",
        "supervision.draft_saved",
        "supervision.signature_failed",
        "supervision.signed",
        "supervision.acknowledged",
        "feedback.given",
        "notification.seen",
    ):
        assert expected in actions, expected
    ours = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action.like("practice.%")
            | AuditEvent.action.like("supervision.%")
            | AuditEvent.action.like("feedback.%")
        )
    ).all()
    assert ours
    assert all(event.program_id == trainee.program_id for event in ours)

    report = verify_chain(db.session.connection())
    assert report.problem is None, str(report.problem)
    assert report.count == len(actions)
