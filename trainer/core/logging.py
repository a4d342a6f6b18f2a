"""Logging to stdout with a request id on every record, configured once in the factory."""

from __future__ import annotations

import json
import logging
import os
import re
import time
import traceback
import uuid
from logging.config import dictConfig

from flask import Flask, g, has_request_context, request

#: a client's X-Request-Id is kept only in this shape; anything else could forge a log line
REQUEST_ID = re.compile(r"[A-Za-z0-9-]{8,64}")


class RedactExceptions(logging.Filter):
    """A logged traceback keeps its frames and the exceptions' types, never their messages:
    a message can quote what a user wrote (a database error its parameters, a ValueError the
    value it refused), and records must not leave clinical text in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and record.exc_info[1] is not None:
            record.exc_text = redacted_traceback(record.exc_info[1])
        return True


def redacted_traceback(error: BaseException) -> str:
    lines: list[str] = []
    for line in traceback.TracebackException.from_exception(error).format():
        lines.extend(line.rstrip("\n").split("\n"))
    kept = []
    for line in lines:
        stripped = line.strip()
        if line.startswith(" ") or stripped.startswith(
            "Traceback (most recent call last)"
        ):
            kept.append(line)  # frames and source lines: the code, not the data
        elif stripped.startswith(("During handling", "The above exception")):
            kept.append(line)
        elif stripped:
            # "module.Error: message" -> "module.Error: (message withheld)"
            kept.append(stripped.split(":", 1)[0] + ": (message withheld)")
    return "\n".join(kept)


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


class JsonLines(logging.Formatter):
    """One JSON object a line (``LOG_FORMAT=json``): time, level, logger, request id, message
    and, for an error, the redacted traceback. The message is the app's own text with its
    arguments (ids, counts), never what a user wrote (see RedactExceptions and STYLE.md)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S")
            + f".{int(record.msecs):03d}Z",
            "level": record.levelname,
            "logger": record.name,
            "request_id": getattr(record, "request_id", "-"),
            "message": record.getMessage(),
        }
        if record.exc_info and record.exc_info[1] is not None:
            entry["exception"] = redacted_traceback(record.exc_info[1])
        return json.dumps(entry, ensure_ascii=False)


JsonLines.converter = time.gmtime


def configure_logging(app: Flask) -> None:
    @app.before_request
    def _assign_request_id():
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = (
            incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex[:16]
        )

    @app.after_request
    def _return_request_id(response):
        """The request id in the response too, so the proxy's access log can carry it."""
        if "request_id" in g:
            response.headers["X-Request-Id"] = g.request_id
        return response

    json_lines = (
        app.config.get("LOG_FORMAT") or os.environ.get("LOG_FORMAT", "")
    ).lower() == "json"

    if app.testing:
        return  # tests keep pytest's capture handlers
    dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {
                "request_id": {"()": RequestIdFilter},
                "redact_exceptions": {"()": RedactExceptions},
            },
            "formatters": {
                "default": {
                    "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
                },
                "json": {"()": JsonLines},
            },
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "filters": ["request_id", "redact_exceptions"],
                    "formatter": "json" if json_lines else "default",
                }
            },
            "loggers": {
                "trainer": {
                    "level": app.config["LOG_LEVEL"],
                    "handlers": ["stdout"],
                    "propagate": False,
                },
                # "Rate limit storage unreachable - falling back to in-memory storage", once
                # per process when Redis goes away; WARNING, not INFO, whose lines name the
                # limited key (an address, an account)
                "flask-limiter": {
                    "level": "WARNING",
                    "handlers": ["stdout"],
                    "propagate": False,
                },
            },
        }
    )
