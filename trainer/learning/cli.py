"""``flask content item-analysis``: the item statistics of the quizzes, as CSV. It sits with
learning, which owns the attempts; the ``content`` group only gathers the content commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import with_appcontext

from trainer.content.cli import content_group

from .item_analysis import MIN_ATTEMPTS_FOR_DISTRACTORS, item_analysis, to_csv


@content_group.command("item-analysis")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, writable=True),
    help="Write the CSV to this file instead of standard output.",
)
@click.option("--program", "program_id", type=int, help="Only this program's attempts.")
@click.option(
    "--min-attempts",
    type=int,
    default=None,
    help="Attempts on a version before a distractor nobody chose is flagged (default 20).",
)
@with_appcontext
def item_analysis_command(
    out: str | None, program_id: int | None, min_attempts: int | None
) -> None:
    """Per item and content version: attempts, facility, discrimination, option picks and
    flags, as CSV."""
    text = to_csv(
        item_analysis(
            program_id,
            min_attempts=min_attempts or MIN_ATTEMPTS_FOR_DISTRACTORS,
        )
    )
    if out:
        Path(out).write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
