"""The supervisor's daily digest of new practice logs (``flask --app app mail digest``).

Each active supervisor who has not turned it off on /account gets, at most once a day, one
message listing their assigned trainees' practice logs submitted since their previous digest:
per trainee the number of new logs and, for each, the module, the competency and the date of
practice. Never the text of a log. Nothing is sent when there is nothing new. Each digest is a
row of ``practice_digests`` and an audit event, written with its message in one transaction.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased

from trainer.audit.services import lock_chain, record
from trainer.auth.models import User
from trainer.auth.permissions import Role
from trainer.core.clock import local_time, long_date, zone
from trainer.core.extensions import db
from trainer.core.models import utcnow
from trainer.mail.services import absolute_url, queue_mail
from trainer.program.catalogue import curriculum
from trainer.program.models import SupervisorAssignment
from trainer.record.models import PracticeLog

from .models import PracticeDigest

logger = logging.getLogger(__name__)

#: the first digest of a supervisor lists the logs of this long before it
FIRST_WINDOW = timedelta(days=1)
#: logs submitted in the last minute wait for the next digest: a log whose transaction is
#: still open while the digest reads could otherwise fall between two digests
SETTLE = timedelta(minutes=1)


@dataclass(frozen=True)
class DigestLine:
    module: str
    competency: str
    practised_on: str


@dataclass
class TraineeLogs:
    name: str
    lines: list[DigestLine] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.lines)


def _describe(log: PracticeLog) -> DigestLine:
    """The module and competency in the curriculum's words (the ids if they left it)."""
    module = curriculum().get(log.module_slug)
    competency = module.competency(log.competency_id) if module is not None else None
    return DigestLine(
        module=module.title if module is not None else log.module_slug,
        competency=competency.statement
        if competency is not None
        else log.competency_id,
        practised_on=long_date(log.practised_on),
    )


def _subscribers() -> list[User]:
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.role == Role.SUPERVISOR,
                User.is_enabled.is_(True),
                User.has_digest_mail.is_(True),
                User.program_id.is_not(None),
            )
            .order_by(User.id)
        )
    )


def _previous(supervisor_ids: list[int]) -> dict[int, tuple[datetime, object]]:
    """{supervisor id: (end of the last digest's window, its day)}, one query."""
    rows = db.session.execute(
        sa.select(
            PracticeDigest.supervisor_id,
            sa.func.max(PracticeDigest.covered_until),
            sa.func.max(PracticeDigest.digest_on),
        )
        .where(PracticeDigest.supervisor_id.in_(supervisor_ids))
        .group_by(PracticeDigest.supervisor_id)
    )
    return {row[0]: (row[1], row[2]) for row in rows}


def _new_logs(
    supervisor_ids: list[int], since: datetime, until: datetime
) -> list[tuple[int, PracticeLog, User]]:
    """(supervisor id, log, trainee) for the logs of each supervisor's current trainees
    submitted in (since, until], one query."""
    trainee = aliased(User)
    rows = db.session.execute(
        sa.select(SupervisorAssignment.supervisor_id, PracticeLog, trainee)
        .join(
            SupervisorAssignment,
            sa.and_(
                SupervisorAssignment.trainee_id == PracticeLog.trainee_id,
                SupervisorAssignment.program_id == PracticeLog.program_id,
                SupervisorAssignment.ended_at.is_(None),
            ),
        )
        .join(trainee, trainee.id == PracticeLog.trainee_id)
        .where(
            SupervisorAssignment.supervisor_id.in_(supervisor_ids),
            PracticeLog.created_at > since,
            PracticeLog.created_at <= until,
        )
        .order_by(trainee.name, trainee.id, PracticeLog.created_at, PracticeLog.id)
    )
    return [(row[0], row[1], row[2]) for row in rows]


def _queue_one(
    supervisor: User,
    trainees: list[TraineeLogs],
    *,
    since: datetime,
    until: datetime,
    day,
) -> PracticeDigest | None:
    """The message, its row and its audit event, or None if a concurrent run already sent
    today's digest (the savepoint undoes this one's message)."""
    count = sum(item.count for item in trainees)
    timezone = supervisor.program.timezone if supervisor.program else None
    try:
        with db.session.begin_nested():
            message = queue_mail(
                supervisor.email,
                f"{count} new practice log{'s' if count != 1 else ''} from your trainees",
                "practice_digest",
                kind="practice-digest",
                program_id=supervisor.program_id,
                name=supervisor.name,
                since=local_time(since, timezone),
                trainees=trainees,
                count=count,
                link=absolute_url("supervision.index"),
                account_link=absolute_url("auth.account"),
            )
            digest = PracticeDigest(
                supervisor_id=supervisor.id,
                program_id=supervisor.program_id,
                digest_on=day,
                covered_from=since,
                covered_until=until,
                log_count=count,
                mail_message_id=message.id,
            )
            db.session.add(digest)
            db.session.flush()
    except IntegrityError:
        logger.info("Digest of %s for %s already sent", supervisor.id, day)
        return None
    record(
        "mail.digest_queued",
        actor=None,
        subject=f"user:{supervisor.id}",
        payload={
            "digest_id": digest.id,
            "mail_id": message.id,
            "logs": count,
            "trainees": len(trainees),
        },
        program_id=supervisor.program_id,
    )
    logger.info(
        "Digest %s of %s logs queued for supervisor %s", digest.id, count, supervisor.id
    )
    return digest


def queue_digests(now: datetime | None = None) -> list[PracticeDigest]:
    """Queue today's digest for every supervisor who has new logs and wants the digest and
    has had none today (in their program's time zone); returns the digests queued. Flushes;
    the caller commits. A fixed number of queries before the per-digest writes."""
    now = now or utcnow()
    until = now - SETTLE
    lock_chain()  # one run at a time: a second run sees the first one's digests
    supervisors = _subscribers()
    if not supervisors:
        return []
    ids = [supervisor.id for supervisor in supervisors]
    previous = _previous(ids)
    starts = {
        supervisor.id: previous[supervisor.id][0]
        if supervisor.id in previous
        else until - FIRST_WINDOW
        for supervisor in supervisors
    }
    by_supervisor: dict[int, dict[int, TraineeLogs]] = defaultdict(dict)
    for supervisor_id, log, trainee in _new_logs(ids, min(starts.values()), until):
        if log.created_at <= starts[supervisor_id]:
            continue
        entry = by_supervisor[supervisor_id].setdefault(
            trainee.id, TraineeLogs(name=trainee.name)
        )
        entry.lines.append(_describe(log))
    queued = []
    for supervisor in supervisors:
        trainees = list(by_supervisor.get(supervisor.id, {}).values())
        if not trainees:
            continue
        timezone = supervisor.program.timezone if supervisor.program else None
        day = now.astimezone(zone(timezone)).date()
        last = previous.get(supervisor.id)
        if last is not None and last[1] >= day:
            continue  # today's digest is already sent
        digest = _queue_one(
            supervisor, trainees, since=starts[supervisor.id], until=until, day=day
        )
        if digest is not None:
            queued.append(digest)
    return queued
