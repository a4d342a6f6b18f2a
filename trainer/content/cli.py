from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from .loader import ContentInvalid, load_curriculum


@click.group("content")
def content_group() -> None:
    """Curriculum files (modules/ and quizzes/)."""


@content_group.command("check")
@with_appcontext
def check_command() -> None:
    """Validate every module and quiz; one line per problem (file:line: field: message)."""
    try:
        curriculum = load_curriculum(Path(current_app.config["CONTENT_ROOT"]))
    except ContentInvalid as error:
        for problem in error.problems:
            click.echo(str(problem))
        raise SystemExit(1) from None
    click.echo(f"{len(curriculum)} modules valid.")
