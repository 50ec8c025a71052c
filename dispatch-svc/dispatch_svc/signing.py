"""Signatures dispatch produces: expiring material links and webhook requests.

Kept here until `onevisit.signing` (shared, being written) lands; the formats are the ones in
docs/departments.md, so swapping the implementation changes nothing for departments.
"""

import hashlib
import hmac
import time
from datetime import datetime
from urllib.parse import urlencode

TIMESTAMP_HEADER = "X-OneVisit-Timestamp"
SIGNATURE_HEADER = "X-OneVisit-Signature"


def _hmac(secret: str, message: bytes) -> str:
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def sign_path(path: str, *, secret: str, expires_at: datetime) -> str:
    """`path?expires=<unix>&sig=<hex HMAC-SHA256 of "path\\nexpires">`."""
    expires = int(expires_at.timestamp())
    signature = _hmac(secret, f"{path}\n{expires}".encode())
    return f"{path}?{urlencode({'expires': expires, 'sig': signature})}"


def webhook_headers(body: bytes, *, secret: str, timestamp: int | None = None) -> dict[str, str]:
    """`X-OneVisit-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` and the timestamp."""
    ts = int(time.time()) if timestamp is None else timestamp
    signature = _hmac(secret, f"{ts}.".encode() + body)
    return {TIMESTAMP_HEADER: str(ts), SIGNATURE_HEADER: f"sha256={signature}"}
