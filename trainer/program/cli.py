from __future__ import annotations

import time

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer.audit.checkpoints import take_checkpoint
from trainer.core.extensions import db

from .demo import DEMO_PASSWORD, DEMO_SECOND_FACTOR_KEY, DEMO_USERS, seed_demo
from .demo_data import generate, synthetic_email


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


@click.command("demo-data")
@click.option(
    "--trainees",
    type=click.IntRange(1, 100_000),
    required=True,
    help="How many trainees.",
)
@click.option("--seed", type=int, default=1, show_default=True, help="Random seed.")
@with_appcontext
def demo_data_command(trainees: int, seed: int) -> None:
    """Create a synthetic program with N trainees and their records (development only)."""
    if not (current_app.debug or current_app.testing):
        raise click.ClickException(
            "demo-data only runs in development (FLASK_DEBUG=1): it creates accounts with a published password."
        )
    click.echo(f"Creating a synthetic program with {trainees} trainees ...")
    started = time.perf_counter()
    program = generate(trainees=trainees, seed=seed)
    db.session.commit()
    elapsed = time.perf_counter() - started
    click.echo(f"Program {program.id} {program.name!r} created in {elapsed:.1f} s.")
    click.echo(
        f"Accounts (password: {DEMO_PASSWORD}): "
        f"{synthetic_email('director', 1, program.id)}, "
        f"{synthetic_email('supervisor', 1, program.id)} ..., "
        f"{synthetic_email('trainee', 1, program.id)} ..."
    )
