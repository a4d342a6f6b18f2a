from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from trainer.core.models import utcnow
from trainer.extensions import db


class Program(db.Model):
    __tablename__ = "programs"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False, unique=True)
    #: the evidence framework the catalogue follows (apa-2011 | apa-2019)
    framework: Mapped[str] = mapped_column(sa.String(20), nullable=False, default="apa-2011")
    #: IANA time zone in which times are shown to the program's users
    timezone: Mapped[str] = mapped_column(sa.String(64), nullable=False, default="UTC")
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    cohorts: Mapped[list[Cohort]] = relationship(back_populates="program", order_by="Cohort.name")

    __table_args__ = (sa.CheckConstraint("framework IN ('apa-2011', 'apa-2019')", name="known_framework"),)


class Cohort(db.Model):
    __tablename__ = "cohorts"

    id: Mapped[int] = mapped_column(primary_key=True)
    program_id: Mapped[int] = mapped_column(sa.ForeignKey("programs.id"), nullable=False, index=True)
    name: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False, default=utcnow)

    program: Mapped[Program] = relationship(back_populates="cohorts")

    __table_args__ = (sa.UniqueConstraint("program_id", "name", name="uq_cohorts_program_name"),)
