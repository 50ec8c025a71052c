"""OneVisit-HMAC request signatures of department and government systems (API.md):
`Authorization: OneVisit-HMAC key=<key id>, ts=<unix seconds>, nonce=<random>, sig=<hex>` where
sig = HMAC-SHA256(secret, "METHOD\\nPATH?QUERY\\nts\\nnonce\\nsha256(body)")."""

import hashlib
import hmac
import re
from dataclasses import dataclass

from onevisit.errors import Unauthorized

SCHEME = "OneVisit-HMAC"
_PARAM = re.compile(r"\s*([a-z]+)=([^,\s]+)\s*(?:,|$)")
NONCE = re.compile(r"^[A-Za-z0-9_\-.~]{8,128}$")


class SignatureInvalid(Unauthorized):
    code = "signature_invalid"
    title = "请求签名无效"


class SignatureStale(Unauthorized):
    code = "signature_stale"
    title = "请求时间戳超出允许范围"


class NonceReplayed(Unauthorized):
    code = "nonce_replayed"
    title = "该请求已被处理过（随机数重复）"


@dataclass(frozen=True)
class SignedCredentials:
    key_id: str
    timestamp: int
    nonce: str
    signature: str


def parse_authorization(value: str) -> SignedCredentials:
    """The parameters of an `OneVisit-HMAC` Authorization header, every one required."""
    params = dict(_PARAM.findall(value[len(SCHEME) :]))
    try:
        credentials = SignedCredentials(params["key"], int(params["ts"]), params["nonce"], params["sig"].lower())
    except (KeyError, ValueError) as exc:
        raise SignatureInvalid("签名头格式应为 OneVisit-HMAC key=…, ts=…, nonce=…, sig=…") from exc
    if not NONCE.match(credentials.nonce):
        raise SignatureInvalid("nonce 应为 8 到 128 位的字母、数字或 -_.~")
    return credentials


def canonical_request(method: str, path: str, query: str, timestamp: int, nonce: str, body: bytes) -> str:
    target = f"{path}?{query}" if query else path
    return f"{method.upper()}\n{target}\n{timestamp}\n{nonce}\n{hashlib.sha256(body).hexdigest()}"


def sign(secret: str, method: str, path: str, query: str, timestamp: int, nonce: str, body: bytes) -> str:
    message = canonical_request(method, path, query, timestamp, nonce, body)
    return hmac.new(secret.encode(), message.encode(), hashlib.sha256).hexdigest()


def authorization_header(
    secret: str, key_id: str, method: str, path: str, query: str, timestamp: int, nonce: str, body: bytes
) -> str:
    signature = sign(secret, method, path, query, timestamp, nonce, body)
    return f"{SCHEME} key={key_id}, ts={timestamp}, nonce={nonce}, sig={signature}"


def derive_secret(master: str, key_id: str, salt: str) -> str:
    """The secret of one key: recomputed from the gateway's key secret, never stored."""
    return hmac.new(master.encode(), f"{key_id}:{salt}".encode(), hashlib.sha256).hexdigest()


def signature_matches(
    secret: str, credentials: SignedCredentials, method: str, path: str, query: str, body: bytes
) -> bool:
    expected = sign(secret, method, path, query, credentials.timestamp, credentials.nonce, body)
    return hmac.compare_digest(expected, credentials.signature)
