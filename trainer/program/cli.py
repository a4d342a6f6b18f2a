from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer.audit.checkpoints import take_checkpoint
from trainer.core.extensions import db

from .demo import DEMO_PASSWORD, DEMO_SECOND_FACTOR_KEY, DEMO_USERS, seed_demo


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Create the demo program, cohort and one user per role (development only)."""
    if not (current_app.debug or current_app.testing):
        raise click.ClickException(
            "seed-demo only runs in development (FLASK_DEBUG=1): it creates accounts with a published password."
        )
    created = seed_demo()
    db.session.commit()
    if created:
        # A first signed checkpoint, so the reviewer's tour has one to download and verify.
        checkpoint = take_checkpoint("manual")
        db.session.commit()
        click.echo(f"Demo data created: {', '.join(created)}.")
        click.echo(f"Audit checkpoint signed at event {checkpoint.seq}.")
    else:
        click.echo("Demo data already present; nothing changed.")
    click.echo(f"Demo accounts (password: {DEMO_PASSWORD}):")
    for email, _name, role in DEMO_USERS:
        click.echo(f"  {role.value:<10} {email}")
    click.echo(
        f"The supervisor and director also enter a code: add the key {DEMO_SECOND_FACTOR_KEY} "
        'to an authenticator app, or run: python -c "import pyotp; '
        f"print(pyotp.TOTP('{DEMO_SECOND_FACTOR_KEY}').now())\""
    )
