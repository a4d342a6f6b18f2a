from __future__ import annotations

import click
from flask.cli import with_appcontext

from .services import send_queued


@click.group("mail")
def mail_group() -> None:
    """The outbox: deliver queued mail."""


@mail_group.command("send-queued")
@with_appcontext
def send_queued_command() -> None:
    """Deliver every queued message that is due (run it every few minutes from cron)."""
    counts = send_queued()
    click.echo(
        f"Sent {counts['sent']}; {counts['retry']} to retry later; "
        f"{counts['failed']} given up after every retry."
    )
    if counts["retry"] or counts["failed"]:
        raise SystemExit(1)
