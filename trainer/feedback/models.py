"""A trainee's short feedback on a module (through an attempt) or a supervision (a sign-off)."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from trainer.core.extensions import db
from trainer.core.models import str_enum, utcnow


class FeedbackSubject(enum.StrEnum):
    ATTEMPT = "attempt"
    SIGN_OFF = "sign-off"


#: the four 0-10 scales, in the order the form asks them
FEEDBACK_SCALES = {
    "helpful": "How helpful was it?",
    "fit_to_goals": "How well did it fit my goals?",
    "approach": "How well did the approach suit me?",
    "overall": "Overall",
}


class Feedback(db.Model):
    """A trainee's rating of a quiz attempt or of a signed supervision, on four 0-10 scales."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    trainee_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id"), nullable=False, index=True
    )
    program_id: Mapped[int] = mapped_column(
        sa.ForeignKey("programs.id"), nullable=False, index=True
    )
    subject: Mapped[FeedbackSubject] = mapped_column(
        str_enum(FeedbackSubject, "feedback_subject"), nullable=False
    )
    #: exactly one of attempt_id and sign_off_id, matching ``subject``; one feedback per subject
    attempt_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("attempts.id"), nullable=True, unique=True
    )
    sign_off_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sign_offs.id"), nullable=True, unique=True
    )
    #: the quiz's module (attempt feedback only; a supervision may cover several modules)
    module_slug: Mapped[str | None] = mapped_column(sa.String(60), nullable=True)
    helpful: Mapped[int] = mapped_column(nullable=False)
    fit_to_goals: Mapped[int] = mapped_column(nullable=False)
    approach: Mapped[int] = mapped_column(nullable=False)
    overall: Mapped[int] = mapped_column(nullable=False)
    comment: Mapped[str] = mapped_column(sa.Text, nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    __table_args__ = (
        sa.CheckConstraint(
            "(subject = 'attempt' AND attempt_id IS NOT NULL AND sign_off_id IS NULL AND module_slug IS NOT NULL)"
            " OR (subject = 'sign-off' AND sign_off_id IS NOT NULL AND attempt_id IS NULL)",
            name="one_subject",
        ),
        *(
            sa.CheckConstraint(f"{scale} BETWEEN 0 AND 10", name=f"{scale}_scale")
            for scale in ("helpful", "fit_to_goals", "approach", "overall")
        ),
    )

    def scores(self) -> dict[str, int]:
        return {scale: getattr(self, scale) for scale in FEEDBACK_SCALES}
