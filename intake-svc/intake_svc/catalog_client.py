"""The catalog, read over HTTP: bundle details (immutable per version, so cached) and evaluate."""

from typing import Any
from urllib.parse import quote

import httpx

from onevisit.errors import NotFound, ProblemDetail, UpstreamUnavailable, ValidationFailed


class BundleNotFound(NotFound):
    code = "bundle_not_found"
    title = "未找到该一件事"


class CatalogUnavailable(UpstreamUnavailable):
    code = "catalog_unavailable"
    title = "事项目录暂时不可用，请稍后再试"


class CatalogClient:
    """Thin client of catalog-svc; the transport is injectable so tests run the real catalog in-process."""

    def __init__(self, base_url: str, *, timeout: float, transport: httpx.AsyncBaseTransport | None = None):
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)
        self._bundles: dict[tuple[str, int], dict[str, Any]] = {}

    async def close(self) -> None:
        await self._http.aclose()

    async def bundle(self, code: str, version: int) -> dict[str, Any]:
        """The bundle as published at `version`; versions never change, so one read is enough."""
        cached = self._bundles.get((code, version))
        if cached is None:
            cached = await self._call("GET", f"/v1/bundles/{quote(code, safe='')}", params={"version": version})
            self._bundles[(code, version)] = cached
        return cached

    async def evaluate(
        self, code: str, *, answers: dict[str, Any], items: list[str] | None, version: int | None
    ) -> dict[str, Any]:
        """Applicable items, de-duplicated materials and the merged form for these answers."""
        body: dict[str, Any] = {"answers": answers}
        if items is not None:
            body["items"] = items
        if version is not None:
            body["version"] = version
        return await self._call("POST", f"/v1/bundles/{quote(code, safe='')}/evaluate", json=body)

    async def _call(self, method: str, path: str, **kwargs: Any) -> dict[str, Any]:
        try:
            response = await self._http.request(method, path, **kwargs)
        except httpx.HTTPError as exc:
            raise CatalogUnavailable(f"无法访问事项目录：{exc.__class__.__name__}") from exc
        if response.status_code == 404:
            raise BundleNotFound(f"一件事 {path.split('/')[3]} 不存在或未发布")
        if response.status_code == 422:
            # The catalog refuses a subset that splits a bound group: pass its problems on unchanged.
            body = _json(response)
            problems = [ProblemDetail.model_validate(p) for p in body.get("problems", []) if "message" in p]
            raise ValidationFailed(body.get("detail") or "所选事项不符合要求", problems=problems)
        if response.status_code >= 400:
            raise CatalogUnavailable(f"事项目录返回 {response.status_code}")
        return _json(response)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError as exc:
        raise CatalogUnavailable("事项目录返回了无法解析的内容") from exc
    return body if isinstance(body, dict) else {}
