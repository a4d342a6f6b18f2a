"""The page benchmark's tools: one gunicorn worker serving a scratch database made by
``flask --app app demo-data``, and a signed-in keep-alive client that reads the pages' forms."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import sqlalchemy as sa

from bench.loadtest import BASE_DATABASE_URL, _psycopg

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = int(os.environ.get("BENCH_PAGES_PORT", "8331"))
PASSWORD = "demo-password"
SECOND_FACTOR_KEY = "EBTRDEMOSECONDFACTORKEY234567ABC"


class Forms(HTMLParser):
    """The POST forms of a page: action and fields (name, type, value)."""

    def __init__(self, html: str):
        super().__init__()
        self.forms: list[dict] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"action": a.get("action") or "", "fields": []})
        elif tag == "input" and self.forms:
            self.forms[-1]["fields"].append(
                (a.get("name"), a.get("type", "text"), a.get("value", ""))
            )

    def find(self, action_end: str) -> dict | None:
        """The first form whose action ends so ("": a form posting back to its page)."""
        return next(
            (
                f
                for f in self.forms
                if (f["action"].endswith(action_end) if action_end else not f["action"])
            ),
            None,
        )


def hidden(form: dict) -> dict[str, str]:
    return {n: v for n, kind, v in form["fields"] if kind == "hidden" and n}


class Browser:
    """A signed-in keep-alive session; the app's Secure cookies travel over loopback HTTP
    as they do behind the TLS proxy."""

    def __init__(self, base: str):
        import requests

        self.base = base
        self.session = requests.Session()

    def request(self, method: str, path: str, **kwargs):
        response = self.session.request(
            method, self.base + path, allow_redirects=False, timeout=60, **kwargs
        )
        for cookie in self.session.cookies:
            cookie.secure = False
        return response

    def sign_in(self, email: str, *, code: bool) -> None:
        form = Forms(self.request("GET", "/login").text).find("")
        data = {**hidden(form), "email": email, "password": PASSWORD}
        answer = self.request("POST", "/login", data=data)
        if code:
            import pyotp

            form = Forms(self.request("GET", "/login/code").text).find("")
            data = {**hidden(form), "code": pyotp.TOTP(SECOND_FACTOR_KEY).now()}
            answer = self.request("POST", "/login/code", data=data)
        if answer.status_code != 302 or "/login" in answer.headers["Location"]:
            raise RuntimeError(f"could not sign in as {email}")


@dataclass
class Server:
    """A scratch database with demo-data, and one gunicorn worker serving it."""

    database: str
    trainees: int
    tmp: Path

    def __post_init__(self) -> None:
        self.secret = secrets.token_hex(32)
        self.name = f"ebtr_pages_{os.getpid()}_{self.trainees}"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        if self.database == "sqlite":
            return f"sqlite:///{self.tmp / f'pages-{self.trainees}.sqlite3'}"
        return BASE_DATABASE_URL.rsplit("/", 1)[0] + f"/{self.name}"

    def env(self, **extra: str) -> dict[str, str]:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("FLASK_", "GUNICORN_"))
        }
        env.update(
            DATABASE_URL=self.url,
            FLASK_SECRET_KEY=self.secret,
            FLASK_RATELIMIT_STORAGE_URI="memory://",
            FLASK_SIGNING_KEY_PATH=str(self.tmp / "signing-key.pem"),
            FLASK_LOG_LEVEL="WARNING",
            TRAINER_INSTANCE_PATH=str(self.tmp / "instance"),
            PYTHONPATH=str(ROOT),
            **extra,
        )
        return env

    def _admin(self, sql: str) -> None:
        engine = sa.create_engine(
            _psycopg(BASE_DATABASE_URL), isolation_level="AUTOCOMMIT"
        )
        with engine.connect() as connection:
            connection.execute(sa.text(sql))
        engine.dispose()

    def create(self) -> None:
        if self.database == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}"')
            self._admin(f'CREATE DATABASE "{self.name}"')
        for args in (
            ("db", "upgrade"),
            ("demo-data", "--trainees", str(self.trainees)),
        ):
            subprocess.run(
                [PYTHON, "-m", "flask", "--app", "app", *args],
                cwd=ROOT,
                env=self.env(FLASK_DEBUG="1"),
                capture_output=True,
                text=True,
                check=True,
            )

    def counts(self) -> dict[str, int]:
        engine = sa.create_engine(_psycopg(self.url))
        with engine.connect() as connection:
            found = {
                table: connection.execute(
                    sa.text(f"SELECT count(*) FROM {table}")
                ).scalar_one()
                for table in ("attempts", "audit_events")
            }
            found["program"] = connection.execute(
                sa.text("SELECT max(id) FROM programs")
            ).scalar_one()
        engine.dispose()
        return found

    def start(self) -> None:
        log = open(self.tmp / f"server-{self.trainees}.log", "ab")  # noqa: SIM115
        self.process = subprocess.Popen(
            [
                *(
                    PYTHON,
                    "-m",
                    "gunicorn",
                    "-c",
                    str(ROOT / "deploy" / "gunicorn.conf.py"),
                ),
                *("--bind", f"127.0.0.1:{PORT}", "--workers", "1"),
                *("--access-logfile", "/dev/null", "app:app"),
            ],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(
                    f"http://127.0.0.1:{PORT}/readyz", timeout=2
                ):
                    return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError("the benchmark's app server did not become ready")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            self.process.wait(timeout=60)
        if self.database == "postgresql":
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
