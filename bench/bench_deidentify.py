"""The identifier check (trainer/privacy/deidentify.py) on the worst texts of the longest length a
form accepts (bench/adversarial.py), against the same check on ordinary clinical writing of that
length. Linear patterns keep the worst text within a small factor of the ordinary one; the
product's bound is well under 100 ms of CPU for the worst text."""

from __future__ import annotations

import time

from bench import Result
from bench.adversarial import worst_texts

REPEAT = 3
ORDINARY = (
    "She described the week as 'a bit better', then went quiet when I reflected her worry about "
    "work. I named the shift and asked what had happened; she said it felt like being judged. "
)


def _cpu(action, repeat: int = REPEAT) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.thread_time()
        action()
        best = min(best, time.thread_time() - start)
    return best


def run() -> Result:
    from trainer.practice.forms import TEXT_LIMIT
    from trainer.privacy.deidentify import find_identifiers

    ordinary = (ORDINARY * (TEXT_LIMIT // len(ORDINARY) + 1))[:TEXT_LIMIT]
    baseline = _cpu(lambda: find_identifiers(ordinary))
    timed = sorted(
        (
            (_cpu(lambda text=text: find_identifiers(text)), name)
            for name, text in worst_texts(TEXT_LIMIT).items()
        ),
        reverse=True,
    )
    worst, worst_name = timed[0]
    quarter = worst_texts(TEXT_LIMIT // 4)[worst_name]
    scaling = worst / _cpu(lambda: find_identifiers(quarter))
    return Result(
        name=f"de-identification check, worst of {len(timed)} texts of {TEXT_LIMIT:,} characters",
        baseline=f"the same check on ordinary clinical writing of {TEXT_LIMIT:,} characters",
        baseline_seconds=baseline,
        seconds=worst,
        notes=[
            f"the worst text is {worst_name}: {worst * 1000:.1f} ms of CPU (bound: 100 ms); "
            f"the next are {', '.join(f'{n} {s * 1000:.1f} ms' for s, n in timed[1:4])}",
            f"the worst text at a quarter of the length takes {1 / scaling:.2f} of the time "
            "(linear: 0.25; quadratic: 0.06)",
            "times are CPU time of the checking thread, best of three",
        ],
    )
