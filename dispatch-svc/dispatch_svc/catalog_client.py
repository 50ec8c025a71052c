"""Reads bundle versions from catalog-svc over HTTP; versions are immutable, so they are cached."""

from typing import Any
from urllib.parse import quote

import httpx

from onevisit.errors import UpstreamUnavailable


class CatalogUnavailable(UpstreamUnavailable):
    code = "catalog_unavailable"
    title = "事项目录服务暂时不可用"


class BundleVersionNotFound(Exception):
    """The catalog has no such bundle version: the event can never be handled."""


class CatalogClient:
    def __init__(self, base_url: str, *, timeout: float, transport: httpx.AsyncBaseTransport | None = None):
        self._client = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)
        self._cache: dict[tuple[str, int], dict[str, Any]] = {}

    async def bundle(self, code: str, version: int) -> dict[str, Any]:
        """The bundle as published at `version`; raises CatalogUnavailable so consumers retry later."""
        cached = self._cache.get((code, version))
        if cached is not None:
            return cached
        try:
            response = await self._client.get(f"/v1/bundles/{quote(code, safe='')}", params={"version": version})
        except httpx.HTTPError as exc:
            raise CatalogUnavailable(f"无法读取事项目录：{exc.__class__.__name__}") from exc
        if response.status_code == 404:
            raise BundleVersionNotFound(f"bundle {code} version {version} not in the catalog")
        if response.status_code != 200:
            raise CatalogUnavailable(f"事项目录返回 {response.status_code}")
        bundle = response.json()
        self._cache[(code, version)] = bundle
        return bundle

    async def close(self) -> None:
        await self._client.aclose()
