"""A PostgreSQL 15 cluster and a redis-server of ``make faults``'s own, on ports of their own,
so that restarting and stopping them never disturbs the shared services other tests use."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

PG_BIN = Path(os.environ.get("FAULT_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_PORT = int(os.environ.get("FAULT_PG_PORT", "55432"))
REDIS_PORT = int(os.environ.get("FAULT_REDIS_PORT", "56379"))


class PrivateServices:
    """A PostgreSQL 15 cluster and a redis-server of this run's own, on their own ports."""

    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="ebtr-faults-"))
        self.data = self.dir / "pgdata"
        self.redis: subprocess.Popen | None = None
        # initdb and postgres refuse to run as root: run them as the postgres user
        self.as_pg = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        if self.as_pg:
            shutil.chown(self.dir, "postgres", "postgres")

    @property
    def database_url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{PG_PORT}/postgres"

    @property
    def redis_url(self) -> str:
        return f"redis://127.0.0.1:{REDIS_PORT}/0"

    def _pg(self, *args: str) -> None:
        subprocess.run(
            [*self.as_pg, *args], check=True, capture_output=True, cwd=self.dir
        )

    def init_postgres(self) -> None:
        self._pg(
            str(PG_BIN / "initdb"),
            "-D",
            str(self.data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        self.start_postgres()

    def start_postgres(self) -> None:
        options = f"-p {PG_PORT} -k {self.dir} -c listen_addresses=127.0.0.1"
        self._pg(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "postgres.log"),
            "-o",
            options,
            "-w",
            "start",
        )

    def stop_postgres(self) -> None:
        # fast: open transactions are rolled back and their connections closed, as in a
        # restart for an upgrade or a failover
        self._pg(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "fast", "-w", "stop"
        )

    def start_redis(self) -> None:
        log = open(self.dir / "redis.log", "ab")  # noqa: SIM115 (closed with the process)
        command = ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1"]
        self.redis = subprocess.Popen(
            [*command, "--save", "", "--appendonly", "no"],
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        import redis

        client = redis.Redis.from_url(self.redis_url)
        for _ in range(50):
            try:
                client.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
        raise RuntimeError("the private redis-server did not start")

    def stop_redis(self) -> None:
        if self.redis is not None and self.redis.poll() is None:
            self.redis.terminate()
            self.redis.wait(timeout=20)
        self.redis = None

    def close(self) -> None:
        self.stop_redis()
        if (self.data / "postmaster.pid").exists():
            self.stop_postgres()
        shutil.rmtree(self.dir, ignore_errors=True)
