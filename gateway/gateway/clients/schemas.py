"""Operator API bodies and answers for API clients and their keys."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

KNOWN_SCOPES = (
    "catalog:read",
    "catalog:write",
    "applications:read",
    "applications:write",
    "licences:read",
    "licences:write",
    "tickets:read",
    "tickets:write",
    "dept:read",
    "dept:write",
)


class ClientCreate(BaseModel):
    """A department system (bound to one department) or another government system, with scopes."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9\-_.]{2,63}$", examples=["gongan-hukou"])
    name: str = Field(min_length=1, max_length=200, examples=["公安户籍系统"])
    role: Literal["department", "system"] = Field(examples=["department"])
    department: str | None = Field(default=None, max_length=64, examples=["GA"])
    scopes: list[Literal[KNOWN_SCOPES]] = Field(default_factory=list, examples=[["dept:read", "dept:write"]])  # type: ignore[valid-type]

    @model_validator(mode="after")
    def _department_binding(self) -> "ClientCreate":
        if (self.role == "department") != (self.department is not None):
            raise ValueError("部门接入系统必须且只有部门接入系统绑定部门代码")
        return self


class KeyRead(BaseModel):
    key_id: str = Field(examples=["k_3f9a1c2b7d4e5f60"])
    created_at: datetime
    revoked_at: datetime | None = None


class IssuedKey(BaseModel):
    """A new key: the secret is shown this once and never again."""

    key_id: str = Field(examples=["k_3f9a1c2b7d4e5f60"])
    secret: str = Field(examples=["9c1e…64 hex"])
    created_at: datetime


class ClientRead(BaseModel):
    id: str = Field(examples=["gongan-hukou"])
    name: str = Field(examples=["公安户籍系统"])
    role: Literal["department", "system"]
    department: str | None = None
    scopes: list[str] = Field(examples=[["dept:read", "dept:write"]])
    created_at: datetime
    revoked_at: datetime | None = None
    keys: list[KeyRead] = Field(default_factory=list)


class ClientWithKey(BaseModel):
    client: ClientRead
    key: IssuedKey
