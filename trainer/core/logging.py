"""Logging to stdout with a request id on every record, configured once in the factory."""

from __future__ import annotations

import logging
import uuid
from logging.config import dictConfig

from flask import Flask, g, has_request_context, request


class RequestIdFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_request_context() else "-"
        return True


def configure_logging(app: Flask) -> None:
    @app.before_request
    def _assign_request_id():
        incoming = request.headers.get("X-Request-Id", "")
        g.request_id = (
            incoming[:64]
            if incoming.isprintable() and incoming
            else uuid.uuid4().hex[:16]
        )

    if app.testing:
        return  # tests keep pytest's capture handlers
    dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "filters": {"request_id": {"()": RequestIdFilter}},
            "formatters": {
                "default": {
                    "format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"
                }
            },
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "stream": "ext://sys.stdout",
                    "filters": ["request_id"],
                    "formatter": "default",
                }
            },
            "loggers": {
                "trainer": {
                    "level": app.config["LOG_LEVEL"],
                    "handlers": ["stdout"],
                    "propagate": False,
                }
            },
        }
    )
