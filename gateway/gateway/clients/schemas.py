"""Operator API bodies and answers for API clients and their keys."""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

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


# OpenAPI examples: the public-security household registration system, bound to its department.
_KEY_EXAMPLE = {"key_id": "k_3f9a1c2b7d4e5f60", "created_at": "2026-03-01T08:00:00Z"}
_CLIENT_EXAMPLE = {
    "id": "gongan-hukou",
    "name": "公安户籍系统",
    "role": "department",
    "department": "GA",
    "scopes": ["dept:read", "dept:write"],
    "created_at": "2026-03-01T08:00:00Z",
    "keys": [_KEY_EXAMPLE],
}


class ClientCreate(BaseModel):
    """A department system (bound to one department) or another government system, with scopes."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "id": "gongan-hukou",
                    "name": "公安户籍系统",
                    "role": "department",
                    "department": "GA",
                    "scopes": ["dept:read", "dept:write"],
                }
            ]
        }
    )

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
    model_config = ConfigDict(json_schema_extra={"examples": [_KEY_EXAMPLE]})

    key_id: str = Field(examples=["k_3f9a1c2b7d4e5f60"])
    created_at: datetime
    revoked_at: datetime | None = None


class IssuedKey(BaseModel):
    """A new key: the secret is shown this once and never again."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{**_KEY_EXAMPLE, "secret": "9c1e5b7a3d2f4e6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a"}]
        }
    )

    key_id: str = Field(examples=["k_3f9a1c2b7d4e5f60"])
    secret: str = Field(examples=["9c1e…64 hex"])
    created_at: datetime


class ClientRead(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [_CLIENT_EXAMPLE]})

    id: str = Field(examples=["gongan-hukou"])
    name: str = Field(examples=["公安户籍系统"])
    role: Literal["department", "system"]
    department: str | None = None
    scopes: list[str] = Field(examples=[["dept:read", "dept:write"]])
    created_at: datetime
    revoked_at: datetime | None = None
    keys: list[KeyRead] = Field(default_factory=list)


class ClientWithKey(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "client": _CLIENT_EXAMPLE,
                    "key": {
                        **_KEY_EXAMPLE,
                        "secret": "9c1e5b7a3d2f4e6a8b0c1d2e3f4a5b6c7d8e9f0a1b2c3d4e5f6a7b8c9d0e1f2a",
                    },
                }
            ]
        }
    )

    client: ClientRead
    key: IssuedKey
