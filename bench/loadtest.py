"""``make loadtest``: Locust against two gunicorn app servers sharing one PostgreSQL database
and one Redis, then proof that nothing was lost.

    python -m bench.loadtest [--users 50] [--duration 3m] [--host URL] [--no-report]

Without ``--host`` it creates a scratch database (dropped afterwards), seeds it with
``flask --app app demo-data``, starts two app servers on two loopback ports, runs the users of
bench/locustfile.py, stops the servers and checks that every acknowledged quiz submission,
practice log and signature is in the database exactly once and that ``audit verify`` passes.
With ``--host`` it only runs the users against that deployment (accounts from demo-data there;
LOAD_PROGRAM_ID, LOAD_TRAINEES and LOAD_SUPERVISORS name them) and reports the figures.

bench.faults reuses :class:`Stack` to break things during a run.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "benchmarks.md"
PYTHON = sys.executable
BASE_DATABASE_URL = os.environ.get(
    "LOAD_DATABASE_URL",
    "postgresql://trainer:trainer-test-password@127.0.0.1:5432/trainer_test",
)
REDIS_URL = os.environ.get("LOAD_REDIS_URL", "redis://127.0.0.1:6379/14")
PORTS = (
    int(os.environ.get("LOAD_PORT", "8301")),
    int(os.environ.get("LOAD_PORT", "8301")) + 1,
)


def _psycopg(url: str) -> str:
    return url.replace("postgresql://", "postgresql+psycopg://", 1)


@dataclass
class Stack:
    """A scratch database, Redis, and two gunicorn servers of the app."""

    trainees: int = 200
    workers: int = 2
    name: str = field(default_factory=lambda: f"ebtr_load_{os.getpid()}")
    tmp: Path = field(
        default_factory=lambda: Path(tempfile.mkdtemp(prefix="ebtr-load-"))
    )
    servers: dict[int, subprocess.Popen] = field(default_factory=dict)
    program_id: int = 0
    supervisors: int = 0
    #: the server whose scratch database this is (bench.faults passes its own private one)
    base_database_url: str = BASE_DATABASE_URL
    redis_url: str = REDIS_URL
    ports: tuple[int, ...] = PORTS

    @property
    def database_url(self) -> str:
        return self.base_database_url.rsplit("/", 1)[0] + f"/{self.name}"

    @property
    def hosts(self) -> list[str]:
        return [f"http://127.0.0.1:{port}" for port in self.ports]

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("FLASK_", "GUNICORN_"))
        }
        env.update(
            DATABASE_URL=self.database_url,
            FLASK_SECRET_KEY=self.secret,
            FLASK_RATELIMIT_STORAGE_URI=self.redis_url,
            FLASK_SIGNING_KEY_PATH=str(self.tmp / "signing-key.pem"),
            FLASK_LOG_LEVEL="WARNING",
            PYTHONPATH=str(ROOT),
        )
        env.update(extra)
        return env

    def flask(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [PYTHON, "-m", "flask", "--app", "app", *args],
            cwd=ROOT,
            env=self.env(FLASK_DEBUG="1"),
            capture_output=True,
            text=True,
            check=check,
        )

    def create(self) -> None:
        self.secret = secrets.token_hex(32)
        admin = sa.create_engine(
            _psycopg(self.base_database_url), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{self.name}"'))
            connection.execute(sa.text(f'CREATE DATABASE "{self.name}"'))
        admin.dispose()
        import redis

        redis.Redis.from_url(self.redis_url).flushdb()
        self.flask("db", "upgrade")
        self.flask("demo-data", "--trainees", str(self.trainees))
        with self.engine() as engine, engine.connect() as connection:
            self.program_id = connection.execute(
                sa.text("SELECT max(id) FROM programs")
            ).scalar_one()
            self.supervisors = connection.execute(
                sa.text(
                    "SELECT count(*) FROM users WHERE program_id = :p AND role = 'supervisor'"
                ),
                {"p": self.program_id},
            ).scalar_one()

    @contextmanager
    def engine(self):
        engine = sa.create_engine(_psycopg(self.database_url))
        try:
            yield engine
        finally:
            engine.dispose()

    def start(self, port: int) -> None:
        with open(self.tmp / f"server-{port}.log", "ab") as log:
            self.servers[port] = self._popen(port, log)
        self.wait_ready(port)

    def _popen(self, port: int, log) -> subprocess.Popen:
        return subprocess.Popen(
            [
                PYTHON,
                "-m",
                "gunicorn",
                "-c",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(self.workers),
                "--access-logfile",
                "/dev/null",
                "app:app",
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )

    def wait_ready(self, port: int, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.ready(port):
                return
            time.sleep(0.3)
        raise RuntimeError(f"the app server on port {port} did not become ready")

    @staticmethod
    def ready(port: int) -> bool:
        try:
            with urllib.request.urlopen(
                f"http://127.0.0.1:{port}/readyz", timeout=2
            ) as r:
                return r.status == 200
        except OSError:
            return False

    def stop(self, port: int) -> None:
        server = self.servers.pop(port, None)
        if server is not None and server.poll() is None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=40)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    def worker_pids(self, port: int) -> list[int]:
        master = self.servers[port].pid
        out = subprocess.run(
            ["pgrep", "-P", str(master)], capture_output=True, text=True
        )
        return [int(pid) for pid in out.stdout.split()]

    def drop(self) -> None:
        for port in list(self.servers):
            self.stop(port)
        admin = sa.create_engine(
            _psycopg(self.base_database_url), isolation_level="AUTOCOMMIT"
        )
        with admin.connect() as connection:
            connection.execute(
                sa.text(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            )
        admin.dispose()

    def high_water(self) -> dict[str, int]:
        with self.engine() as engine, engine.connect() as connection:
            return {
                table: connection.execute(
                    sa.text(f"SELECT coalesce(max(id), 0) FROM {table}")
                ).scalar_one()
                for table in ("attempts", "practice_logs", "sign_offs")
            }

    def check(self, acks: dict, before: dict[str, int]) -> dict:
        """Each acknowledged submission in the database exactly once; the chain verifies."""
        with self.engine() as engine, engine.connect() as connection:
            ids = dict(connection.execute(sa.text("SELECT email, id FROM users")).all())

            def count(sql: str, **params) -> int:
                return connection.execute(sa.text(sql), params).scalar_one()

            missing = {"attempts": 0, "logs": 0, "signatures": 0}
            for email, slug, number in acks["attempts"]:
                found = count(
                    "SELECT count(*) FROM attempts WHERE trainee_id = :t AND module_slug = :s AND number = :n",
                    t=ids[email],
                    s=slug,
                    n=number,
                )
                missing["attempts"] += found != 1
            for email, token in acks["logs"]:
                found = count(
                    "SELECT count(*) FROM practice_logs WHERE trainee_id = :t AND submission_token = :k",
                    t=ids[email],
                    k=token,
                )
                missing["logs"] += found != 1
            for email, token in acks["signatures"]:
                found = count(
                    "SELECT count(*) FROM sign_offs WHERE signer_id = :t AND submission_token = :k",
                    t=ids[email],
                    k=token,
                )
                missing["signatures"] += found != 1
            stored = {
                "attempts": count(
                    "SELECT count(*) FROM attempts WHERE id > :i", i=before["attempts"]
                ),
                "logs": count(
                    "SELECT count(*) FROM practice_logs WHERE id > :i",
                    i=before["practice_logs"],
                ),
                "signatures": count(
                    "SELECT count(*) FROM sign_offs WHERE id > :i",
                    i=before["sign_offs"],
                ),
            }
            events = {
                "attempts": count(
                    "SELECT count(*) FROM audit_events WHERE action = 'attempt.submitted' AND subject IN (SELECT 'attempt:' || id FROM attempts WHERE id > :i)",
                    i=before["attempts"],
                ),
                "logs": count(
                    "SELECT count(*) FROM audit_events WHERE action = 'practice.logged' AND subject IN (SELECT 'practice-log:' || id FROM practice_logs WHERE id > :i)",
                    i=before["practice_logs"],
                ),
                "signatures": count(
                    "SELECT count(*) FROM audit_events WHERE action = 'supervision.signed' AND subject IN (SELECT 'sign-off:' || id FROM sign_offs WHERE id > :i)",
                    i=before["sign_offs"],
                ),
            }
        verify = self.flask("audit", "verify", check=False)
        return {
            "acknowledged": {kind: len(rows) for kind, rows in acks.items()},
            "stored": stored,
            "audited": events,
            "missing_or_duplicated": missing,
            "audit_verify": verify.returncode == 0,
            "audit_verify_output": (verify.stdout or verify.stderr)
            .strip()
            .splitlines()[:1],
        }


def run_locust(
    hosts: list[str], users: int, duration: str, out: Path, env: dict[str, str]
) -> subprocess.CompletedProcess:
    # sign-ins hash passwords at production cost: ramp up over about ten seconds
    spawn = max(1, users // 10)
    return subprocess.run(
        [
            PYTHON,
            "-m",
            "locust",
            "-f",
            str(ROOT / "bench" / "locustfile.py"),
            "--headless",
            "--users",
            str(users),
            "--spawn-rate",
            str(spawn),
            "--run-time",
            duration,
            "--host",
            hosts[0],
            "--csv",
            str(out / "stats"),
            "--only-summary",
            "--stop-timeout",
            "30",
            "--loglevel",
            "WARNING",
        ],
        cwd=ROOT,
        env={
            **os.environ,
            **env,
            "LOAD_HOSTS": ",".join(hosts),
            "LOAD_ACKS": str(out / "acks.json"),
        },
        capture_output=True,
        text=True,
        check=False,
    )


def read_stats(out: Path) -> list[dict[str, str]]:
    with open(out / "stats_stats.csv", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def read_acks(out: Path) -> dict:
    path = out / "acks.json"
    return (
        json.loads(path.read_text())
        if path.exists()
        else {"attempts": [], "logs": [], "signatures": []}
    )


def stats_table(rows: list[dict[str, str]]) -> list[str]:
    lines = [
        "| page | requests | failures | req/s | p50 ms | p95 ms | p99 ms |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        name = (
            "**all**"
            if row["Name"] == "Aggregated"
            else f"`{row['Type']} {row['Name']}`"
        )
        lines.append(
            f"| {name} | {row['Request Count']} | {row['Failure Count']} | "
            f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
        )
    return lines


def write_section(marker: str, lines: list[str]) -> None:
    """Replace (or append) the section between ``<!-- marker -->`` and ``<!-- /marker -->``."""
    text = REPORT.read_text(encoding="utf-8") if REPORT.exists() else "# Benchmarks\n"
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    block = "\n".join([start, *lines, end])
    if start in text and end in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end) :]
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    REPORT.write_text(text, encoding="utf-8")


def lost(result: dict) -> bool:
    return (
        any(result["missing_or_duplicated"].values())
        or result["stored"] != result["acknowledged"]
        or result["audited"] != result["stored"]
        or not result["audit_verify"]
    )


def run(users: int, duration: str, *, trainees: int = 200) -> tuple[list[dict], dict]:
    stack = Stack(trainees=trainees)
    out = stack.tmp
    try:
        stack.create()
        for port in stack.ports:
            stack.start(port)
        before = stack.high_water()
        env = {
            "LOAD_PROGRAM_ID": str(stack.program_id),
            "LOAD_TRAINEES": str(trainees),
            "LOAD_SUPERVISORS": str(stack.supervisors),
        }
        locust = run_locust(stack.hosts, users, duration, out, env)
        for port in list(stack.servers):
            stack.stop(port)
        if not (out / "stats_stats.csv").exists():
            raise RuntimeError(f"locust wrote no statistics:\n{locust.stderr[-3000:]}")
        result = stack.check(read_acks(out), before)
        return read_stats(out), result
    finally:
        stack.drop()


def report_lines(
    users: int, duration: str, rows: list[dict], result: dict | None, target: str
) -> list[str]:
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "## Load test (`make loadtest`)",
        "",
        f"Last run: {stamp}; {users} users for {duration} against {target}; Locust, headless.",
        "Users: trainees (weight 40: read modules, take quizzes to the end, log practice),",
        "supervisors (weight 5: workspace, rate a module, sign with password and code) and one",
        "director (the /program pages and /audit). Times in milliseconds, on a shared 2-core",
        "machine that also runs PostgreSQL, Redis and Locust itself: compare runs, not machines.",
        "",
        *stats_table(rows),
        "",
    ]
    if result is not None:
        lines += [
            "Nothing lost: every submission the servers acknowledged (2xx/3xx), looked up by its",
            "identity (trainee, module and attempt number; trainee and form token; signer and",
            "form token), is in the database exactly once, with its audit event.",
            "",
            "| | quiz submissions | practice logs | signatures |",
            "|---|---:|---:|---:|",
        ]
        for key in ("acknowledged", "stored", "audited", "missing_or_duplicated"):
            values = result[key]
            lines.append(
                f"| {key.replace('_', ' ')} | {values['attempts']} | {values['logs']} | {values['signatures']} |"
            )
        lines += [
            "",
            f"`audit verify`: {'passed' if result['audit_verify'] else 'FAILED'} ({' '.join(result['audit_verify_output'])})",
        ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", default="3m")
    parser.add_argument("--host", default="")
    parser.add_argument("--trainees", type=int, default=200)
    parser.add_argument(
        "--no-report", action="store_true", help="do not write docs/benchmarks.md"
    )
    args = parser.parse_args(argv)
    if args.host:
        out = Path(tempfile.mkdtemp(prefix="ebtr-load-"))
        locust = run_locust([args.host], args.users, args.duration, out, {})
        if not (out / "stats_stats.csv").exists():
            print(locust.stderr[-3000:], file=sys.stderr)
            return 1
        rows, result = read_stats(out), None
        target = args.host
    else:
        rows, result = run(args.users, args.duration, trainees=args.trainees)
        target = f"two gunicorn servers (2 workers each) sharing PostgreSQL and Redis, a program of {args.trainees} trainees"
    lines = report_lines(args.users, args.duration, rows, result, target)
    print("\n".join(lines))
    if not args.no_report:
        write_section("loadtest", lines)
    return 1 if result is not None and lost(result) else 0


if __name__ == "__main__":
    sys.exit(main())
