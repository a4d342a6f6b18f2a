"""Several app servers share the sign-in limits through Redis: a second server process
refuses the attempt that the first server's attempts used up."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import uuid

import pytest

pytestmark = pytest.mark.slow

REDIS_URL = os.environ.get("TEST_REDIS_URL", "")

SERVER = textwrap.dedent(
    """
    import sys
    from tests.conftest import TEST_CONFIG
    from tests import dbutil
    from trainer import create_app
    from trainer.core.extensions import db

    database, redis_url, prefix, attempts, setup = sys.argv[1:6]
    app = create_app({**TEST_CONFIG, "SQLALCHEMY_DATABASE_URI": database,
                      "RATELIMIT_STORAGE_URI": redis_url, "RATELIMIT_KEY_PREFIX": prefix,
                      "WTF_CSRF_ENABLED": False, "LOGIN_LIMIT_PER_ACCOUNT": "3 per minute"})
    if setup == "1":
        dbutil.migrate(app)
    client = app.test_client()
    codes = [client.post("/login", data={"email": "someone@example.org", "password": "wrong-password-here"}).status_code
             for _ in range(int(attempts))]
    with app.app_context():
        db.engine.dispose()
    print(" ".join(map(str, codes)))
    """
)


def _server(database: str, prefix: str, attempts: int, setup: bool) -> list[int]:
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SERVER,
            database,
            REDIS_URL,
            prefix,
            str(attempts),
            "1" if setup else "0",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return [int(code) for code in done.stdout.split()]


def test_a_second_server_process_sees_the_first_servers_sign_in_attempts(tmp_path):
    if not REDIS_URL:
        if os.environ.get("CI"):
            pytest.fail(
                "TEST_REDIS_URL is not set: CI must start Redis (.ci/services.sh)"
            )
        pytest.skip("TEST_REDIS_URL not set (bash .ci/services.sh starts Redis)")
    database = f"sqlite:///{tmp_path / 'shared.sqlite3'}"
    prefix = f"test-{uuid.uuid4().hex[:8]}"
    # CSRF is off in these two throw-away processes only: they stand in for servers behind a
    # load balancer, and what is under test is the shared counter, not the form.
    assert _server(database, prefix, 3, setup=True) == [401, 401, 401]
    assert _server(database, prefix, 1, setup=False) == [429]
