"""Fixtures: the app, a per-test transaction that is rolled back, a CSRF-aware client, and
named personas (trainee, supervisor, director, reviewer, admin, outsider)."""

from __future__ import annotations

import contextlib
import re
import tempfile
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import g, has_app_context
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.orm import scoped_session, sessionmaker

from tests import dbutil
from trainer import create_app
from trainer.core.extensions import db, limiter


def _test_signing_key() -> str:
    """A fresh Ed25519 key (PEM) per test run, so that no test writes one into instance/."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    key = Ed25519PrivateKey.generate()
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


TEST_CONFIG = {
    "TESTING": True,
    "SECRET_KEY": "test-secret-key-not-for-production",
    "ARGON2_TIME_COST": 1,
    "ARGON2_MEMORY_COST": 8,
    "ARGON2_PARALLELISM": 1,
    "RATELIMIT_STORAGE_URI": "memory://",
    "SIGNING_KEY_PEM": _test_signing_key(),
    # with no MAIL_SERVER, mail is written as .eml files: never into the repository's instance/
    "MAIL_OUTBOX_PATH": tempfile.mkdtemp(prefix="ebtr-test-outbox-"),
    # exports asked for on /reports stay queued: a test builds them (jobs.run_job) inside its
    # one rolled-back transaction, where progress cannot have a transaction of its own
    "EXPORT_BUILD_IN_THREAD": False,
    "EXPORT_LIVE_PROGRESS": False,
    "EXPORT_FOLDER": tempfile.mkdtemp(prefix="ebtr-test-exports-"),
}
PASSWORD = "correct-horse-battery"


class CSRFClient(FlaskClient):
    """A test client that sends a valid CSRF token with every form POST, as a browser would
    after loading the form; pass ``csrf=False`` to send none."""

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                import secrets

                raw = secrets.token_hex(20)
                session["csrf_token"] = raw
        serializer = URLSafeTimedSerializer(
            self.application.secret_key, salt="wtf-csrf-token"
        )
        return serializer.dumps(raw)

    def open(self, *args, **kwargs):
        # A test runs inside one app context (db_session), and each request reuses it, so
        # `g` would outlive the request: Flask-Login caches the user in g._login_user and a
        # second client would act as the first one's user. Give every request a fresh `g`,
        # as a server does.
        if has_app_context():
            vars(g._get_current_object()).clear()
        return super().open(*args, **kwargs)

    def post(self, *args, csrf: bool = True, **kwargs):
        data = kwargs.get("data")
        if csrf and (data is None or isinstance(data, dict)) and "json" not in kwargs:
            data = dict(data or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    url = dbutil.create_database(tmp_path_factory.mktemp("db"), "suite")
    yield url
    dbutil.drop_database(url)


@pytest.fixture(scope="session")
def app(database_url):
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database_url})
    app.test_client_class = CSRFClient
    dbutil.migrate(app)
    yield app
    with app.app_context():
        for engine in db.engines.values():
            engine.dispose()


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "/e2e/" in str(item.fspath).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(autouse=True)
def _isolated_database(request):
    """Every test but the browser journeys (which run their own server) gets db_session."""
    if request.node.get_closest_marker("e2e") is None:
        request.getfixturevalue("db_session")


@pytest.fixture
def db_session(app):
    """Each test runs inside a transaction that is rolled back: commits in views only end a
    savepoint. Flask-SQLAlchemy 3 ignores a session bind (pallets-eco/flask-sqlalchemy#1167),
    so the scoped session is replaced for the test."""
    with rolled_back_session(app) as session:
        yield session


@contextlib.contextmanager
def rolled_back_session(app):
    """The body of ``db_session``: a session whose commits end savepoints of one transaction
    that is rolled back at the end."""
    with app.app_context():
        connection = db.engine.connect()
        transaction = connection.begin()
        original = db.session
        db.session = scoped_session(
            sessionmaker(
                bind=connection,
                join_transaction_mode="create_savepoint",
                expire_on_commit=False,
            )
        )
        limiter.reset()
        try:
            yield db.session
        finally:
            db.session.remove()
            db.session = original
            transaction.rollback()
            connection.close()


@pytest.fixture
def make_fresh_app():
    """A new app from create_app with the test config, for tests that register throw-away
    routes (the suite's app no longer accepts routes once it has served a request). Its
    database URL is an empty in-memory SQLite; db.session stays the test's session."""
    made = []

    def make(**config):
        fresh = create_app(
            {**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": "sqlite://", **config}
        )
        fresh.test_client_class = CSRFClient
        made.append(fresh)
        return fresh

    yield make
    for fresh in made:
        with fresh.app_context():
            for engine in db.engines.values():
                engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def program(db_session):
    from trainer.program.services import create_cohort, create_program

    program = create_program("Test Program", timezone="America/Chicago")
    create_cohort(program, "Cohort A")
    return program


@pytest.fixture
def other_program(db_session):
    from trainer.program.services import create_cohort, create_program

    program = create_program("Other Program")
    create_cohort(program, "Cohort Z")
    return program


@pytest.fixture
def make_user(db_session, program):
    from tests.factories.second_factor import enrol
    from trainer.auth.permissions import Role
    from trainer.auth.second_factor import second_factor_required
    from trainer.auth.services import create_user
    from trainer.core.models import utcnow

    counter = {"n": 0}

    def make(
        role: str = "trainee",
        *,
        email: str | None = None,
        program_=None,
        name: str | None = None,
        enrolled: bool | None = None,
    ):
        """``enrolled``: give the user a second factor (default: if the role needs one)."""
        counter["n"] += 1
        role_enum = Role(role)
        home = program_ or program
        user = create_user(
            email=email or f"{role}{counter['n']}@example.org",
            name=name or f"{role.title()} {counter['n']}",
            password=PASSWORD,
            role=role_enum,
            program_id=None if role_enum is Role.ADMIN else home.id,
            cohort_id=home.cohorts[0].id if role_enum is Role.TRAINEE else None,
            access_expires_at=utcnow() + timedelta(days=30)
            if role_enum is Role.REVIEWER
            else None,
        )
        if enrolled if enrolled is not None else second_factor_required(user):
            enrol(user)
        return user

    return make


@pytest.fixture
def trainee(make_user):
    return make_user("trainee", email="trainee@example.org", name="Tess Trainee")


@pytest.fixture
def supervisor(make_user):
    return make_user(
        "supervisor", email="supervisor@example.org", name="Sam Supervisor"
    )


@pytest.fixture
def director(make_user):
    return make_user("director", email="director@example.org", name="Dana Director")


@pytest.fixture
def reviewer(make_user):
    return make_user("reviewer", email="reviewer@example.org", name="Riley Reviewer")


@pytest.fixture
def admin(make_user):
    return make_user("admin", email="admin@example.org", name="Ada Admin")


@pytest.fixture
def outsider(make_user, other_program):
    """A trainee of another program: signed in, but with no access to this program's records."""
    return make_user(
        "trainee",
        email="outsider@example.org",
        name="Otto Outsider",
        program_=other_program,
    )


class AuthActions:
    def __init__(self, client: CSRFClient):
        self.client = client

    def login(self, user, password: str = PASSWORD, **data):
        """Sign in through the form; a user with a second factor enters a fresh code."""
        from tests.factories.second_factor import fresh_code

        response = self.client.post(
            "/login", data={"email": user.email, "password": password, **data}
        )
        assert response.status_code == 302, response.text
        if response.headers["Location"].startswith("/login/code"):
            response = self.client.post("/login/code", data={"code": fresh_code(user)})
            assert response.status_code == 302, response.text
        return response

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)


@pytest.fixture
def count_queries(app):
    """Counts the SQL statements run inside the ``with`` block."""
    from contextlib import contextmanager

    @contextmanager
    def counting():
        statements: list[str] = []

        def before(conn, cursor, statement, *args):
            if not re.match(r"\s*(SAVEPOINT|RELEASE|ROLLBACK TO)", statement):
                statements.append(statement)

        if has_app_context():
            # Not a new app context: popping it would remove the test's session and roll
            # back what the test has flushed so far.
            engine = db.engine
        else:
            with app.app_context():
                engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", before)
        try:
            yield statements
        finally:
            sa.event.remove(engine, "before_cursor_execute", before)

    return counting
