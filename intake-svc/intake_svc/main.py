"""App factory: `uvicorn intake_svc.main:create_app --factory`."""

import httpx
from fastapi import FastAPI

from intake_svc.applications.progress import progress_consumer
from intake_svc.applications.router import router as applications_router
from intake_svc.catalog_client import CatalogClient
from intake_svc.licences.client import LicenceSource, NoLicences, NotifyLicences
from intake_svc.materials.router import router as materials_router
from intake_svc.materials.s3 import S3Storage
from intake_svc.materials.storage import LocalDiskStorage, Storage
from intake_svc.prefill.providers import (
    CircuitBreaker,
    HttpProvider,
    IdentityProvider,
    LicenceProvider,
    Prefiller,
    PrefillProvider,
    SampleRegistryProvider,
)
from intake_svc.settings import Settings
from onevisit.service import Runtime, create_service_app


def create_app(
    settings: Settings | None = None,
    *,
    catalog_transport: httpx.AsyncBaseTransport | None = None,
    provider_transport: httpx.AsyncBaseTransport | None = None,
    licence_transport: httpx.AsyncBaseTransport | None = None,
    storage: Storage | None = None,
) -> FastAPI:
    """The transports let tests run the real catalog and notify in-process and stand in for outside
    data providers."""
    settings = settings or Settings()

    async def open_clients(app: FastAPI, runtime: Runtime) -> None:
        runtime.extras["catalog"] = CatalogClient(
            settings.catalog_url, timeout=settings.catalog_timeout_seconds, transport=catalog_transport
        )
        runtime.extras["prefiller"] = Prefiller(_providers(settings, provider_transport))
        runtime.extras["licences"] = _licences(settings, licence_transport)
        runtime.extras["storage"] = storage or _storage(settings)

    async def close_clients(app: FastAPI, runtime: Runtime) -> None:
        await runtime.extras["catalog"].close()
        await runtime.extras["prefiller"].close()
        await runtime.extras["licences"].close()
        if isinstance(runtime.extras["storage"], S3Storage):
            await runtime.extras["storage"].close()

    return create_service_app(
        settings,
        title="OneVisit intake",
        description="一表申请 · 一套材料 · 一次提交 · 一次反馈: drafts, materials, validation, applications",
        routers=[applications_router, materials_router],
        consumers=lambda runtime: [progress_consumer()],
        on_startup=[open_clients],
        on_shutdown=[close_clients],
    )


def _providers(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> list[PrefillProvider]:
    providers: list[PrefillProvider] = [IdentityProvider()]
    if settings.prefill_licences:
        # Before the registries: the licence is the document the department would check anyway.
        providers.append(LicenceProvider())
    for prefix, url in settings.prefill_providers.items():
        breaker = CircuitBreaker(
            failures=settings.prefill_breaker_failures, cooldown_seconds=settings.prefill_breaker_cooldown_seconds
        )
        providers.append(
            HttpProvider(
                f"provider:{prefix}",
                url,
                prefix=prefix,
                timeout=settings.prefill_timeout_seconds,
                breaker=breaker,
                transport=transport,
            )
        )
    if settings.prefill_builtin_samples:
        providers.append(SampleRegistryProvider())
    return providers


def _licences(settings: Settings, transport: httpx.AsyncBaseTransport | None) -> LicenceSource:
    if not settings.prefill_licences:
        return NoLicences()
    return NotifyLicences(
        settings.notify_url,
        internal_secret=settings.internal_secret,
        timeout=settings.prefill_timeout_seconds,
        breaker=CircuitBreaker(
            failures=settings.prefill_breaker_failures, cooldown_seconds=settings.prefill_breaker_cooldown_seconds
        ),
        transport=transport,
    )


def _storage(settings: Settings) -> Storage:
    if settings.storage_backend == "s3":
        # The settings validator made sure every S3 setting is there.
        assert settings.s3_endpoint and settings.s3_bucket and settings.s3_access_key and settings.s3_secret_key
        return S3Storage(
            endpoint=settings.s3_endpoint,
            bucket=settings.s3_bucket,
            region=settings.s3_region,
            access_key=settings.s3_access_key,
            secret_key=settings.s3_secret_key.get_secret_value(),
            timeout=settings.s3_timeout_seconds,
        )
    assert settings.storage_dir is not None  # set by the settings validator
    return LocalDiskStorage(settings.storage_dir)
