"""The synthetic trainees' records: quiz attempts scored by the real scoring rules, practice
logs with self-ratings, and signed ratings in both periods with acknowledgements, each row with
the audit event its service would have appended. Written through the tables (``db.metadata``),
not the models of the areas above ``program``."""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta
from typing import Any

import rfc8785
import sqlalchemy as sa

from trainer.auth.models import User
from trainer.content.loader import Module
from trainer.content.schema import (
    QUALITY_CREDIT,
    BranchingItem,
    MultipleItem,
    SingleItem,
)
from trainer.content.scoring import score_attempt
from trainer.core.extensions import db

from .bulk import BATCH, Chain, insert_returning_ids, table_named
from .models import Program

#: attempts per trainee and module: 1 to 4 (50 a trainee on average over twenty modules)
MAX_ATTEMPTS_PER_MODULE = 4
SIGNATURE_MEANING = (
    "I attest that I observed this practice and that these ratings reflect it"
)
DIRECT = ("in-room", "live-video", "video-recording", "audio-recording")
INDIRECT = ("role-play", "standardized-client", "report-only")
MODALITIES = ("individual", "couple-family", "group", "youth")
CLINICS = ("outpatient", "community", "counselling-centre", "school", "primary-care")
PRACTICE_TEXT = (
    "Practised this competency with a client in a scheduled session",
    "Used the skill during an intake with an adult client",
    "Tried the approach in a group session after supervision",
)
RESPONSE_TEXT = (
    "The client said the session helped and agreed on next steps",
    "The client was hesitant at first and then engaged",
    "The client disagreed and we repaired the misunderstanding",
)
REFLECTION_TEXT = (
    "I will slow down and check the client's view more often",
    "Next time I will name the rupture earlier",
    "Supervision helped me see what worked",
)


def _answer(rng: random.Random, item, ability: float) -> dict[str, Any]:
    """An answer to one item by a trainee who picks the keyed option with ``ability``."""
    if isinstance(item, SingleItem):
        keyed = [o.id for o in item.options if o.correct]
        others = [o.id for o in item.options if not o.correct]
        return {"chosen": keyed if rng.random() < ability else [rng.choice(others)]}
    if isinstance(item, MultipleItem):
        keyed = [o.id for o in item.options if o.correct]
        if rng.random() < ability:
            return {"chosen": keyed}
        count = len(keyed) if item.select == "all" else item.select
        ids = [o.id for o in item.options]
        return {"chosen": sorted(rng.sample(ids, min(count, len(ids))))}
    assert isinstance(item, BranchingItem)
    points = {point.id: point for point in item.points}
    point = points[item.start]
    path = []
    while not point.end:
        best = max(point.options, key=lambda o: QUALITY_CREDIT[o.quality])
        option = best if rng.random() < ability else rng.choice(point.options)
        path.append([point.id, option.id])
        point = points[option.next]
    return {"path": path, "end": point.id}


def write_attempts(
    rng: random.Random,
    program: Program,
    modules: list[Module],
    versions: dict[str, int],
    trainee_ids: list[tuple[int, str]],
    chain: Chain,
) -> dict[int, dict[str, list[int]]]:
    """1-4 attempts a module for every trainee (50 on average over twenty modules; some
    retake a quiz they passed), each better than the last; returns
    trainee id -> module slug -> attempt ids."""
    table = table_named("attempts")
    rows: list[dict[str, Any]] = []
    owners: list[tuple[tuple[int, str], Module]] = []
    for trainee in trainee_ids:
        ability = rng.uniform(0.45, 0.95)
        for module in modules:
            for number in range(1, rng.randint(1, MAX_ATTEMPTS_PER_MODULE) + 1):
                answers = {
                    item.id: _answer(rng, item, min(0.98, ability + 0.1 * number))
                    for item in module.quiz.items
                }
                result = score_attempt(module.quiz, answers)
                submitted = chain.now - timedelta(days=rng.randint(1, 200))
                rows.append(
                    {
                        "trainee_id": trainee[0],
                        "program_id": program.id,
                        "module_slug": module.slug,
                        "number": number,
                        "content_version_id": versions[module.slug],
                        "answers": answers,
                        "item_scores": result.item_scores,
                        "competency_scores": result.competency_scores,
                        "score": result.score,
                        "pass_mark": module.quiz.pass_mark,
                        "is_passed": result.is_passed,
                        "started_at": submitted - timedelta(minutes=rng.randint(5, 40)),
                        "submitted_at": submitted,
                    }
                )
                owners.append((trainee, module))
    ids = insert_returning_ids(table, rows)
    by_trainee: dict[int, dict[str, list[int]]] = {}
    for id_, row, (trainee, module) in zip(ids, rows, owners, strict=True):
        chain.append(
            "attempt.submitted",
            actor=trainee,
            subject=f"attempt:{id_}",
            payload={
                "module": module.slug,
                "number": row["number"],
                "version": module.version,
                "score": row["score"],
                "passed": row["is_passed"],
            },
            program_id=program.id,
        )
        by_trainee.setdefault(trainee[0], {}).setdefault(module.slug, []).append(id_)
        if len(chain.rows) >= BATCH * 5:
            chain.flush()
    return by_trainee


def write_practice_logs(
    rng: random.Random,
    program: Program,
    modules: list[Module],
    trainee_ids: list[tuple[int, str]],
    chain: Chain,
) -> dict[tuple[int, str, str], list[int]]:
    """Five to fifteen practice logs a trainee; returns (trainee, module, competency) -> ids."""
    table = table_named("practice_logs")
    rows: list[dict[str, Any]] = []
    owners = []
    for trainee in trainee_ids:
        for _ in range(rng.randint(5, 15)):
            module = rng.choice(modules)
            competency = rng.choice(module.meta.competencies)
            rows.append(
                {
                    "trainee_id": trainee[0],
                    "program_id": program.id,
                    "module_slug": module.slug,
                    "competency_id": competency.id,
                    "content_version": module.version,
                    "practised_on": chain.now.date()
                    - timedelta(days=rng.randint(1, 200)),
                    "modality": rng.choice(MODALITIES),
                    "clinic_type": rng.choice(CLINICS),
                    "what_i_did": rng.choice(PRACTICE_TEXT),
                    "client_response": rng.choice(RESPONSE_TEXT),
                    "reflection": rng.choice(REFLECTION_TEXT),
                    "self_rating": rng.randint(2, 5),
                    "submission_token": f"{rng.getrandbits(128):032x}",
                    "created_at": chain.now,
                }
            )
            owners.append(trainee)
    ids = insert_returning_ids(table, rows)
    logs: dict[tuple[int, str, str], list[int]] = {}
    for id_, row, trainee in zip(ids, rows, owners, strict=True):
        chain.append(
            "practice.logged",
            actor=trainee,
            subject=f"practice-log:{id_}",
            payload={
                "module": row["module_slug"],
                "competency": row["competency_id"],
                "practised_on": row["practised_on"].isoformat(),
                "self_rating": row["self_rating"],
            },
            program_id=program.id,
        )
        key = (row["trainee_id"], row["module_slug"], row["competency_id"])
        logs.setdefault(key, []).append(id_)
        if len(chain.rows) >= BATCH * 5:
            chain.flush()
    return logs


def _rating(
    rng: random.Random,
    program: Program,
    supervisor: tuple[int, str],
    trainee_id: int,
    period_id: int,
    module: Module,
    competency_id: str,
    evidence: tuple[list[int], list[int]],
    *,
    direct: bool,
    observed_on: date,
) -> dict[str, Any]:
    level: int | None
    if rng.random() < 0.05 and not direct:
        level, observation, on = None, None, None
    else:
        level = rng.choices([2, 3, 4, 5], weights=[1, 3, 5, 2])[0]
        observation = rng.choice(DIRECT if direct else INDIRECT)
        on = observed_on
    return {
        "program_id": program.id,
        "supervisor_id": supervisor[0],
        "trainee_id": trainee_id,
        "period_id": period_id,
        "module_slug": module.slug,
        "competency_id": competency_id,
        "level": level,
        "comment": ""
        if level is None
        else "Observed in supervision; see the evidence.",
        "observation": observation,
        "observed_on": on,
        "evidence_log_ids": sorted(evidence[0]),
        "evidence_attempt_ids": sorted(evidence[1]),
        "content_version": module.version,
    }


def _canonical(rating: dict[str, Any]) -> dict[str, Any]:
    """What the signature covers (trainer.record.models.SignedRating.canonical)."""
    return {
        "trainee_id": rating["trainee_id"],
        "period_id": rating["period_id"],
        "module": rating["module_slug"],
        "competency": rating["competency_id"],
        "level": rating["level"],
        "comment": rating["comment"],
        "observation": rating["observation"],
        "observed_on": rating["observed_on"].isoformat()
        if rating["observed_on"]
        else None,
        "evidence_logs": sorted(rating["evidence_log_ids"]),
        "evidence_attempts": sorted(rating["evidence_attempt_ids"]),
        "content_version": rating["content_version"],
        "supersedes": None,
        "correction_reason": None,
    }


def write_ratings(
    rng: random.Random,
    program: Program,
    modules: list[Module],
    periods: list,
    supervisor_of: dict[int, tuple[int, str]],
    attempts: dict[int, dict[str, list[int]]],
    logs: dict[tuple[int, str, str], list[int]],
    chain: Chain,
) -> None:
    """In each period, one sign-off per trainee over the competencies of two to four modules
    (at least one rating resting on direct observation), then most trainees acknowledge."""
    sign_offs: list[dict[str, Any]] = []
    ratings_of: list[list[dict[str, Any]]] = []
    for trainee_id, supervisor in supervisor_of.items():
        for index, period in enumerate(periods):
            observed_on = chain.now.date() - timedelta(days=150 - 100 * index)
            chosen = rng.sample(modules, min(len(modules), rng.randint(2, 4)))
            ratings = []
            for position, module in enumerate(chosen):
                for number, competency in enumerate(module.meta.competencies):
                    key = (trainee_id, module.slug, competency.id)
                    evidence = (
                        logs.get(key, [])[:2],
                        attempts.get(trainee_id, {}).get(module.slug, [])[-1:],
                    )
                    direct = (position == 0 and number == 0) or rng.random() < 0.5
                    ratings.append(
                        _rating(
                            rng,
                            program,
                            supervisor,
                            trainee_id,
                            period.id,
                            module,
                            competency.id,
                            evidence,
                            direct=direct,
                            observed_on=observed_on,
                        )
                    )
            digest = hashlib.sha256(
                rfc8785.dumps([_canonical(rating) for rating in ratings])
            ).hexdigest()
            sign_offs.append(
                {
                    "program_id": program.id,
                    "trainee_id": trainee_id,
                    "period_id": period.id,
                    "signer_id": supervisor[0],
                    "signer_name": f"Supervisor {supervisor[1].split('@')[0].split('-')[1]}",
                    "signed_at": chain.now,
                    "meaning": SIGNATURE_MEANING,
                    "is_correction": False,
                    "ratings_digest": digest,
                    "submission_token": f"{rng.getrandbits(128):032x}",
                }
            )
            ratings_of.append(ratings)
    sign_off_ids = insert_returning_ids(table_named("sign_offs"), sign_offs)
    flat = []
    for sign_off_id, ratings in zip(sign_off_ids, ratings_of, strict=True):
        for rating in ratings:
            rating["sign_off_id"] = sign_off_id
            flat.append(rating)
    rating_ids = iter(insert_returning_ids(table_named("signed_ratings"), flat))
    acknowledgements = []
    for sign_off_id, sign_off, ratings in zip(
        sign_off_ids, sign_offs, ratings_of, strict=True
    ):
        supervisor = supervisor_of[sign_off["trainee_id"]]
        chain.append(
            "supervision.signed",
            actor=supervisor,
            subject=f"sign-off:{sign_off_id}",
            payload={
                "trainee_id": sign_off["trainee_id"],
                "period_id": sign_off["period_id"],
                "meaning": sign_off["meaning"],
                "ratings": [next(rating_ids) for _ in ratings],
                "digest": sign_off["ratings_digest"],
            },
            program_id=program.id,
        )
        if rng.random() < 0.8:
            acknowledgements.append(
                {
                    "sign_off_id": sign_off_id,
                    "trainee_id": sign_off["trainee_id"],
                    "response": ""
                    if rng.random() < 0.8
                    else "Thank you; I will keep working on this.",
                    "acknowledged_at": chain.now,
                }
            )
    ids = insert_returning_ids(table_named("acknowledgements"), acknowledgements)
    emails = dict(
        db.session.execute(
            sa.select(User.id, User.email).where(User.program_id == program.id)
        ).all()
    )
    for id_, row in zip(ids, acknowledgements, strict=True):
        chain.append(
            "supervision.acknowledged",
            actor=(row["trainee_id"], emails[row["trainee_id"]]),
            subject=f"sign-off:{row['sign_off_id']}",
            payload={"acknowledgement_id": id_, "has_response": bool(row["response"])},
            program_id=program.id,
        )
