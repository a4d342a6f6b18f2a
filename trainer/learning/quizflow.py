"""Taking a quiz one decision at a time, without JavaScript and without server-side state.

The progress so far travels in a signed token in the form; nothing is stored until the
trainee submits. One step is one single-best-answer item, one multiple-select item, or one
decision point of a branching scenario.

Nothing in the page reveals the file: the state is encrypted (not only signed), so its
per-attempt seed and the answers so far cannot be read; the seed orders the options of each
step and gives each option an opaque value for this attempt only. The server maps the values
back to the file's option ids (:meth:`Step.option_ids`); the stored attempt records those.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from itsdangerous import BadSignature, URLSafeTimedSerializer

from trainer.content.loader import Module
from trainer.content.schema import BranchingItem, MultipleItem, Point
from trainer.core.errors import TrainerError
from trainer.core.models import utcnow

TOKEN_SALT = "quiz-progress"  # noqa: S105 (a signing salt, not a password)
TOKEN_MAX_AGE = 24 * 3600


class ProgressInvalid(TrainerError):
    """The progress token is forged, expired, or for another quiz or version."""


class AnswerInvalid(TrainerError):
    """The answer to the current step is not acceptable; the message says why."""


@dataclass
class Progress:
    slug: str
    version: str
    number: int
    started_at: datetime
    answers: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: random per attempt; orders the options
    seed: str = ""
    #: the trainee the page was issued to; another account cannot submit it
    trainee_id: int = 0

    def to_data(self) -> dict[str, Any]:
        return {
            "slug": self.slug,
            "version": self.version,
            "number": self.number,
            "started_at": self.started_at.isoformat(),
            "answers": self.answers,
            "seed": self.seed,
            "trainee_id": self.trainee_id,
        }

    @classmethod
    def from_data(cls, data: dict[str, Any]) -> Progress:
        return cls(
            slug=str(data["slug"]),
            version=str(data["version"]),
            number=int(data["number"]),
            started_at=datetime.fromisoformat(data["started_at"]),
            answers=dict(data["answers"]),
            seed=str(data.get("seed", "")),
            trainee_id=int(data.get("trainee_id", 0)),
        )


@dataclass(frozen=True)
class Step:
    index: int  # 0-based position of the item
    total: int
    item: Any
    point: Point | None = None  # the current decision point of a branching item
    path: tuple = ()  # decisions already taken in this branching item

    seed: str = ""

    @property
    def options(self):
        """The options in this attempt's own order, so the keyed answer's position in the
        file tells the trainee nothing."""
        options = self.point.options if self.point is not None else self.item.options
        return sorted(
            options, key=lambda option: _shuffle_key(self.seed, self.item.id, option.id)
        )

    @property
    def is_multiple(self) -> bool:
        return isinstance(self.item, MultipleItem)

    def value(self, option) -> str:
        """The option's value in the page: opaque, and different in every attempt."""
        point = self.point.id if self.point is not None else ""
        return hashlib.sha256(
            f"{self.seed}:value:{self.item.id}:{point}:{option.id}".encode()
        ).hexdigest()[:16]

    @property
    def choices(self) -> list[tuple[str, Any]]:
        """(value in the page, option) in this attempt's order."""
        return [(self.value(option), option) for option in self.options]

    def option_ids(self, values: list[str]) -> list[str]:
        """The file's option ids of the values sent back from the page."""
        by_value = {value: option.id for value, option in self.choices}
        if any(value not in by_value for value in values):
            raise AnswerInvalid("Choose from the options shown.")
        return [by_value[value] for value in values]


def _shuffle_key(seed: str, item_id: str, option_id: str) -> str:
    return hashlib.sha256(f"{seed}:{item_id}:{option_id}".encode()).hexdigest()


def _serializer(secret_key: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret_key, salt=TOKEN_SALT)


def _cipher(secret_key: str) -> Fernet:
    digest = hashlib.sha256(f"{TOKEN_SALT}:{secret_key}".encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def encode(progress: Progress, secret_key: str) -> str:
    """The signed (and timestamped) state, encrypted so the page cannot read it."""
    signed = _serializer(secret_key).dumps(progress.to_data())
    return _cipher(secret_key).encrypt(signed.encode()).decode()


def load_state(token: str, secret_key: str) -> Progress:
    """What a state token carries, before the checks of :func:`decode`."""
    try:
        signed = _cipher(secret_key).decrypt(token.encode()).decode()
        data = _serializer(secret_key).loads(signed, max_age=TOKEN_MAX_AGE)
        return Progress.from_data(data)
    except (InvalidToken, BadSignature, KeyError, TypeError, ValueError) as error:
        raise ProgressInvalid(
            "This quiz page has expired. Start the quiz again."
        ) from error


def decode(token: str, secret_key: str, module: Module, *, trainee_id: int) -> Progress:
    progress = load_state(token, secret_key)
    if progress.trainee_id != trainee_id:
        raise ProgressInvalid(
            "This quiz page was opened by another account. Start the quiz again."
        )
    if progress.slug != module.slug:
        raise ProgressInvalid("This answer belongs to another quiz.")
    if progress.version != module.version:
        raise ProgressInvalid(
            "The module was updated while you were taking its quiz. Start again on the new version."
        )
    return progress


def start(module: Module, number: int, *, trainee_id: int) -> Progress:
    return Progress(
        slug=module.slug,
        version=module.version,
        number=number,
        started_at=utcnow(),
        seed=secrets.token_hex(8),
        trainee_id=trainee_id,
    )


def _points(item: BranchingItem) -> dict[str, Point]:
    return {point.id: point for point in item.points}


def current_point(item: BranchingItem, answer: dict[str, Any] | None) -> Point | None:
    """The decision point a branching item is at, or None when its path has ended."""
    points = _points(item)
    if not answer:
        return points[item.start]
    if "end" in answer:
        return None
    point_id, option_id = answer["path"][-1]
    option = next(o for o in points[point_id].options if o.id == option_id)
    return points[option.next]


def current_step(module: Module, progress: Progress) -> Step | None:
    items = module.quiz.items
    for index, item in enumerate(items):
        answer = progress.answers.get(item.id)
        if isinstance(item, BranchingItem):
            point = current_point(item, answer)
            if point is not None:
                path = tuple(tuple(step) for step in (answer or {}).get("path", []))
                return Step(index, len(items), item, point, path, progress.seed)
        elif answer is None:
            return Step(index, len(items), item, seed=progress.seed)
    return None


def apply_answer(module: Module, progress: Progress, chosen: list[str]) -> Step | None:
    """Record the answer to the current step in ``progress``; return the next step."""
    step = current_step(module, progress)
    if step is None:
        raise AnswerInvalid("Every item is answered; submit your attempt.")
    valid = {option.id for option in step.options}
    chosen = list(dict.fromkeys(chosen))
    if any(choice not in valid for choice in chosen):
        raise AnswerInvalid("Choose from the options shown.")
    if step.is_multiple:
        _check_multiple(step.item, chosen)
        progress.answers[step.item.id] = {"chosen": sorted(chosen)}
    elif len(chosen) != 1:
        raise AnswerInvalid("Choose one option.")
    elif step.point is None:
        progress.answers[step.item.id] = {"chosen": chosen}
    else:
        _advance_path(step, progress, chosen[0])
    return current_step(module, progress)


def _check_multiple(item: MultipleItem, chosen: list[str]) -> None:
    if not chosen:
        raise AnswerInvalid("Choose at least one option.")
    if item.select != "all" and len(chosen) != item.select:
        raise AnswerInvalid(
            f"Choose exactly {item.select} options (you chose {len(chosen)})."
        )


def _advance_path(step: Step, progress: Progress, option_id: str) -> None:
    points = _points(step.item)
    answer = progress.answers.setdefault(step.item.id, {"path": []})
    answer["path"].append([step.point.id, option_id])
    option = next(o for o in step.point.options if o.id == option_id)
    if points[option.next].end:
        answer["end"] = option.next


def answered_count(progress: Progress) -> int:
    """How many steps have been answered (each decision of a branching item is one)."""
    return sum(len(answer.get("path", [])) or 1 for answer in progress.answers.values())


def is_complete(module: Module, progress: Progress) -> bool:
    return current_step(module, progress) is None


def replay(item: BranchingItem, answer: dict[str, Any]) -> list[tuple[Point, Any]]:
    """The decisions of a stored path, as (point, chosen option) pairs."""
    points = _points(item)
    steps = []
    for point_id, option_id in answer.get("path", []):
        point = points[point_id]
        steps.append((point, next(o for o in point.options if o.id == option_id)))
    return steps


def ending(item: BranchingItem, answer: dict[str, Any]) -> Point | None:
    end = answer.get("end")
    return _points(item).get(end) if end else None
