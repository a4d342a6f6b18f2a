from __future__ import annotations

from pathlib import Path

import click
from flask import current_app
from flask.cli import with_appcontext

from . import itemstats
from .authoring import item_writing_problems, quiz_file
from .loader import ContentInvalid, Curriculum, load_curriculum


@click.group("content")
def content_group() -> None:
    """Curriculum files (modules/ and quizzes/)."""


def check_curriculum(root: Path, *, items: bool = False, echo=click.echo) -> int:
    """Validate every module and quiz; one line per problem. Returns the exit code."""
    try:
        curriculum = load_curriculum(root)
    except ContentInvalid as error:
        for problem in error.problems:
            echo(str(problem))
        return 1
    if items:
        echo(items_table(curriculum))
    item_problems = item_writing_problems(curriculum)
    prefix = "" if itemstats.ENFORCED else "warning (item-writing rules not enforced): "
    for problem in item_problems:
        echo(prefix + str(problem))
    if item_problems and itemstats.ENFORCED:
        return 1
    echo(f"{len(curriculum)} modules valid.")
    return 0


def items_table(curriculum: Curriculum) -> str:
    rows = [
        itemstats.table_row(quiz_file(module.slug), itemstats.figures(module.quiz))
        for module in sorted(curriculum, key=lambda m: m.slug)
    ]
    return itemstats.format_table(rows)


@content_group.command("check")
@click.option(
    "--items",
    is_flag=True,
    help="Also print each quiz's item-writing figures as a table.",
)
@with_appcontext
def check_command(items: bool) -> None:
    """Validate every module and quiz; one line per problem (file:line: field: message)."""
    code = check_curriculum(Path(current_app.config["CONTENT_ROOT"]), items=items)
    if code:
        raise SystemExit(code)
