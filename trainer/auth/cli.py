from __future__ import annotations

import click
from flask.cli import with_appcontext

from trainer.core.extensions import db

from .passwords import PasswordPolicyError, check_password_policy
from .permissions import Role
from .second_factor import reset_second_factor
from .services import AuthError, create_user, find_user_by_email


@click.command("create-admin")
@click.option("--email", prompt="E-mail address")
@click.option("--name", prompt="Full name")
@with_appcontext
def create_admin_command(email: str, name: str) -> None:
    """Create an administrator (the password is asked for, never taken as an argument)."""
    password = click.prompt(
        "Password (12 characters or more)", hide_input=True, confirmation_prompt=True
    )
    try:
        check_password_policy(password, user_inputs=(email, name))
        user = create_user(email=email, name=name, password=password, role=Role.ADMIN)
    except (AuthError, PasswordPolicyError) as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")
    click.echo("At the first sign-in, set up the second factor that admins must have.")


@click.command("reset-second-factor")
@click.argument("email")
@click.option(
    "--reason", default="", help="Why (kept in the audit log), e.g. 'lost phone'."
)
@with_appcontext
def reset_second_factor_command(email: str, reason: str) -> None:
    """Remove a user's second factor (after checking who they are): their sessions end and
    they set up a new one at their next sign-in. Recorded in the audit log."""
    user = find_user_by_email(email)
    if user is None:
        raise click.ClickException(f"There is no account for {email}.")
    had = reset_second_factor(user, by=None, reason=reason[:200])
    db.session.commit()
    if had:
        click.echo(
            f"The second factor of {user.email} is removed and their sessions have ended; "
            "they will set up a new one at their next sign-in."
        )
    else:
        click.echo(f"{user.email} had no second factor; their sessions have ended.")
