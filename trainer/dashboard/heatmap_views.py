"""The cohort heat map (/program/cohorts/<id>): every trainee's status in every module, with
the at-risk flags, filters and sorts, one page of trainees at a time.

A page shows at most ``COHORT_PAGE_SIZE`` trainees, so its cost does not grow with the cohort.
In the default view (every trainee, by name) the page is cut in SQL and only its trainees'
records are built; a filter or another sort needs every trainee's flags and statuses, so those
records are built for the whole cohort (still in a fixed number of queries) and only the page
is rendered."""

from __future__ import annotations

import math
from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app, render_template, request, url_for
from flask_login import current_user

from trainer.auth.decorators import require
from trainer.auth.models import User
from trainer.auth.permissions import Permission, Role
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.program.catalogue import visible_modules
from trainer.program.models import Cohort
from trainer.program.periods import evaluation_periods
from trainer.record.cohort import CohortRow, RiskFlag, for_trainees
from trainer.record.rules import ModuleStatus

from . import bp
from .program_views import _own, _today

SORTS = {
    "name": lambda row: (row.trainee.name.lower(), row.trainee.id),
    "verified": lambda row: (-row.verified, row.trainee.name.lower()),
    "risk": lambda row: (-len(row.flags), row.trainee.name.lower()),
    "activity": lambda row: (
        row.last_activity is not None,
        row.last_activity or utcnow(),
    ),
}
SORT_LABELS = {
    "name": "name",
    "verified": "most modules verified",
    "risk": "most at-risk flags",
    "activity": "least recent activity",
}
FLAGS = {flag.name.lower(): flag for flag in RiskFlag}
STATUSES = {status.name.lower(): status for status in ModuleStatus}
SYMBOLS = {
    ModuleStatus.NOT_STARTED: "○",
    ModuleStatus.IN_PROGRESS: "◔",
    ModuleStatus.KNOWLEDGE_DEMONSTRATED: "◑",
    ModuleStatus.COMPETENCY_VERIFIED: "●",
}


@dataclass(frozen=True)
class Cell:
    """How one status looks in a cell, worked out once per page instead of once per cell."""

    css: str
    symbol: str
    label: str


CELLS = {
    status: Cell(
        css="heat-" + status.value.replace(" ", "-"),
        symbol=SYMBOLS[status],
        label=status.value.capitalize(),
    )
    for status in ModuleStatus
}


@dataclass(frozen=True)
class Choice:
    flag: str
    status: str
    module: str
    sort: str

    @property
    def is_default(self) -> bool:
        """Every trainee by name: the page can be cut in SQL."""
        return not (self.flag in FLAGS or self.status in STATUSES) and (
            self.sort not in SORTS or self.sort == "name"
        )

    def args(self) -> dict[str, str]:
        """The query arguments that keep this choice on another page."""
        return {key: value for key, value in vars(self).items() if value}


def _page_number() -> int:
    try:
        return max(1, int(request.args.get("page", "1")))
    except ValueError:
        return 1


def _matches(row: CohortRow, choice: Choice, slugs: set[str]) -> bool:
    if choice.flag in FLAGS and FLAGS[choice.flag] not in row.flags:
        return False
    if choice.status in STATUSES:
        wanted = STATUSES[choice.status]
        if choice.module in slugs:
            return row.statuses.get(choice.module) is wanted
        return wanted in row.statuses.values()
    return True


@bp.route("/cohorts/<int:cohort_id>")
@require(Permission.PROGRAM_MANAGE)
def cohort_dashboard(cohort_id: int):
    cohort = _own(Cohort, cohort_id)
    program = current_user.program
    choice = Choice(
        flag=request.args.get("flag", ""),
        status=request.args.get("status", ""),
        module=request.args.get("module", ""),
        sort=request.args.get("sort", "name"),
    )
    size = current_app.config["COHORT_PAGE_SIZE"]
    page = _page_number()
    members = sa.select(User).where(
        User.cohort_id == cohort.id,
        User.program_id == program.id,
        User.role == Role.TRAINEE,
    )
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(members.subquery())
    )
    by_name = members.order_by(sa.func.lower(User.name), User.id)
    if choice.is_default:
        page = min(page, max(1, math.ceil(total / size)))
        trainees = list(
            db.session.scalars(by_name.limit(size).offset((page - 1) * size))
        )
    else:
        trainees = list(db.session.scalars(by_name))
    periods = evaluation_periods(program.id)
    rows = for_trainees(
        trainees, program_id=program.id, periods=periods, today=_today(), now=utcnow()
    )
    modules = visible_modules(current_user)
    if choice.is_default:
        matching = total
    else:
        slugs = {m.slug for m in modules}
        rows = [row for row in rows if _matches(row, choice, slugs)]
        rows.sort(key=SORTS.get(choice.sort, SORTS["name"]))
        matching = len(rows)
        page = min(page, max(1, math.ceil(matching / size)))
        rows = rows[(page - 1) * size : page * size]
    return render_template(
        "program/cohort.html",
        cohort=cohort,
        rows=rows,
        record_urls={
            row.trainee.id: url_for("program.trainee_record", trainee_id=row.trainee.id)
            for row in rows
        },
        cells=CELLS,
        matching=matching,
        total=total,
        page=page,
        pages=max(1, math.ceil(matching / size)),
        first=(page - 1) * size + 1,
        modules=modules,
        flags=FLAGS,
        statuses=STATUSES,
        chosen=choice,
        sorts=SORT_LABELS,
        tz=program.timezone,
    )
