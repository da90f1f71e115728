from __future__ import annotations

import datetime as dt
import enum

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import PLAIN, Base, Wording, str_enum, utcnow


class EnrollmentState(enum.StrEnum):
    PENDING = "pending"
    VALIDATED = "validated"
    CANCELLED = "cancelled"


class Training(Base):
    """A session of a training type (first aid, ...), public or not, with a capacity."""

    __tablename__ = "training"

    id: Mapped[int] = mapped_column(primary_key=True)
    training_type: Mapped[str] = mapped_column(String(80), index=True)
    starts_on: Mapped[dt.date]
    public: Mapped[bool] = mapped_column(default=True)
    capacity: Mapped[int] = mapped_column(Integer, default=12)

    def __str__(self) -> str:
        return f"{self.training_type} {self.starts_on.isoformat()}"

    def label(self, words: Wording = PLAIN) -> str:
        return f"{self.training_type} {words.when(self.starts_on)}"


class Enrollment(Base):
    """A trainee on a training; the trainee is known by their e-mail."""

    __tablename__ = "enrollment"

    id: Mapped[int] = mapped_column(primary_key=True)
    training_id: Mapped[int] = mapped_column(ForeignKey("training.id"), index=True)
    trainee_name: Mapped[str] = mapped_column(String(200))
    trainee_email: Mapped[str] = mapped_column(String(254), index=True)
    state: Mapped[EnrollmentState] = mapped_column(
        str_enum(EnrollmentState, "enrollment_state"), default=EnrollmentState.PENDING, index=True
    )
    created_at: Mapped[dt.datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    training: Mapped[Training] = relationship(lazy="joined", innerjoin=True)

    __mapper_args__ = {"version_id_col": version}

    def label(self, words: Wording = PLAIN) -> str:
        """The trainee, on which training: "Anna Neri, Excel 12/3/27"."""
        return f"{self.trainee_name}, {self.training.label(words)}"
