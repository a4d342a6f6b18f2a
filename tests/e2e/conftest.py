"""Browser journeys: Playwright drives Debian's Chromium against a live server that runs
create_app on its own database, a copy of a migrated, seeded template per test: a SQLite file,
or with TEST_DATABASE_URL a PostgreSQL database made from the template database."""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url
from werkzeug.serving import make_server

from tests import dbutil
from tests.conftest import TEST_CONFIG
from trainer import create_app
from trainer.core.extensions import db

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "demo-password"


@pytest.fixture(scope="session")
def base_url():
    """Each test has its own live server; pages are opened with live_server.url."""
    return None


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    if not Path(CHROMIUM).exists():
        # A missing browser is a failure, never a skip: CI installs it (.ci/services.sh).
        pytest.fail(
            f"{CHROMIUM} not found: install Debian's chromium (bash .ci/services.sh)"
        )
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": CHROMIUM_FLAGS,
        "headless": True,
    }


def _live_config(url: str, tmp: Path) -> dict:
    return {
        **TEST_CONFIG,
        "SQLALCHEMY_DATABASE_URI": url,
        "SIGNING_KEY_PATH": str(tmp / "signing-key.pem"),
        # each live server's own development outbox (its message ids start at 1)
        "MAIL_OUTBOX_PATH": str(tmp / "outbox"),
    }


def _copy_database(template: str, tmp_path: Path) -> str:
    """A new database holding the template's tables and rows; returns its URL."""
    if not template.startswith("postgresql"):
        path = tmp_path / "live.sqlite3"
        shutil.copyfile(make_url(template).database, path)
        return f"sqlite:///{path}"
    server = dbutil._server_url()
    name = f"ebtr_e2e_{uuid.uuid4().hex[:10]}"
    engine = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.exec_driver_sql(
            f'CREATE DATABASE "{name}" TEMPLATE "{make_url(template).database}"'
        )
    engine.dispose()
    return server.set(database=name).render_as_string(hide_password=False)


@pytest.fixture(scope="session")
def template_database(tmp_path_factory) -> Iterator[str]:
    """The URL of a database with the schema (built by the migrations) and the demo data."""
    from trainer.program.demo import seed_demo

    folder = tmp_path_factory.mktemp("e2e-template")
    url = dbutil.create_database(folder, "e2e_template")
    app = create_app(_live_config(url, folder))
    dbutil.migrate(app)
    with app.app_context():
        seed_demo()
        db.session.commit()
        db.session.remove()
        db.engine.dispose()
    yield url
    dbutil.drop_database(url)


class LiveServer:
    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.thread.join(timeout=10)
        with self.app.app_context():
            db.engine.dispose()


@pytest.fixture
def live_server(template_database, tmp_path):
    url = _copy_database(template_database, tmp_path)
    app = create_app(_live_config(url, tmp_path))
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()
    dbutil.drop_database(url)


@pytest.fixture
def otp(live_server):
    """A code from the user's authenticator app that the server has not accepted yet (a code
    is accepted once, so a second one within 30 seconds is the next step's)."""
    import time

    import pyotp

    from trainer.auth.second_factor import enrolment
    from trainer.auth.services import find_user_by_email

    def code(email: str) -> str:
        with live_server.app.app_context():
            factor = enrolment(find_user_by_email(email))
            secret, last = factor.secret, factor.last_used_step
            db.session.remove()
        totp = pyotp.TOTP(secret)
        while True:
            current = int(time.time() // totp.interval)
            step = current if last is None else max(current, last + 1)
            if step <= current + 1:  # the server accepts one step ahead
                return totp.generate_otp(step)
            time.sleep(1)

    return code


@pytest.fixture
def sign_in(page, live_server, otp):
    """Sign in through the real form, as a person would (with a code from the app when the
    account has a second factor)."""

    def sign_in_as(email: str, password: str = DEMO_PASSWORD):
        page.goto(live_server.url + "/login")
        page.get_by_label("E-mail address").fill(email)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_load_state()
        if page.url.split("?")[0].endswith("/login/code"):
            page.get_by_label("Code from your authenticator app").fill(otp(email))
            page.get_by_role("button", name="Continue").click()

    return sign_in_as


def check_accessible(page, label: str) -> None:
    """axe-core on the page in front: no serious or critical violations."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [
        v
        for v in results.response["violations"]
        if v.get("impact") in ("serious", "critical")
    ]
    details = "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in bad
    )
    assert not bad, f"axe found serious/critical violations on {label}: {details}"


@pytest.fixture
def assert_accessible(page):
    """axe-core on the test's page: no serious or critical violations."""

    def check(label: str):
        check_accessible(page, label)

    return check
