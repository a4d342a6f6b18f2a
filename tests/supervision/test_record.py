"""The signed record after signing: acknowledgements once per sign-off, and the database
refusing to change sign-offs, signed ratings and acknowledgements."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.factories.supervision import draft, draft_module, sign, take_attempt
from trainer.audit.models import AuditEvent
from trainer.core.extensions import db
from trainer.record.models import Acknowledgement
from trainer.supervision.acknowledgements import acknowledge
from trainer.supervision.services import NotAssigned


def actions() -> list[str]:
    return list(
        db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.seq))
    )


class TestAcknowledge:
    def test_the_trainee_acknowledges_once_with_a_response(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        sign_off = sign(supervisor, trainee, mid_year)
        ack, created = acknowledge(
            trainee, sign_off, "I see it differently for empathy."
        )
        again, created_again = acknowledge(trainee, sign_off, "Second thoughts")
        assert created
        assert not created_again
        assert again.id == ack.id
        assert ack.response == "I see it differently for empathy."
        assert actions().count("supervision.acknowledged") == 1

    def test_only_the_trainee_of_the_sign_off(
        self, supervisor, trainee, other_trainee, assigned, mid_year, module
    ):
        draft_module(supervisor, trainee, mid_year, module)
        sign_off = sign(supervisor, trainee, mid_year)
        with pytest.raises(NotAssigned):
            acknowledge(other_trainee, sign_off, "")


UPDATES = {
    "sign_offs": "UPDATE sign_offs SET signer_name = 'Someone else' WHERE id = :id",
    "signed_ratings": "UPDATE signed_ratings SET level = 5 WHERE sign_off_id = :id",
    "acknowledgements": "UPDATE acknowledgements SET response = 'edited' WHERE sign_off_id = :id",
}


class TestImmutability:
    @pytest.fixture
    def signed(self, supervisor, trainee, assigned, mid_year, module):
        take_attempt(trainee, module)
        draft_module(supervisor, trainee, mid_year, module)
        sign_off = sign(supervisor, trainee, mid_year)
        acknowledge(trainee, sign_off, "Thank you.")
        return sign_off

    @pytest.mark.parametrize(
        "table", ["sign_offs", "signed_ratings", "acknowledgements"]
    )
    @pytest.mark.parametrize("operation", ["UPDATE", "DELETE"])
    def test_the_database_refuses_to_change_the_record(self, signed, table, operation):
        key = "id" if table == "sign_offs" else "sign_off_id"
        statement = (
            UPDATES[table]
            if operation == "UPDATE"
            else f"DELETE FROM {table} WHERE {key} = :id"
        )
        with (
            pytest.raises(sa.exc.DBAPIError, match="append-only"),
            db.session.begin_nested(),
        ):
            db.session.execute(sa.text(statement), {"id": signed.id})
        assert db.session.scalar(sa.select(sa.func.count(Acknowledgement.id))) == 1

    def test_drafts_stay_editable(
        self, supervisor, trainee, assigned, mid_year, module
    ):
        first = module.meta.competencies[0].id
        one = draft(supervisor, trainee, mid_year, module, first, 3)
        two = draft(
            supervisor, trainee, mid_year, module, first, 5, comment="Much better"
        )
        assert one.id == two.id
        assert two.level == 5
        assert two.comment == "Much better"
