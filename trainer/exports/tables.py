"""The report's tables: their columns (documented in docs/reports.md) and their rows, built
from the trainee reports and the cohort summary of ``contents``."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

from trainer.content.loader import Module
from trainer.content.schema import ProfessionWide

from .contents import (
    CohortSummary,
    Scope,
    TraineeReport,
    competency_index,
    level_label,
    pwc_label,
    share,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "competencies": (
        "profession_wide",
        "profession_wide_label",
        "trainee_id",
        "trainee",
        "period_id",
        "period",
        "module",
        "competency_id",
        "competency",
        "rating_id",
        "level",
        "level_label",
        "minimum_level",
        "met",
        "only_no_opportunity_to_observe",
        "observation",
        "direct_observation",
        "observed_on",
        "signer",
        "signed_at",
        "meaning",
        "acknowledged_at",
        "trainee_response",
        "supersedes_rating_id",
        "comment",
    ),
    "corrections": (
        "trainee_id",
        "trainee",
        "period_id",
        "module",
        "competency_id",
        "rating_id",
        "level",
        "signer",
        "signed_at",
        "reason",
        "supersedes_rating_id",
        "superseded_level",
        "superseded_signer",
        "superseded_signed_at",
    ),
    "knowledge": (
        "trainee_id",
        "trainee",
        "module",
        "attempt",
        "submitted_at",
        "score",
        "pass_mark",
        "passed",
        "content_version",
    ),
    "modules": (
        "trainee_id",
        "trainee",
        "module",
        "attempts",
        "best_score",
        "quiz_passed",
        "status",
    ),
    "practice": (
        "trainee_id",
        "trainee",
        "period_id",
        "period",
        "module",
        "competency_id",
        "logs",
        "self_rating",
        "supervisor_level",
        "difference",
        "divergent",
    ),
    "cohort_summary": (
        "period_id",
        "period",
        "measure",
        "profession_wide",
        "module",
        "competency_id",
        "label",
        "count",
        "of",
        "share",
    ),
    "shortfalls": (
        "period_id",
        "period",
        "period_ended_on",
        "trainee_id",
        "trainee",
        "short_of",
    ),
}

#: tables with rows per trainee, in the order they are written
TRAINEE_TABLES = ("competencies", "corrections", "knowledge", "modules", "practice")
#: tables written once the cohort is read
COHORT_TABLES = ("cohort_summary", "shortfalls")


def text(value: Any) -> Any:
    """A JSON-ready value: times as UTC ISO 8601, dates as ISO dates, enums as their value."""
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, (int, float, str, bool)):
        return value.value
    return value


def trainee_rows(
    report: TraineeReport, modules: list[Module]
) -> Iterator[tuple[str, dict]]:
    trainee = report.trainee
    index = competency_index(modules)
    for period in report.periods:
        for pwc, module, competency in index:
            module_record = period.modules.get(module.slug)
            if module_record is None:
                continue
            c = next(
                x
                for x in module_record.competencies
                if x.competency.id == competency.id
            )
            r = c.rating
            sign_off = r.sign_off if r is not None else None
            ack = (
                report.acknowledgements.get(sign_off.id)
                if sign_off is not None
                else None
            )
            yield (
                "competencies",
                {
                    "profession_wide": pwc.value,
                    "profession_wide_label": pwc_label(pwc),
                    "trainee_id": trainee.id,
                    "trainee": trainee.name,
                    "period_id": period.period.id,
                    "period": period.period.name,
                    "module": module.slug,
                    "competency_id": competency.id,
                    "competency": competency.statement,
                    "rating_id": r.id if r else None,
                    "level": r.level if r else None,
                    "level_label": level_label(r.level) if r else "",
                    "minimum_level": c.minimum_in_force,
                    "met": c.is_met,
                    "only_no_opportunity_to_observe": c.is_unobserved,
                    "observation": r.observation.value if r and r.observation else "",
                    "direct_observation": bool(r and r.is_direct),
                    "observed_on": text(r.observed_on) if r and r.observed_on else "",
                    "signer": sign_off.signer_name if sign_off else "",
                    "signed_at": text(sign_off.signed_at) if sign_off else "",
                    "meaning": sign_off.meaning if sign_off else "",
                    "acknowledged_at": text(ack.acknowledged_at) if ack else "",
                    "trainee_response": ack.response if ack else "",
                    "supersedes_rating_id": r.supersedes_id if r else None,
                    "comment": r.comment if r else "",
                },
            )
    for correction in report.corrections:
        r, old = correction.rating, correction.superseded
        yield (
            "corrections",
            {
                "trainee_id": trainee.id,
                "trainee": trainee.name,
                "period_id": r.period_id,
                "module": r.module_slug,
                "competency_id": r.competency_id,
                "rating_id": r.id,
                "level": r.level,
                "signer": r.sign_off.signer_name,
                "signed_at": text(r.sign_off.signed_at),
                "reason": r.correction_reason or "",
                "supersedes_rating_id": r.supersedes_id,
                "superseded_level": old.level if old else None,
                "superseded_signer": old.sign_off.signer_name if old else "",
                "superseded_signed_at": text(old.sign_off.signed_at) if old else "",
            },
        )
    for attempt in report.attempts:
        yield (
            "knowledge",
            {
                "trainee_id": trainee.id,
                "trainee": trainee.name,
                "module": attempt.module_slug,
                "attempt": attempt.number,
                "submitted_at": text(attempt.submitted_at),
                "score": attempt.score,
                "pass_mark": attempt.pass_mark,
                "passed": attempt.is_passed,
                "content_version": attempt.content_version.version,
            },
        )
    for module in modules:
        summary = report.knowledge.get(module.slug)
        yield (
            "modules",
            {
                "trainee_id": trainee.id,
                "trainee": trainee.name,
                "module": module.slug,
                "attempts": summary.attempts if summary else 0,
                "best_score": summary.best_score if summary else None,
                "quiz_passed": bool(summary and summary.is_passed),
                "status": report.statuses.get(module.slug, ""),
            },
        )
    for period in report.periods:
        for slug, module_record in period.modules.items():
            for c in module_record.competencies:
                yield (
                    "practice",
                    {
                        "trainee_id": trainee.id,
                        "trainee": trainee.name,
                        "period_id": period.period.id,
                        "period": period.period.name,
                        "module": slug,
                        "competency_id": c.competency.id,
                        "logs": period.log_counts.get((slug, c.competency.id), 0),
                        "self_rating": c.self_rating,
                        "supervisor_level": c.rating.level if c.rating else None,
                        "difference": c.difference,
                        "divergent": c.is_divergent,
                    },
                )


def cohort_rows(
    scope: Scope, summary: CohortSummary, modules: list[Module]
) -> Iterator[tuple[str, dict]]:
    n = summary.trainees
    for period in scope.periods:
        pid = period.id
        base = {"period_id": pid, "period": period.name}
        for pwc in ProfessionWide:
            if not any(
                pwc in c.profession_wide for m in modules for c in m.meta.competencies
            ):
                continue
            met = summary.pwc_met[(pid, pwc)]
            yield (
                "cohort_summary",
                {
                    **base,
                    "measure": "profession-wide-met",
                    "profession_wide": pwc.value,
                    "module": "",
                    "competency_id": "",
                    "label": pwc_label(pwc),
                    "count": met,
                    "of": n,
                    "share": share(met, n),
                },
            )
        for pwc, module, competency in competency_index(modules):
            met = summary.met[(pid, module.slug, competency.id)]
            yield (
                "cohort_summary",
                {
                    **base,
                    "measure": "competency-met",
                    "profession_wide": pwc.value,
                    "module": module.slug,
                    "competency_id": competency.id,
                    "label": competency.statement,
                    "count": met,
                    "of": n,
                    "share": share(met, n),
                },
            )
        evaluations, direct = summary.evaluations[pid], summary.direct[pid]
        yield (
            "cohort_summary",
            {
                **base,
                "measure": "evaluations-direct-observation",
                "profession_wide": "",
                "module": "",
                "competency_id": "",
                "label": "Evaluations (trainee and period) resting on direct observation",
                "count": direct,
                "of": evaluations,
                "share": share(direct, evaluations),
            },
        )
    periods = {p.id: p for p in scope.periods}
    for pid, name, trainee_id, short in summary.shortfalls:
        yield (
            "shortfalls",
            {
                "period_id": pid,
                "period": periods[pid].name,
                "period_ended_on": text(periods[pid].ends_on),
                "trainee_id": trainee_id,
                "trainee": name,
                "short_of": short,
            },
        )
