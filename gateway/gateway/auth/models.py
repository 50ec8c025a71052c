"""Refresh tokens (stored hashed, rotated on use) and access tokens revoked before they expire."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from onevisit.db import Base, new_id, utcnow


class RefreshToken(Base):
    __tablename__ = "refresh_tokens"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=new_id)
    # SHA-256 of the token: a database dump gives no usable refresh token.
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    # Every token rotated from one login shares a family; reusing a rotated token revokes it all.
    family_id: Mapped[uuid.UUID] = mapped_column(index=True)
    identity: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class RevokedAccessToken(Base):
    __tablename__ = "revoked_access_tokens"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    # Kept until the token would have expired anyway, then pruned.
    expires_at: Mapped[datetime] = mapped_column(index=True)
