"""Accreditation export of a small and a large cohort, each built by
``trainer.program.demo_data.generate`` (seed 1) with every trainee in one cohort: time per
trainee and peak memory growth of the CSV and of the PDF export.

Each size runs in a process of its own (``python -m bench.bench_exports SIZE FORMAT``), so that
its memory is its own: a thread samples the process's resident memory (RSS, which counts what
WeasyPrint's C libraries allocate, unlike tracemalloc) every 20 ms during the export; the figure
is the peak minus the memory before the export began. Goal: the large cohort's export needs
under 50 MB more than the small one's (the export streams trainee by trainee).

Sizes: CSV 100 vs 2,000 trainees. PDF: a trainee's competency record is about 40 pages, which
takes WeasyPrint 10-25 s on a shared 2-core machine, so 2,000 trainees take hours; the PDF
sizes are EBTR_BENCH_PDF_SIZES (default "5,20"), e.g. EBTR_BENCH_PDF_SIZES=100,2000 for the
full comparison on a machine that can spare the time."""

from __future__ import annotations

import gc
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from bench import Result

ROOT = Path(__file__).resolve().parent.parent
CSV_SIZES = (100, 2000)
PDF_SIZES = tuple(
    int(size) for size in os.environ.get("EBTR_BENCH_PDF_SIZES", "5,20").split(",")
)
MEMORY_GOAL_MB = 50
#: the large cohort's time per trainee may be at most 1 / 0.8 of the small one's
TARGET = 0.8


def _app(folder: Path, trainees: int):
    from flask_migrate import upgrade

    from trainer import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-only",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / f'bench-{trainees}.sqlite'}",
            "SIGNING_KEY_PATH": str(folder / "signing-key.pem"),
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 8,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        upgrade()
    return app


class _PeakMemory:
    """The process's peak resident memory while the block runs, sampled by a thread."""

    def __init__(self, interval: float = 0.02):
        import psutil

        self.process = psutil.Process()
        self.interval = interval
        self.peak = self.start = 0
        self._stop = threading.Event()

    def _sample(self) -> None:
        while not self._stop.wait(self.interval):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def __enter__(self):
        gc.collect()
        self.start = self.peak = self.process.memory_info().rss
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, self.process.memory_info().rss)

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.start) / 2**20


def measure(trainees: int, fmt: str) -> dict:
    """In this process: generate the cohort, export it, return the figures."""
    from trainer.core.extensions import db
    from trainer.exports.jobs import trainee_count
    from trainer.exports.services import build_export
    from trainer.program.demo_data import generate

    with tempfile.TemporaryDirectory(prefix="ebtr-bench-exports-") as work:
        folder = Path(work)
        app = _app(folder, trainees)
        with app.app_context():
            program = generate(trainees=trainees, seed=1, per_cohort=trainees)
            db.session.commit()
            cohort = program.cohorts[0]
            count = trainee_count(cohort.id)
            db.session.expunge_all()
            cohort = db.session.merge(cohort, load=True)
            with _PeakMemory() as memory:
                start = time.perf_counter()
                build_export(cohort, fmt, folder / "out", via="benchmark")
                seconds = time.perf_counter() - start
            db.session.rollback()
    return {
        "trainees": count,
        "seconds": seconds,
        "per_trainee": seconds / max(count, 1),
        "growth_mb": memory.growth_mb,
        "load": os.getloadavg()[0],
    }


def _measure_apart(trainees: int, fmt: str) -> dict:
    done = subprocess.run(
        [sys.executable, "-m", "bench.bench_exports", str(trainees), fmt],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"{fmt} export of {trainees} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _result(fmt: str, small: dict, large: dict) -> Result:
    growth = large["growth_mb"] - small["growth_mb"]
    verdict = "met" if growth < MEMORY_GOAL_MB else "NOT met"
    return Result(
        name=f"{fmt.upper()} export, {large['trainees']:,} trainees: time per trainee",
        baseline=f"{fmt.upper()} export, {small['trainees']:,} trainees: time per trainee",
        baseline_seconds=small["per_trainee"],
        seconds=large["per_trainee"],
        target=TARGET,
        notes=[
            f"whole export: {small['seconds']:.1f} s for {small['trainees']:,} trainees, "
            f"{large['seconds']:.1f} s for {large['trainees']:,}",
            f"peak memory growth during the export (RSS): {small['growth_mb']:.1f} MB for "
            f"{small['trainees']:,} trainees, {large['growth_mb']:.1f} MB for {large['trainees']:,}: "
            f"the larger cohort needs {growth:.1f} MB more (goal: under {MEMORY_GOAL_MB} MB; {verdict})",
            "each size in a process and a SQLite database of its own, built by "
            "demo_data.generate(seed=1) with all trainees in one cohort; one run each"
            + _load_note(small, large),
            *_size_note(fmt, small, large),
        ],
    )


def _load_note(small: dict, large: dict) -> str:
    if "load" not in small or "load" not in large:
        return ""
    return (
        f"; load average {small['load']:.1f} and {large['load']:.1f} at the end of each "
        f"({os.cpu_count()} CPUs): other work on the machine makes the time ratio noisy"
    )


def _size_note(fmt: str, small: dict, large: dict) -> list[str]:
    """Say so when the goal's comparison (100 vs 2,000 trainees) was not the one run."""
    if (small["trainees"], large["trainees"]) == (100, 2000):
        return []
    hours = 2000 * large["per_trainee"] / 3600
    return [
        f"the goal's comparison, 100 vs 2,000 trainees, was NOT run for {fmt.upper()}: at "
        f"{large['per_trainee']:.0f} s per trainee, 2,000 records take about {hours:.0f} hours "
        f"here (EBTR_BENCH_PDF_SIZES=100,2000 runs it); the memory figure is the smaller pair's"
    ]


def run() -> list[Result]:
    results = []
    for fmt, (small, large) in (("csv", CSV_SIZES), ("pdf", PDF_SIZES)):
        results.append(
            _result(fmt, _measure_apart(small, fmt), _measure_apart(large, fmt))
        )
    return results


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    print(json.dumps(measure(int(sys.argv[1]), sys.argv[2])))
