"""A writer killed with SIGKILL in the middle of appending leaves a chain that verifies, and
appends go on after the restart (a real subprocess, on SQLite and PostgreSQL)."""

from __future__ import annotations

import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 3


def _start_appender(url: str) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.audit.appender"],
        cwd=ROOT,
        env={**os.environ, "APPENDER_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    ready, _, _ = select.select([process.stdout], [], [], 120)
    line = process.stdout.readline() if ready else ""
    if line.strip() != "ready":
        process.kill()
        _, errors = process.communicate(timeout=30)
        pytest.fail(f"the appender did not start: {errors[-2000:]}")
    return process


def _committed(scratch) -> int:
    with scratch.engine.connect() as connection:
        return connection.exec_driver_sql("SELECT count(*) FROM audit_events").scalar()


def test_a_writer_killed_mid_append_leaves_a_chain_that_verifies(scratch):
    for _ in range(ROUNDS):
        before = _committed(scratch)
        process = _start_appender(scratch.url)
        time.sleep(random.uniform(0.05, 0.4))
        process.send_signal(signal.SIGKILL)
        process.communicate(timeout=30)
        assert process.returncode == -signal.SIGKILL
        assert _committed(scratch) > before

        result = scratch.invoke("audit", "verify")
        assert result.exit_code == 0, result.output
        assert f"Audit chain verified: {_committed(scratch):,} events" in result.stdout

    # after the "restart", writers go on extending the same chain
    scratch.append(3)
    result = scratch.invoke("audit", "verify")
    assert result.exit_code == 0, result.output
