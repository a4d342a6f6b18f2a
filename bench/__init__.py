"""Benchmarks, run by ``make bench`` (``python -m bench``); results go to docs/benchmarks.md.

Each ``bench/bench_<name>.py`` exposes ``run() -> Result``: it times one operation of the
product against a baseline measured in the same run, on the same machine, so that the ratio
(baseline time / measured time; higher is better) means something on any machine.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Result:
    #: what was timed, e.g. "audit verify, 1,000,000 events (SQLite)"
    name: str
    #: what it is compared with
    baseline: str
    baseline_seconds: float
    seconds: float
    #: the ratio the product aims for (baseline / measured), if any
    target: float | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def ratio(self) -> float:
        return self.baseline_seconds / self.seconds if self.seconds else float("inf")

    @property
    def meets_target(self) -> bool | None:
        return None if self.target is None else self.ratio >= self.target


def best_of(repeat: int, action: Callable[[], object]) -> float:
    """The shortest wall-clock time of ``repeat`` runs (the least disturbed by other work)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return min(times)
