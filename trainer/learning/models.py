"""A quiz in progress, kept on the server so that leaving it and coming back resumes it.

Not a record: it is the trainee's working state (like a draft), replaced at every step and
removed when the attempt is submitted, so it is neither immutable nor audited; the attempt is.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trainer.core.extensions import db
from trainer.core.models import utcnow


class QuizProgress(db.Model):
    __tablename__ = "quiz_progress"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), nullable=False)
    module_slug: Mapped[str] = mapped_column(sa.String(60), nullable=False)
    #: the content version the quiz was begun on (trainer.content.loader.content_version)
    version: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    #: trainer.learning.quizflow.Progress.to_data(): answers so far, seed, attempt number
    state: Mapped[dict[str, Any]] = mapped_column(sa.JSON, nullable=False)
    updated_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint(
            "trainee_id", "module_slug", name="uq_quiz_progress_trainee_id_module_slug"
        ),
    )
