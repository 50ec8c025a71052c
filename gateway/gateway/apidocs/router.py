"""`/openapi.json` of the whole platform (the gateway's and the services' paths); `/docs` shows it."""

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse

from gateway.apidocs.merge import merged_openapi
from gateway.state import GatewayDep

router = APIRouter()


@router.get("/openapi.json", include_in_schema=False)
async def openapi(request: Request, gateway: GatewayDep) -> JSONResponse:
    """The merged OpenAPI document of every public path."""
    return JSONResponse(await merged_openapi(request.app, gateway))
