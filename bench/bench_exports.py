"""Accreditation export of a small and a large cohort (``flask --app app demo-data`` builds
them: trainer.program.demo_data.generate): time per trainee and peak memory growth (tracemalloc)
of the CSV export of 100 vs 2,000 trainees, and of the PDF export of 20 vs 100 trainees (a PDF
per trainee takes WeasyPrint most of a second, so 2,000 would take half an hour; time and memory
per trainee are what the comparison needs). Goal: memory growth under 50 MB from the small
cohort to the large one, whatever its size: the export streams trainee by trainee."""

from __future__ import annotations

import tempfile
import time
import tracemalloc
from pathlib import Path

from bench import Result

CSV_SIZES = (100, 2000)
PDF_SIZES = (20, 100)
MEMORY_GOAL_MB = 50


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


def _largest_cohort(program):
    import sqlalchemy as sa

    from trainer.auth.models import User
    from trainer.core.extensions import db
    from trainer.program.models import Cohort

    return db.session.scalar(
        sa.select(Cohort)
        .join(User, User.cohort_id == Cohort.id)
        .where(Cohort.program_id == program.id)
        .group_by(Cohort.id)
        .order_by(sa.func.count(User.id).desc())
        .limit(1)
    )


def _measure(folder: Path, trainees: int, fmt: str) -> tuple[float, float, int]:
    """(seconds per trainee, peak traced MB during the export, trainees exported)."""
    from trainer.auth.models import User
    from trainer.auth.permissions import Role
    from trainer.core.extensions import db
    from trainer.exports.services import build_export
    from trainer.program.demo_data import generate

    app = _app(folder, trainees)
    with app.app_context():
        program = generate(trainees=trainees, seed=1)
        db.session.commit()
        cohort = _largest_cohort(program)
        count = db.session.scalar(
            db.select(db.func.count(User.id)).where(
                User.cohort_id == cohort.id, User.role == Role.TRAINEE
            )
        )
        db.session.expunge_all()
        tracemalloc.start()
        tracemalloc.reset_peak()
        start = time.perf_counter()
        build_export(cohort, fmt, folder / f"out-{fmt}-{trainees}", via="benchmark")
        seconds = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        db.session.rollback()
    return seconds / max(count, 1), peak / 2**20, count


def run() -> Result:
    with tempfile.TemporaryDirectory(prefix="ebtr-bench-exports-") as work:
        folder = Path(work)
        small_csv = _measure(folder, CSV_SIZES[0], "csv")
        large_csv = _measure(folder, CSV_SIZES[1], "csv")
        small_pdf = _measure(folder, PDF_SIZES[0], "pdf")
        large_pdf = _measure(folder, PDF_SIZES[1], "pdf")
    csv_growth = large_csv[1] - small_csv[1]
    pdf_growth = large_pdf[1] - small_pdf[1]
    return Result(
        name=f"CSV export, {large_csv[2]:,} trainees: time per trainee",
        baseline=f"CSV export, {small_csv[2]:,} trainees: time per trainee",
        baseline_seconds=small_csv[0],
        seconds=large_csv[0],
        target=0.8,
        notes=[
            f"peak memory traced during the CSV export: {small_csv[1]:.1f} MB for {small_csv[2]:,} trainees, "
            f"{large_csv[1]:.1f} MB for {large_csv[2]:,}: growth {csv_growth:.1f} MB "
            f"(goal: under {MEMORY_GOAL_MB} MB; {'met' if csv_growth < MEMORY_GOAL_MB else 'NOT met'})",
            f"PDF export: {small_pdf[0] * 1000:.0f} ms per trainee for {small_pdf[2]:,} trainees, "
            f"{large_pdf[0] * 1000:.0f} ms for {large_pdf[2]:,}; peak memory {small_pdf[1]:.1f} MB vs "
            f"{large_pdf[1]:.1f} MB: growth {pdf_growth:.1f} MB "
            f"(goal: under {MEMORY_GOAL_MB} MB; {'met' if pdf_growth < MEMORY_GOAL_MB else 'NOT met'})",
            "each size in its own SQLite database built by demo_data.generate(seed=1); one run each "
            "(an export of 2,000 trainees is long enough not to need the best of three)",
        ],
    )
