"""Public access tokens: short-lived HS256 JWTs the gateway issues and checks on every call."""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import jwt

from onevisit.auth import Identity
from onevisit.db import utcnow
from onevisit.errors import Unauthorized

ISSUER = "onevisit-gateway"
AUDIENCE = "onevisit"
ALGORITHM = "HS256"


class InvalidToken(Unauthorized):
    code = "invalid_token"
    title = "登录凭证无效，请重新登录"


class TokenExpired(Unauthorized):
    code = "token_expired"
    title = "登录已过期，请重新登录"


@dataclass(frozen=True)
class AccessClaims:
    identity: Identity
    jti: str
    expires_at: datetime


def issue_access_token(identity: Identity, *, secret: str, ttl_seconds: int) -> tuple[str, AccessClaims]:
    now = utcnow()
    expires_at = now + timedelta(seconds=ttl_seconds)
    jti = uuid.uuid4().hex
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": identity.subject,
        "iat": now,
        "exp": expires_at,
        "jti": jti,
        "idn": identity.model_dump(exclude_none=True, exclude={"subject"}),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM), AccessClaims(identity, jti, expires_at)


def verify_access_token(token: str, *, secret: str) -> AccessClaims:
    """Check signature, issuer, audience and expiry; only HS256 is accepted (no `alg: none`)."""
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            issuer=ISSUER,
            options={"require": ["exp", "iat", "sub", "jti"]},
        )
        identity = Identity.model_validate({**claims.get("idn", {}), "subject": claims["sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired("登录凭证已过期") from exc
    except (jwt.PyJWTError, ValueError) as exc:
        raise InvalidToken("登录凭证无法验证") from exc
    return AccessClaims(identity, claims["jti"], datetime.fromtimestamp(claims["exp"], tz=utcnow().tzinfo))
