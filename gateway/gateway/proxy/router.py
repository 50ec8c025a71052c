"""The catch-all route of the public paths the gateway sends to the services (routing.py)."""

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from gateway.proxy.service import proxy

METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]


async def proxy_endpoint(request: Request) -> Response:
    """Forward a public request to its service (a plain Starlette endpoint: no per-request
    dependency resolution on the hottest path)."""
    return await proxy(request, request.app.state.gateway)


# Mounted after the gateway's own routes; OpenAPI shows the services' paths instead (apidocs).
ROUTES = [
    Route("/v1/{path:path}", proxy_endpoint, methods=METHODS, include_in_schema=False),
    Route("/open311/{path:path}", proxy_endpoint, methods=METHODS, include_in_schema=False),
]
