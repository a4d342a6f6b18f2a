"""What the fault scenarios of ``make faults`` rely on, proven without breaking any service:
the 503 page with Retry-After while the database is unreachable, and the per-process
rate-limit fallback when Redis is down, logged once."""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap

import sqlalchemy as sa
from sqlalchemy.orm import scoped_session, sessionmaker

from trainer.core.extensions import db

# A throw-away server process: Flask-Limiter's storage belongs to the one limiter of the
# process, so pointing it at a dead Redis here would change every later test's limiter.
SERVER = textwrap.dedent(
    """
    import logging, sys
    from tests.conftest import TEST_CONFIG
    from tests import dbutil
    from trainer import create_app
    from trainer.core.extensions import db

    database, redis_url = sys.argv[1:3]
    records = []
    handler = logging.Handler()
    handler.emit = records.append
    logging.getLogger("flask-limiter").addHandler(handler)
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database,
                      "RATELIMIT_STORAGE_URI": redis_url,
                      "WTF_CSRF_ENABLED": False, "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute"})
    dbutil.migrate(app)
    client = app.test_client()
    codes = [client.post("/login", data={"email": "someone@example.org",
                                         "password": "wrong-password-here"}).status_code
             for _ in range(4)]
    with app.app_context():
        db.engine.dispose()
    fallbacks = [r for r in records if "falling back to in-memory" in r.getMessage()]
    print(" ".join(map(str, codes)), len(fallbacks))
    """
)


def _closed_port() -> int:
    """A loopback port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_redis_down_falls_back_to_per_process_limits_logged_once(tmp_path):
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SERVER,
            f"sqlite:///{tmp_path / 'fallback.sqlite3'}",
            f"redis://127.0.0.1:{_closed_port()}/0",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    *codes, fallbacks = done.stdout.split()
    # the sign-in form answers (wrong password) instead of a 500, and the limit still holds,
    # counted in this process's memory
    assert codes == ["401", "401", "401", "429"]
    assert fallbacks == "1"


def test_a_signed_in_user_gets_the_503_page_with_retry_after_during_an_outage(
    client, auth, trainee, tmp_path, monkeypatch
):
    """What a user sees while PostgreSQL restarts: pages and forms alike answer the friendly
    503 page asking to retry in 5 s (/readyz's own 503: tests/core/test_pages.py)."""
    auth.login(trainee)
    broken = sa.create_engine(f"sqlite:///{tmp_path / 'missing' / 'x.sqlite3'}")
    monkeypatch.setattr(db, "session", scoped_session(sessionmaker(bind=broken)))
    try:
        responses = [
            client.get("/progress"),
            client.post("/logout"),
        ]
    finally:
        db.session.remove()
        broken.dispose()
    for response in responses:
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "5"
        assert "Back in a moment" in response.text


def test_a_faults_window_runs_from_the_fault_to_the_last_failed_request():
    from bench.faults import Fault, figures

    fault = Fault(began=100.0, undone=108.0)
    events = [
        (99.0, 200, "/modules", "a", ""),
        (101.0, 503, "/progress", "a", "5"),
        (107.5, 503, "quiz submit", "b", "5"),
        (109.0, 0, "/modules", "b", ""),
        (110.0, 302, "practice log", "a", ""),
        (111.0, 200, "/modules", "a", ""),
    ]
    seen = figures(events, fault)
    assert seen["requests"] == 6
    assert seen["during"] == 3
    assert seen["statuses"] == {"503": 2, "no answer": 1}
    assert (seen["503"], seen["503_retry_after"], seen["other_5xx"]) == (2, 2, 0)
    assert seen["errors_for"] == 9.0
    assert (seen["after"], seen["after_failed"]) == (2, 0)


def test_a_record_stored_without_its_answer_is_not_lost_but_a_missing_one_is():
    from bench.faults import lost

    kinds = {"attempts": 0, "logs": 0, "signatures": 0}
    check = {
        "acknowledged": {**kinds, "attempts": 3},
        "stored": {**kinds, "attempts": 4},
        "audited": {**kinds, "attempts": 4},
        "missing_or_duplicated": kinds,
        "audit_verify": True,
    }
    assert not lost(check)
    assert lost({**check, "missing_or_duplicated": {**kinds, "logs": 1}})
    assert lost({**check, "audited": kinds})
    assert lost({**check, "audit_verify": False})


def test_a_lost_database_outside_the_view_is_the_503_page_too(make_fresh_app):
    """An after-request function that meets the dropped connection (not the commit): Flask
    turns it into a 500, which the error handler answers as the 503 page."""
    from flask import request
    from sqlalchemy.exc import OperationalError

    from trainer.core.access import public

    # as in production: an exception outside the view is handled, not raised to the test
    fresh = make_fresh_app(PROPAGATE_EXCEPTIONS=False)
    fresh.add_url_rule("/fine", "fine", public(lambda: "fine"))

    @fresh.after_request
    def _touch_the_database(response):
        if request.path == "/fine":
            raise OperationalError("SELECT 1", {}, Exception("connection refused"))
        return response

    response = fresh.test_client().get("/fine")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
