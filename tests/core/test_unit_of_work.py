"""One unit of work per request (trainer.core.unit_of_work): the request commits once when the
view succeeds and rolls back what it wrote otherwise; and the one "record once" helper."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from flask import redirect
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from trainer.core.access import public
from trainer.core.extensions import db
from trainer.core.unit_of_work import create_once, discard_changes, keep_despite_error
from trainer.program.models import Program


def _programs(name: str) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Program).where(Program.name == name)
    )


def _writer(name: str, answer):
    """A throw-away view that writes a program, flushes, then answers as ``answer`` says."""

    def view():
        db.session.add(Program(name=name))
        db.session.flush()
        return answer()

    view.__name__ = f"write_{abs(hash(name))}"
    return public(view)


@pytest.fixture
def app_with(make_fresh_app, db_session):
    def make(name: str, answer):
        fresh = make_fresh_app()
        fresh.add_url_rule("/write", "write", _writer(name, answer), methods=["POST"])
        return fresh.test_client()

    return make


class TestTheRequestCommitsOnce:
    def test_a_successful_view_keeps_what_it_wrote(self, app_with):
        client = app_with("Kept", lambda: ("done", 200))
        assert client.post("/write").status_code == 200
        assert _programs("Kept") == 1

    def test_a_redirect_after_success_keeps_what_it_wrote(self, app_with):
        client = app_with("Redirected", lambda: redirect("/elsewhere"))
        assert client.post("/write").status_code == 302
        assert _programs("Redirected") == 1

    def test_an_error_answer_rolls_back_what_the_view_wrote(self, app_with):
        client = app_with("Refused", lambda: ("refused", 422))
        assert client.post("/write").status_code == 422
        assert _programs("Refused") == 0

    def test_a_deliberate_record_survives_its_error_answer(self, app_with):
        def answer():
            keep_despite_error()
            return "wrong password, and on record", 422

        client = app_with("On record", answer)
        assert client.post("/write").status_code == 422
        assert _programs("On record") == 1

    def test_discarded_changes_are_rolled_back_behind_a_redirect(self, app_with):
        def answer():
            discard_changes()
            return redirect("/try-again")

        client = app_with("Discarded", answer)
        assert client.post("/write").status_code == 302
        assert _programs("Discarded") == 0

    def test_an_exception_rolls_back_what_the_view_wrote(self, app_with):
        def answer():
            raise RuntimeError("broken")

        client = app_with("Crashed", answer)
        assert client.post("/write").status_code == 500
        assert _programs("Crashed") == 0

    def test_a_commit_that_loses_the_database_answers_503_and_keeps_nothing(
        self, app_with
    ):
        """A PostgreSQL restart between the view and the commit: the view said "done", but
        the client gets the 503 page with Retry-After (never a 500, never a false success)."""

        def connection_dropped(_session):
            raise OperationalError(
                "COMMIT", {}, Exception("server closed the connection")
            )

        client = app_with("Lost connection", lambda: ("done", 200))
        sa.event.listen(Session, "before_commit", connection_dropped)
        try:
            response = client.post("/write")
        finally:
            sa.event.remove(Session, "before_commit", connection_dropped)
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert "Back in a moment" in response.text
        assert _programs("Lost connection") == 0


class TestCreateOnce:
    def finder(self, name: str):
        return lambda: db.session.scalar(sa.select(Program).where(Program.name == name))

    def test_a_double_submit_records_once(self, db_session):
        built = []

        def build():
            built.append(1)
            return Program(name="Once")

        first, created = create_once(build, self.finder("Once"))
        again, created_again = create_once(build, self.finder("Once"))
        assert (created, created_again) == (True, False)
        assert again is first
        assert len(built) == 1
        assert _programs("Once") == 1

    def test_a_second_tab_gets_the_record_the_first_made(self, db_session):
        first, _ = create_once(lambda: Program(name="Tabbed"), self.finder("Tabbed"))
        db.session.commit()
        db.session.expire_all()  # the second tab's request starts from the database
        second, created = create_once(
            lambda: Program(name="Tabbed"), self.finder("Tabbed")
        )
        assert created is False
        assert second.id == first.id

    def test_a_concurrent_insert_returns_the_winners_record(self, db_session):
        winner = Program(name="Raced")
        db.session.add(winner)
        db.session.flush()
        looks = iter([None])  # the loser looked before the winner's insert was visible

        def find():
            return next(looks, None) or self.finder("Raced")()

        record, created = create_once(lambda: Program(name="Raced"), find)
        assert created is False
        assert record is winner
        # the failed insert was undone in its savepoint; the transaction goes on
        db.session.add(Program(name="After the race"))
        db.session.flush()
        assert _programs("Raced") == 1

    def test_a_conflict_that_is_not_the_same_submission_is_raised(self, db_session):
        db.session.add(Program(name="Taken"))
        db.session.flush()
        with pytest.raises(IntegrityError):
            create_once(lambda: Program(name="Taken"), lambda: None)
