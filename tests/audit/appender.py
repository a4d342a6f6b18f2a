"""A writer for test_kill.py: appends audit events as fast as it can until it is killed.

    APPENDER_DATABASE_URL=sqlite:///... python -m tests.audit.appender

It prints "ready" once it has committed READY events, then goes on appending.
"""

from __future__ import annotations

import os
import sys

READY = 20


def main() -> int:
    from trainer import create_app
    from trainer.audit.services import record
    from trainer.core.extensions import db

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "appender-test-only",
            "SQLALCHEMY_DATABASE_URI": os.environ["APPENDER_DATABASE_URL"],
        }
    )
    with app.app_context():
        appended = 0
        while True:
            record(
                "test.appended",
                subject=f"appender:{os.getpid()}",
                payload={"n": appended, "padding": "x" * 4000},
            )
            db.session.commit()
            appended += 1
            if appended == READY:
                print("ready", flush=True)


if __name__ == "__main__":
    sys.exit(main())
