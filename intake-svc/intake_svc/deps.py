"""Dependencies the routers share: the catalog client, the prefiller, the licence source, the file storage (opened by
the lifespan on `app.state.runtime.extras`) and the headers an event carries on."""

from typing import Annotated

from fastapi import Depends, Request

from intake_svc.catalog_client import CatalogClient
from intake_svc.licences.client import LicenceSource
from intake_svc.materials.storage import Storage
from intake_svc.prefill.providers import Prefiller
from onevisit.logging import request_id_var
from onevisit.service import RuntimeDep


def get_catalog(runtime: RuntimeDep) -> CatalogClient:
    return runtime.extras["catalog"]


def get_prefiller(runtime: RuntimeDep) -> Prefiller:
    return runtime.extras["prefiller"]


def get_licences(runtime: RuntimeDep) -> LicenceSource:
    return runtime.extras["licences"]


def get_storage(runtime: RuntimeDep) -> Storage:
    return runtime.extras["storage"]


def event_headers(request: Request) -> dict[str, str]:
    """Trace and request id travel with the events a request causes."""
    headers = {"X-Request-ID": request_id_var.get() or ""}
    if traceparent := request.headers.get("traceparent"):
        headers["traceparent"] = traceparent
    return headers


CatalogDep = Annotated[CatalogClient, Depends(get_catalog)]
PrefillerDep = Annotated[Prefiller, Depends(get_prefiller)]
LicencesDep = Annotated[LicenceSource, Depends(get_licences)]
StorageDep = Annotated[Storage, Depends(get_storage)]
EventHeaders = Annotated[dict[str, str], Depends(event_headers)]
