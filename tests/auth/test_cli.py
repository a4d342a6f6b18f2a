from __future__ import annotations

import sqlalchemy as sa

from trainer.audit.models import AuditEvent
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.auth.services import check_password
from trainer.core.extensions import db

PASSWORD = "a-long-admin-password"


def admin_input(
    email: str = "Ada@Example.org",
    name: str = "Ada Admin",
    password: str = PASSWORD,
    confirm=None,
):
    return f"{email}\n{name}\n{password}\n{confirm or password}\n"


def find(email: str) -> User | None:
    return db.session.scalar(sa.select(User).where(User.email == email))


class TestCreateAdmin:
    def test_prompts_for_everything_and_creates_an_administrator(self, runner):
        result = runner.invoke(args=["create-admin"], input=admin_input())
        assert result.exit_code == 0, result.output
        assert "Password" in result.output
        assert "Administrator ada@example.org created." in result.output
        user = find("ada@example.org")
        assert user.role is Role.ADMIN
        assert user.name == "Ada Admin"
        assert user.program_id is None
        assert check_password(user, PASSWORD)

    def test_the_password_is_not_echoed(self, runner):
        result = runner.invoke(args=["create-admin"], input=admin_input())
        assert PASSWORD not in result.output

    def test_the_creation_is_audited(self, runner):
        runner.invoke(args=["create-admin"], input=admin_input())
        user = find("ada@example.org")
        event = db.session.scalar(
            sa.select(AuditEvent).where(AuditEvent.subject == f"user:{user.id}")
        )
        assert event.action == "user.created"
        assert event.payload["role"] == "admin"

    def test_email_and_name_may_be_given_as_options(self, runner):
        result = runner.invoke(
            args=["create-admin", "--email", "ops@example.org", "--name", "Ops"],
            input=f"{PASSWORD}\n{PASSWORD}\n",
        )
        assert result.exit_code == 0, result.output
        assert find("ops@example.org").role is Role.ADMIN

    def test_the_password_is_never_taken_as_an_option(self, runner):
        result = runner.invoke(
            args=["create-admin", "--password", PASSWORD], input=admin_input()
        )
        assert result.exit_code == 2
        assert "No such option" in result.output
        assert find("ada@example.org") is None
        assert "--password" not in runner.invoke(args=["create-admin", "--help"]).output

    def test_a_short_password_is_refused_cleanly(self, runner):
        result = runner.invoke(
            args=["create-admin"], input=admin_input(password="short")
        )
        assert result.exit_code == 1
        assert "Error: Use at least 12 characters." in result.output
        assert "Traceback" not in result.output
        assert isinstance(result.exception, SystemExit)
        assert find("ada@example.org") is None

    def test_a_mismatched_confirmation_asks_again(self, runner):
        result = runner.invoke(
            args=["create-admin"],
            input=admin_input(confirm="something-else-entirely")
            + f"{PASSWORD}\n{PASSWORD}\n",
        )
        assert result.exit_code == 0, result.output
        assert "do not match" in result.output
        assert check_password(find("ada@example.org"), PASSWORD)

    def test_an_existing_email_is_refused_cleanly(self, runner, trainee):
        db.session.commit()  # the account exists before the command runs
        result = runner.invoke(
            args=["create-admin"], input=admin_input(email="trainee@example.org")
        )
        assert result.exit_code == 1
        assert "An account for trainee@example.org already exists." in result.output
        assert isinstance(result.exception, SystemExit)
        assert find("trainee@example.org").role is Role.TRAINEE
