"""A reflecting upstream for the gateway's forwarding tests, run as a real uvicorn process.

Not a stand-in for any OneVisit service: it answers every path under `/<service>/...` with what
it received (method, path, query, headers, body digest), so a test can see exactly what the
gateway forwarded. `/<service>/slow` answers after two seconds; `?download=N` streams N bytes."""

import asyncio
import hashlib

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from onevisit.auth import IDENTITY_HEADER, decode_internal_identity
from onevisit.settings import DEV_INTERNAL_SECRET


async def reflect(request: Request) -> Response:
    service = request.path_params["service"]
    path = "/" + request.path_params["path"]
    if path.endswith("/slow"):
        await asyncio.sleep(2)
    download = request.query_params.get("download")
    if download:
        size = int(download)

        async def chunks():
            sent = 0
            while sent < size:
                part = min(65536, size - sent)
                sent += part
                yield b"x" * part

        return StreamingResponse(chunks(), media_type="application/octet-stream", headers={"X-Echo": service})
    digest, size = hashlib.sha256(), 0
    async for chunk in request.stream():
        digest.update(chunk)
        size += len(chunk)
    token = request.headers.get(IDENTITY_HEADER)
    identity = decode_internal_identity(token, DEV_INTERNAL_SECRET).model_dump() if token else None
    status = int(request.query_params.get("status", "200"))
    return JSONResponse(
        {
            "service": service,
            "method": request.method,
            "path": path,
            "query": request.url.query,
            "headers": {name: value for name, value in request.headers.items()},
            "body_sha256": digest.hexdigest(),
            "body_size": size,
            "identity": identity,
        },
        status_code=status,
        headers={"X-Echo": service, "Set-Cookie": "leak=1"},
    )


app = Starlette(
    routes=[Route("/{service}/{path:path}", reflect, methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"])]
)
