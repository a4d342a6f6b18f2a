"""``flask --app app mail digest``: the supervisors' daily digest of new practice logs. The
command belongs to the mail group, but lives here because it reads the record (the mail area
sits below it); the factory adds it to the group."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext

from trainer.core.extensions import db
from trainer.mail.services import send_queued

from .digest import queue_digests


@click.command("digest")
@with_appcontext
def digest_command() -> None:
    """Queue and send today's digest of new practice logs to each supervisor (once a day;
    run it daily from the timer). Exit 1 while some of them are undelivered."""
    if not current_app.config.get("PUBLIC_URL"):
        click.echo(
            "PUBLIC_URL is not set, so the links in the digests are paths without the "
            "site's address; set it (e.g. PUBLIC_URL=http://127.0.0.1:5000 in development).",
            err=True,
        )
    digests = queue_digests()
    db.session.commit()
    counts = send_queued([digest.mail_message_id for digest in digests])
    click.echo(
        f"Queued {len(digests)} digest{'s' if len(digests) != 1 else ''}; "
        f"sent {counts['sent']}; {counts['retry']} to retry later "
        "(flask --app app mail send-queued)."
    )
    if counts["retry"] or counts["failed"]:
        raise SystemExit(1)
