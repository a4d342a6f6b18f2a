"""The record's label tables, for every template (the trainee's /progress shows ratings too)."""

from __future__ import annotations

from flask import Flask

from .models import OBSERVATION_LABELS


def register_template_helpers(app: Flask) -> None:
    labels = {"OBSERVATION_LABELS": OBSERVATION_LABELS}
    app.context_processor(lambda: labels)
