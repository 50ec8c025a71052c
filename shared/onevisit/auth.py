"""Internal identity: the gateway authenticates callers and forwards who they are as a short-lived
token signed with the internal secret. Every service checks it itself, so a request that
bypasses the gateway gains nothing."""

from datetime import timedelta
from typing import Annotated, Literal

import jwt
from fastapi import Depends, Request
from pydantic import BaseModel, Field

from onevisit.db import utcnow
from onevisit.errors import Forbidden, Unauthorized

IDENTITY_HEADER = "X-OneVisit-Identity"
INTERNAL_TOKEN_TTL = timedelta(minutes=2)
_ALGORITHM = "HS256"
_AUDIENCE = "onevisit-internal"

Role = Literal["citizen", "company", "clerk", "department", "ops", "system"]


class Identity(BaseModel):
    """Who is calling, as the gateway established it."""

    subject: str = Field(description="resident ID, USCC, staff id or client id", examples=["11010519491231002X"])
    role: Role = "citizen"
    name: str | None = None
    phone: str | None = None
    department: str | None = Field(default=None, description="department code, for department roles")
    client_id: str | None = Field(default=None, description="calling system, for API-key clients")
    scopes: list[str] = Field(default_factory=list)

    @property
    def is_applicant(self) -> bool:
        return self.role in {"citizen", "company"}


def encode_internal_identity(identity: Identity, secret: str, ttl: timedelta = INTERNAL_TOKEN_TTL) -> str:
    now = utcnow()
    claims = {"aud": _AUDIENCE, "iat": now, "exp": now + ttl, "idn": identity.model_dump(exclude_none=True)}
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def decode_internal_identity(token: str, secret: str) -> Identity:
    try:
        claims = jwt.decode(token, secret, algorithms=[_ALGORITHM], audience=_AUDIENCE)
    except jwt.PyJWTError as exc:
        raise Unauthorized("内部身份凭证无效或已过期") from exc
    return Identity.model_validate(claims["idn"])


def optional_identity(request: Request) -> Identity | None:
    token = request.headers.get(IDENTITY_HEADER)
    if not token:
        return None
    return decode_internal_identity(token, request.app.state.settings.internal_secret)


def current_identity(request: Request) -> Identity:
    identity = optional_identity(request)
    if identity is None:
        raise Unauthorized("缺少身份凭证，请通过统一入口访问")
    return identity


CurrentIdentity = Annotated[Identity, Depends(current_identity)]
OptionalIdentity = Annotated[Identity | None, Depends(optional_identity)]


def require_roles(*roles: str):
    """A dependency that lets only the given roles through."""

    def check(identity: CurrentIdentity) -> Identity:
        if identity.role not in roles:
            raise Forbidden(f"该操作需要以下角色之一：{', '.join(roles)}")
        return identity

    return check
