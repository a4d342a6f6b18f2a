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
    from trainer.program.item_analysis import (
        MIN_ATTEMPTS_FOR_DISTRACTORS,
        item_analysis,
        to_csv,
    )

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
