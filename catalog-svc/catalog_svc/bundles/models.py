"""Bundles: an editable draft per code, immutable published versions, and the current pointer."""

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, utcnow


class Bundle(Base):
    """One row per bundle code: its draft and which published version is current.

    The listing columns copy the current version so the public list and search need no JSON parsing.
    """

    __tablename__ = "bundles"

    code: Mapped[str] = mapped_column(String(64), primary_key=True)
    draft: Mapped[dict[str, Any]] = mapped_column()
    draft_updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    draft_updated_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    current_version: Mapped[int | None] = mapped_column(Integer, nullable=True)
    name: Mapped[str | None] = mapped_column(String(200), nullable=True)
    audience: Mapped[str | None] = mapped_column(String(16), nullable=True, index=True)
    category: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    region: Mapped[str | None] = mapped_column(String(12), nullable=True)
    item_count: Mapped[int | None] = mapped_column(Integer, nullable=True)
    promised_days: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # Name, synonyms and item names, lower-cased: the keyword search runs over it.
    search_text: Mapped[str | None] = mapped_column(Text, nullable=True)


class BundleVersion(Base):
    """A published version: the whole definition with the dictionary entries it used, frozen."""

    __tablename__ = "bundle_versions"

    code: Mapped[str] = mapped_column(String(64), ForeignKey("bundles.code"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    snapshot: Mapped[dict[str, Any]] = mapped_column()
    content_hash: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
