"""``flask --app app audit verify`` over BENCH_EVENTS events (default 1,000,000) in a
throw-away SQLite database, against a plain loop of hashlib.sha256 over the same canonical
bytes (the least any verifier must do: one SHA-256 per event, chained)."""

from __future__ import annotations

import hashlib
import math
import os
import platform
import sqlite3
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench import Result, best_of

REPEAT = 3
CHUNK = 20_000
TARGET_RATIO = 0.5

#: a mix of the shapes the product records
TEMPLATES = [
    ("auth.login", "user:{u}", {"address": "203.0.113.{n}"}),
    (
        "attempt.submitted",
        "attempt:{i}",
        {
            "module": "empathy",
            "number": 2,
            "passed": True,
            "score": 87.5,
            "version": "9f2c4e1ab7d05c3e8a6f1b2d4c6e8a0b1c3d5e7f9a1b3c5d7e9f1a3b5c7d9e1f",
        },
    ),
    (
        "practice.logged",
        "practice_log:{i}",
        {"competency": "empathy-reflect", "setting": "role-play"},
    ),
    (
        "rating.signed",
        "sign_off:{i}",
        {
            "levels": {"empathy-reflect": 4, "empathy-attune": 3},
            "observation": "live video",
        },
    ),
]


def run() -> Result:
    events = int(os.environ.get("BENCH_EVENTS", "1000000"))
    with tempfile.TemporaryDirectory(prefix="ebtr-bench-") as folder:
        app = _app(Path(folder) / "bench.sqlite3")
        from trainer.audit.parallel import default_jobs
        from trainer.core.extensions import db

        with app.app_context():
            canonical = _build_chain(events)
            runner = app.test_cli_runner()
            jobs = default_jobs()
            verify = best_of(REPEAT, lambda: _verify(runner, events, jobs))
            single = best_of(REPEAT, lambda: _verify(runner, events, 1))
            baseline = best_of(REPEAT, lambda: _hash_loop(canonical))
            reading = best_of(REPEAT, _read_rows)
            for engine in db.engines.values():
                engine.dispose()
    return Result(
        name=f"`audit verify`, {events:,} events (SQLite)",
        baseline="plain loop of `hashlib.sha256` over the same canonical bytes",
        baseline_seconds=baseline,
        seconds=verify,
        target=TARGET_RATIO,
        notes=[
            f"`--jobs {jobs}` (default: one process per CPU, at most 8); "
            f"with `--jobs 1`: {single:.2f} s, ratio {baseline / single:.2f}",
            f"only reading the rows, in one process, without hashing anything: {reading:.2f} s, "
            f"ratio {baseline / reading:.2f}: no verifier in one Python process can beat this",
            f"{jobs} processes verify {single / verify:.2f} times as fast as one; at that scaling, "
            f"the target ratio needs about {math.ceil(single * TARGET_RATIO / baseline)} CPUs",
            f"{os.cpu_count()} CPUs, Python {platform.python_version()}, SQLite {sqlite3.sqlite_version}",
        ],
    )


def _app(path: Path):
    from flask_migrate import upgrade

    from trainer import create_app

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "benchmark-only",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}",
            "ARGON2_TIME_COST": 1,
            "ARGON2_MEMORY_COST": 8,
            "ARGON2_PARALLELISM": 1,
        }
    )
    with app.app_context():
        upgrade()
    return app


def _build_chain(events: int) -> list[bytes]:
    """Append ``events`` events after the few the set-up records; returns the canonical bytes of
    every event, in order, for the baseline."""
    import sqlalchemy as sa

    from trainer.audit.chain import canonical_fields_of, canonical_json
    from trainer.audit.models import AuditEvent
    from trainer.audit.services import chain_head
    from trainer.auth.permissions import Role
    from trainer.auth.services import create_user
    from trainer.core.extensions import db
    from trainer.program.services import create_program

    program = create_program("Benchmark program")
    users = [
        create_user(
            email=f"user{n}@example.org",
            name=f"User {n}",
            password="benchmark-password",
            role=Role.SUPERVISOR,
            program_id=program.id,
        )
        for n in range(5)
    ]
    db.session.commit()
    seq, prev_hash = chain_head()
    # the set-up events are hashed too, by verify and by the baseline
    canonical = [
        canonical_json(event.canonical_fields())
        for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq))
    ]
    user_ids = [(user.id, user.email) for user in users]
    program_id = program.id
    db.session.rollback()  # end the session's transaction: SQLite has one writer at a time
    start = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)
    raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        while seq < events:
            rows = []
            for _ in range(min(CHUNK, events - seq)):
                seq += 1
                action, subject, payload = TEMPLATES[seq % len(TEMPLATES)]
                user_id, email = user_ids[seq % len(user_ids)]
                moment = start + timedelta(milliseconds=37 * seq)
                payload = {**payload, "n": seq % 251}
                fields = canonical_fields_of(
                    seq=seq,
                    created_at=moment,
                    actor_id=user_id,
                    actor=email,
                    action=action,
                    subject=subject.format(u=user_id, i=seq, n=seq % 251),
                    program_id=program_id,
                    payload=payload,
                )
                data = canonical_json(fields)
                digest = hashlib.sha256(bytes.fromhex(prev_hash) + data).hexdigest()
                rows.append(
                    (
                        seq,
                        prev_hash,
                        digest,
                        moment.strftime("%Y-%m-%d %H:%M:%S.%f"),
                        user_id,
                        email,
                        action,
                        fields["subject"],
                        program_id,
                        canonical_json(payload).decode(),
                    )
                )
                canonical.append(data)
                prev_hash = digest
            cursor.execute("BEGIN")
            cursor.executemany(
                "INSERT INTO audit_events (seq, prev_hash, hash, created_at, actor_id, actor, action, subject, "
                "program_id, payload) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            cursor.execute("COMMIT")
        cursor.close()
    finally:
        raw.close()
    return canonical


def _verify(runner, events: int, jobs: int) -> None:
    result = runner.invoke(args=["audit", "verify", "--jobs", str(jobs)])
    if result.exit_code != 0 or f"{events:,} events" not in result.output:
        raise RuntimeError(f"audit verify failed: {result.output}")


def _read_rows() -> int:
    from trainer.audit.services import log_snapshot
    from trainer.audit.verify import batches

    count = 0
    with log_snapshot() as connection:
        for rows in batches(connection, after=0, until=None, size=5000):
            count += len(rows)
    return count


def _hash_loop(canonical: list[bytes]) -> bytes:
    sha256 = hashlib.sha256
    digest = bytes(32)
    for data in canonical:
        digest = sha256(digest + data).digest()
    return digest
