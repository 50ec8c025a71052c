"""What the gateway keeps for its lifetime beside the common runtime: the upstream client, the
identity providers and the rate limiter; reachable as `app.state.gateway`."""

from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request

from gateway.auth.providers import IdentityProviders
from gateway.limits import RateLimiter
from gateway.settings import Settings
from gateway.upstream import Upstream


@dataclass
class GatewayState:
    settings: Settings
    upstream: Upstream
    providers: IdentityProviders
    limiter: RateLimiter
    # The merged OpenAPI document and when it was built (apidocs).
    openapi_cache: dict[str, Any] = field(default_factory=dict)


def get_gateway(request: Request) -> GatewayState:
    return request.app.state.gateway


GatewayDep = Annotated[GatewayState, Depends(get_gateway)]
