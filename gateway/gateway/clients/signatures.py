"""OneVisit-HMAC request signatures of department and government systems, checked with the
shared format of onevisit.signing; this module adds the gateway's errors and key secrets."""

import hashlib
import hmac

from onevisit.errors import Unauthorized
from onevisit.signing import AUTH_SCHEME, SignedRequest, verify_request_signature
from onevisit.signing import parse_authorization as parse_signed

SCHEME = AUTH_SCHEME


class SignatureInvalid(Unauthorized):
    code = "signature_invalid"
    title = "请求签名无效"


class SignatureStale(Unauthorized):
    code = "signature_stale"
    title = "请求时间戳超出允许范围"


class NonceReplayed(Unauthorized):
    code = "nonce_replayed"
    title = "该请求已被处理过（随机数重复）"


def parse_authorization(header: str) -> SignedRequest:
    try:
        signed = parse_signed(header)
    except ValueError as exc:
        raise SignatureInvalid(str(exc)) from exc
    if not 8 <= len(signed.nonce) <= 128:
        raise SignatureInvalid("nonce 长度应为 8 到 128 个字符")
    return signed


def signature_matches(secret: str, signed: SignedRequest, method: str, path_with_query: str, body: bytes) -> bool:
    # The timestamp window is checked before (its own error); here only the signature counts.
    return verify_request_signature(secret, method, path_with_query, body, signed, now=signed.ts)


def derive_secret(master: str, key_id: str, salt: str) -> str:
    """The secret of one key: recomputed from the gateway's key secret and the key's salt, never stored."""
    return hmac.new(master.encode(), f"{key_id}:{salt}".encode(), hashlib.sha256).hexdigest()
