"""The content's label tables, for every template."""

from __future__ import annotations

from flask import Flask

from .schema import (
    FRAMEWORK_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    PROFESSION_WIDE_LABELS,
    RUBRIC_LABELS,
)


def register_template_helpers(app: Flask) -> None:
    labels = {
        "KIND_LABELS": KIND_LABELS,
        "LEVEL_LABELS": LEVEL_LABELS,
        "FRAMEWORK_LABELS": FRAMEWORK_LABELS,
        "PROFESSION_WIDE_LABELS": PROFESSION_WIDE_LABELS,
        "RUBRIC_LABELS": RUBRIC_LABELS,
    }
    app.context_processor(lambda: labels)
