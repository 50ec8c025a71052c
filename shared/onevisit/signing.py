"""HMAC-SHA256 signatures the services share; every format here is a public contract.

- Expiring download links: `path?expires=<unix>&sig=<hex HMAC of "path\\nexpires">`, which
  dispatch hands to departments and intake checks when it serves a material.
- API-key requests (API.md): `Authorization: OneVisit-HMAC key=<id>, ts=<unix>, nonce=<random>,
  sig=<hex HMAC of "METHOD\\nPATH?QUERY\\nts\\nnonce\\nsha256hex(body)">`. The gateway also
  rejects a nonce it has seen; that needs storage, so it is not done here.
- Webhooks to departments: `X-OneVisit-Timestamp: <unix>` and
  `X-OneVisit-Signature: sha256=<hex HMAC of "timestamp.body">`.

Times are unix seconds; `now` parameters exist for tests. Comparisons are constant-time.
"""

import hashlib
import hmac
import re
import secrets
import time
from dataclasses import dataclass
from urllib.parse import urlencode

AUTH_SCHEME = "OneVisit-HMAC"
WEBHOOK_TIMESTAMP_HEADER = "X-OneVisit-Timestamp"
WEBHOOK_SIGNATURE_HEADER = "X-OneVisit-Signature"
# Named algorithm in the header value, so it can change without breaking receivers that check it.
WEBHOOK_SIGNATURE_PREFIX = "sha256="
DEFAULT_MAX_SKEW_SECONDS = 300

_AUTH_PARAMS = ("key", "ts", "nonce", "sig")
_AUTH_PARAM = re.compile(r"^([a-z]+)=([^\s,=]+)$")
_HEX_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MALFORMED_AUTHORIZATION = "签名头格式应为 OneVisit-HMAC key=…, ts=…, nonce=…, sig=…"


def _hmac_hex(secret: str | bytes, message: bytes) -> str:
    key = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def _same(expected: str, given: str) -> bool:
    # Bytes, because compare_digest refuses str with non-ASCII characters, which a query may carry.
    return hmac.compare_digest(expected.encode(), given.encode())


def _now(now: float | None) -> float:
    return time.time() if now is None else now


def _within_skew(timestamp: int, now: float | None, max_skew_seconds: int) -> bool:
    return abs(_now(now) - timestamp) <= max_skew_seconds


# -- expiring download links ---------------------------------------------------------------


def _path_signature(path: str, expires: int, secret: str | bytes) -> str:
    return _hmac_hex(secret, f"{path}\n{expires}".encode())


def sign_path(path: str, *, secret: str | bytes, ttl_seconds: int = 900, now: float | None = None) -> str:
    """`path?expires=<unix>&sig=<hex>`, valid for `ttl_seconds`; `path` must have no query of its own."""
    if "?" in path:
        raise ValueError("sign_path signs a bare path; it adds the query itself")
    expires = int(_now(now)) + ttl_seconds
    return f"{path}?{urlencode({'expires': expires, 'sig': _path_signature(path, expires, secret)})}"


def verify_signed_path(
    path: str, *, expires: int | str, sig: str, secret: str | bytes, now: float | None = None
) -> bool:
    """Whether `sig` signs `path` until `expires` and that moment has not passed."""
    try:
        expires_at = int(expires)
    except ValueError:
        return False
    if _now(now) > expires_at:
        return False
    return _same(_path_signature(path, expires_at, secret), sig)


# -- API-key request signatures ------------------------------------------------------------


@dataclass(frozen=True)
class SignedRequest:
    """The parameters of an `Authorization: OneVisit-HMAC ...` header."""

    key_id: str
    ts: int
    nonce: str
    sig: str


def canonical_request(method: str, path_with_query: str, ts: int, nonce: str, body: bytes) -> str:
    """The string a request signature covers: "METHOD\\nPATH?QUERY\\nts\\nnonce\\nsha256hex(body)"."""
    return f"{method.upper()}\n{path_with_query}\n{ts}\n{nonce}\n{hashlib.sha256(body).hexdigest()}"


def _request_signature(secret: str | bytes, method: str, path_with_query: str, ts: int, nonce: str, body: bytes) -> str:
    return _hmac_hex(secret, canonical_request(method, path_with_query, ts, nonce, body).encode())


def sign_request(
    secret: str | bytes,
    method: str,
    path_with_query: str,
    body: bytes,
    *,
    key_id: str,
    ts: int | None = None,
    nonce: str | None = None,
) -> str:
    """The Authorization header value for one request; a fresh nonce and the current time by default."""
    ts = int(time.time()) if ts is None else ts
    nonce = secrets.token_hex(16) if nonce is None else nonce
    sig = _request_signature(secret, method, path_with_query, ts, nonce, body)
    return f"{AUTH_SCHEME} key={key_id}, ts={ts}, nonce={nonce}, sig={sig}"


def parse_authorization(header: str) -> SignedRequest:
    """Read an `OneVisit-HMAC` header; raises ValueError with a Chinese message when it is malformed."""
    scheme, _, rest = header.strip().partition(" ")
    if scheme != AUTH_SCHEME:
        raise ValueError(_MALFORMED_AUTHORIZATION)
    params: dict[str, str] = {}
    for part in rest.split(","):
        match = _AUTH_PARAM.match(part.strip())
        if match is None or match.group(1) in params:
            raise ValueError(_MALFORMED_AUTHORIZATION)
        params[match.group(1)] = match.group(2)
    if sorted(params) != sorted(_AUTH_PARAMS) or not params["ts"].isdigit():
        raise ValueError(_MALFORMED_AUTHORIZATION)
    if not _HEX_SHA256.match(params["sig"]):
        raise ValueError("签名应为64位小写十六进制的 HMAC-SHA256")
    return SignedRequest(key_id=params["key"], ts=int(params["ts"]), nonce=params["nonce"], sig=params["sig"])


def verify_request_signature(
    secret: str | bytes,
    method: str,
    path_with_query: str,
    body: bytes,
    signed: SignedRequest,
    *,
    now: float | None = None,
    max_skew_seconds: int = DEFAULT_MAX_SKEW_SECONDS,
) -> bool:
    """Whether `signed` signs this request and its timestamp is within `max_skew_seconds` of now."""
    if not _within_skew(signed.ts, now, max_skew_seconds):
        return False
    expected = _request_signature(secret, method, path_with_query, signed.ts, signed.nonce, body)
    return _same(expected, signed.sig)


# -- webhooks ------------------------------------------------------------------------------


def sign_webhook(secret: str | bytes, body: bytes, timestamp: int) -> str:
    """Hex HMAC-SHA256 of "timestamp.body" (the header carries it after `sha256=`)."""
    return _hmac_hex(secret, f"{timestamp}.".encode() + body)


def webhook_headers(secret: str | bytes, body: bytes, *, timestamp: int | None = None) -> dict[str, str]:
    """The two headers of a signed webhook POST."""
    ts = int(time.time()) if timestamp is None else timestamp
    return {
        WEBHOOK_TIMESTAMP_HEADER: str(ts),
        WEBHOOK_SIGNATURE_HEADER: WEBHOOK_SIGNATURE_PREFIX + sign_webhook(secret, body, ts),
    }


def verify_webhook(
    secret: str | bytes,
    body: bytes,
    timestamp: int | str,
    signature: str,
    *,
    now: float | None = None,
    max_skew_seconds: int = DEFAULT_MAX_SKEW_SECONDS,
) -> bool:
    """Whether `signature` (bare hex or the `sha256=<hex>` header value) signs `body` at a recent `timestamp`."""
    try:
        ts = int(timestamp)
    except ValueError:
        return False
    if not _within_skew(ts, now, max_skew_seconds):
        return False
    signature = signature.removeprefix(WEBHOOK_SIGNATURE_PREFIX)
    return _same(sign_webhook(secret, body, ts), signature)
