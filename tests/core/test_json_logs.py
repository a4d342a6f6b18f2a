"""LOG_FORMAT=json: one JSON object a line with the request id; nothing a user wrote."""

from __future__ import annotations

import json
import logging

from trainer.core.logging import JsonLines, RedactExceptions, RequestIdFilter


def _line(app, message: str, *args, exc: BaseException | None = None) -> dict:
    record = logging.LogRecord(
        "trainer.test",
        logging.ERROR,
        __file__,
        1,
        message,
        args,
        (type(exc), exc, exc.__traceback__) if exc else None,
    )
    with app.test_request_context(headers={"X-Request-Id": "abcdef1234567890"}):
        app.preprocess_request()
        RequestIdFilter().filter(record)
        RedactExceptions().filter(record)
        return json.loads(JsonLines().format(record))


def test_a_line_is_json_with_the_request_id(app):
    entry = _line(app, "Attempt %s submitted by %s", 3, 7)
    assert entry["request_id"] == "abcdef1234567890"
    assert entry["message"] == "Attempt 3 submitted by 7"
    assert entry["level"] == "ERROR"
    assert entry["time"].endswith("Z")


def test_an_exception_keeps_its_type_never_its_message(app):
    said = "my client said something private"
    try:
        raise ValueError(said)
    except ValueError as error:
        entry = _line(app, "Unhandled error", exc=error)
    assert "ValueError" in entry["exception"]
    assert "private" not in json.dumps(entry)


def test_the_response_carries_the_request_id(client):
    response = client.get("/login", headers={"X-Request-Id": "abcdef1234567890"})
    assert response.headers["X-Request-Id"] == "abcdef1234567890"
