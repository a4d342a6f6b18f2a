from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.core.extensions import db
from trainer.core.models import utcnow


class ContentVersion(db.Model):
    """The exact module and quiz files an attempt was taken on, kept for ever."""

    __tablename__ = "content_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    #: SHA-256 of the two files (trainer.content.loader.content_version)
    version: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: deferred: lists of attempts show the version hash, only a result page needs the text
    module_source: Mapped[str] = mapped_column(sa.Text, nullable=False, deferred=True)
    quiz_source: Mapped[str] = mapped_column(sa.Text, nullable=False, deferred=True)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("slug", "version", name="uq_content_versions_slug_version"),
    )


class Attempt(db.Model):
    """One trainee's submitted quiz. Immutable: the database refuses UPDATE and DELETE."""

    __tablename__ = "attempts"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    module_slug: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    #: 1, 2, 3 ... per trainee and module; a resubmitted form carries the same number
    number: Mapped[int] = mapped_column(nullable=False)
    content_version_id: Mapped[int] = mapped_column(
        sa.ForeignKey("content_versions.id"), nullable=False
    )
    #: {item_id: {"chosen": [...]} | {"path": [[point, option], ...], "end": point}}
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False)
    #: {item_id: credit 0..1}
    item_scores: Mapped[dict[str, float]] = mapped_column(sa.JSON, nullable=False)
    #: {competency_id: percentage}
    competency_scores: Mapped[dict[str, float]] = mapped_column(sa.JSON, nullable=False)
    #: percentage, one decimal
    score: Mapped[float] = mapped_column(
        sa.Numeric(4, 1, asdecimal=False), nullable=False
    )
    pass_mark: Mapped[int] = mapped_column(nullable=False)
    is_passed: Mapped[bool] = mapped_column(nullable=False)
    started_at: Mapped[datetime] = mapped_column(nullable=False)
    submitted_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    content_version: Mapped[ContentVersion] = relationship(lazy="joined")

    __table_args__ = (
        sa.UniqueConstraint(
            "trainee_id",
            "module_slug",
            "number",
            name="uq_attempts_trainee_module_number",
        ),
        sa.Index("ix_attempts_trainee_module", "trainee_id", "module_slug"),
        sa.CheckConstraint("score >= 0 AND score <= 100", name="score_percentage"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )
