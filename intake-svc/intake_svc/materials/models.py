"""Uploaded material files and signed commitments (告知承诺) of an application."""

import uuid
from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, new_id, utcnow


class MaterialFile(Base):
    __tablename__ = "application_materials"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    material_code: Mapped[str] = mapped_column(String(50))
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64))
    storage_key: Mapped[str] = mapped_column(String(300))
    uploaded_by: Mapped[str] = mapped_column(String(64))
    uploaded_at: Mapped[datetime] = mapped_column(default=utcnow)
    # A newer upload of the same material replaces this one; the file stays for the record.
    superseded: Mapped[bool] = mapped_column(default=False)


class Commitment(Base):
    """A signed promise (告知承诺) that stands in for a material the catalog lets it replace."""

    __tablename__ = "application_commitments"
    __table_args__ = (UniqueConstraint("application_id", "material_code"),)

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    application_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("applications.id", ondelete="CASCADE"), index=True)
    material_code: Mapped[str] = mapped_column(String(50))
    text: Mapped[str] = mapped_column(Text)
    signed_by: Mapped[str] = mapped_column(String(64))
    signed_name: Mapped[str | None] = mapped_column(String(100), default=None)
    signed_at: Mapped[datetime] = mapped_column(default=utcnow)
