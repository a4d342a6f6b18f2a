"""Default configuration. Loaded first; ``instance/config.py``, ``FLASK_*`` environment
variables and a test mapping override it, in that order (see create_app)."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import ClassVar


class Defaults:
    # Secrets have no default outside development: create_app refuses to start without them.
    SECRET_KEY: str | None = None
    SQLALCHEMY_DATABASE_URI: str | None = None
    #: hide_parameters: a logged SQL error shows the statement, never what a user wrote
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {
        "pool_pre_ping": True,
        "hide_parameters": True,
    }
    SQLALCHEMY_RECORD_QUERIES = False

    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    PERMANENT_SESSION_LIFETIME = timedelta(hours=8)
    #: server-side sessions (trainer.auth.sessions): a session ends after this many minutes
    #: without a request, and this many hours after sign-in, whatever the user does
    SESSION_IDLE_MINUTES = 60
    SESSION_ABSOLUTE_HOURS = 8
    #: "Keep me signed in": a new token at every sign-in, never longer than 30 days
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    #: outside development the session and remember-me cookies are Secure and every response
    #: carries Strict-Transport-Security with this max-age (seconds)
    HSTS_MAX_AGE = 31536000

    #: the largest request body (bytes), URL-encoded forms included: the longest form with
    #: every character percent-encoded is under 250 kB; a larger body gets 413 unread
    MAX_CONTENT_LENGTH = 512 * 1024
    MAX_FORM_MEMORY_SIZE = 512 * 1024
    MAX_FORM_PARTS = 1000
    #: the largest export bundle (zip) /verify/export accepts; that route alone
    EXPORT_UPLOAD_MAX_BYTES = 64 * 1024 * 1024
    #: where finished export bundles (zips) are kept; instance/exports when not given
    EXPORT_FOLDER: str | None = None
    #: build an export asked for on /reports in a thread of the app process, once the page
    #: has answered; False leaves it queued for `flask --app app export run-queued` (a timer)
    EXPORT_BUILD_IN_THREAD = True
    #: write a build's progress in a transaction of its own, so the job page sees it move
    EXPORT_LIVE_PROGRESS = True
    #: a running export whose progress has not moved for this many seconds was stopped with
    #: its process (stale): its page offers to restart it
    EXPORT_STALE_SECONDS = 600
    #: `export run-queued` deletes finished bundles older than this many days (0: never)
    EXPORT_RETENTION_DAYS = 90
    #: how many reverse proxies in front of the app set X-Forwarded-For/-Proto (0: none, the
    #: client's address is the connection's)
    TRUSTED_PROXIES = 0

    #: Flask-Limiter storage; memory:// for one process, redis://host:6379 for several servers
    RATELIMIT_STORAGE_URI = "memory://"
    #: when Redis cannot be reached each process counts the same limits in its own memory
    #: (Flask-Limiter logs "falling back to in-memory storage" once per process) and goes
    #: back to Redis when it answers again: sign-in never fails because Redis is down
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_HEADERS_ENABLED = False
    #: failed sign-ins allowed per account from one address (the owner, at another address,
    #: is never locked out by someone else's guesses)
    LOGIN_LIMIT_PER_ACCOUNT = "5 per minute;20 per hour"
    #: failed sign-ins allowed per address, whatever the account; successful ones are not
    #: counted, so a class signing in from one clinic network is never refused
    LOGIN_LIMIT_PER_ADDRESS = "20 per minute;200 per hour"
    #: failed electronic signatures (wrong password) allowed per supervisor
    SIGNATURE_LIMIT_PER_USER = "5 per 15 minutes;20 per day"

    #: argon2 parameters (RFC 9106 low-memory recommendation); the tests lower them
    ARGON2_TIME_COST = 3
    ARGON2_MEMORY_COST = 65536
    ARGON2_PARALLELISM = 4

    #: where modules/ and quizzes/ live; the repository root by default
    CONTENT_ROOT: str | None = None

    #: the Ed25519 signing key (PEM); generated into instance/ when not given
    SIGNING_KEY_PATH: str | None = None
    SIGNING_KEY_PEM: str | None = None

    AUDIT_PAGE_SIZE = 50
    #: trainees on one page of a cohort's heat map: a screenful (each row has a cell per module)
    COHORT_PAGE_SIZE = 20
    #: anyone may check checkpoints on /verify; each check recomputes the whole chain
    VERIFY_LIMIT_PER_ADDRESS = "10 per minute;100 per hour"
    LOG_LEVEL = "INFO"


def database_url_from_environment() -> str | None:
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgres://"):
        # Heroku-style URLs name a dialect SQLAlchemy no longer accepts.
        url = "postgresql://" + url.removeprefix("postgres://")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return url
