"""好差评: ratings of applications and tickets; the two lowest levels open a follow-up (整改)."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, new_id, utcnow

LEVEL_NAMES = {5: "非常满意", 4: "满意", 3: "基本满意", 2: "不满意", 1: "非常不满意"}
BAD_LEVELS = (1, 2)


class Rating(Base):
    __tablename__ = "ratings"
    __table_args__ = (UniqueConstraint("target_type", "target_id", name="uq_ratings_target_type"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    target_type: Mapped[str] = mapped_column(String(16))  # application | ticket
    target_id: Mapped[uuid.UUID]
    rater_subject: Mapped[str] = mapped_column(String(64), index=True)
    level: Mapped[int]
    comment: Mapped[str | None] = mapped_column(Text, default=None)
    departments: Mapped[list[Any]] = mapped_column(default=list)
    bundle_code: Mapped[str | None] = mapped_column(String(64), default=None)
    # follow_up: None | open | answered | closed (rated once more)
    follow_up_status: Mapped[str | None] = mapped_column(String(16), default=None, index=True)
    follow_up_due_at: Mapped[datetime | None] = mapped_column(default=None)
    follow_up_answer: Mapped[str | None] = mapped_column(Text, default=None)
    follow_up_by: Mapped[str | None] = mapped_column(String(64), default=None)
    follow_up_answered_at: Mapped[datetime | None] = mapped_column(default=None)
    second_level: Mapped[int | None] = mapped_column(default=None)
    second_comment: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
