"""ETag and Cache-Control for the public reads: other services and the mini-program cache them."""

import hashlib
import json
from typing import Any

from fastapi import Request, Response

# Versions are immutable, so a read pinned to a version may be cached for a year.
IMMUTABLE = "public, max-age=31536000, immutable"


def cached_json(request: Request, payload: Any, *, max_age: int = 60, immutable: bool = False) -> Response:
    """JSON with a strong ETag over the exact body; 304 when the client already holds it."""
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()
    etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
    headers = {"ETag": etag, "Cache-Control": IMMUTABLE if immutable else f"public, max-age={max_age}"}
    held = _etags(request.headers.get("if-none-match", ""))
    if etag in held or "*" in held:
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


def _etags(header: str) -> set[str]:
    # A weak match is enough for GET (RFC 9110 §13.1.2): compare without the W/ prefix.
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}
