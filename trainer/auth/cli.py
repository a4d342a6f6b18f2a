from __future__ import annotations

import click
from flask.cli import with_appcontext

from trainer.core.extensions import db

from .permissions import Role
from .services import AuthError, create_user


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
        user = create_user(email=email, name=name, password=password, role=Role.ADMIN)
    except AuthError as error:
        db.session.rollback()
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Administrator {user.email} created.")
