"""The one HTTP client the gateway uses to reach the services.

aiohttp, not httpx: on these machines a FastAPI proxy over httpx.AsyncClient served ≈ 280 req/s
against ≈ 3 400 req/s over aiohttp.ClientSession (ARCHITECTURE.md, "Measured"). Everything
that depends on the client library stays in this module, so it can be swapped after measuring.
"""

import asyncio
import json
import logging
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass

import aiohttp
from yarl import URL

from onevisit.errors import OneVisitError, UpstreamUnavailable

log = logging.getLogger("gateway.upstream")

# Answers up to this size are read whole (one send, a Content-Length); bigger ones are streamed.
BUFFER_LIMIT = 256 * 1024
STREAM_CHUNK = 64 * 1024
RETRY_BACKOFF_SECONDS = 0.05


class ServiceUnavailable(UpstreamUnavailable):
    code = "service_unavailable"
    title = "服务暂时不可用，请稍后再试"


class ServiceTimeout(OneVisitError):
    status = 504
    code = "service_timeout"
    title = "服务响应超时，请稍后再试"


@dataclass
class UpstreamResponse:
    """A service's answer: the whole body when small, else a stream that must be consumed or closed."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes | None
    stream: AsyncIterator[bytes] | None
    _response: aiohttp.ClientResponse

    def release(self) -> None:
        self._response.release()


class Upstream:
    """A pooled client for every service, with connect and read timeouts and retries for reads."""

    def __init__(
        self,
        services: dict[str, str],
        *,
        connect_timeout: float,
        read_timeout: float,
        read_retries: int,
        max_connections: int,
    ):
        self.services = {name: url.rstrip("/") for name, url in services.items()}
        self.read_retries = read_retries
        self._timeout = aiohttp.ClientTimeout(total=None, sock_connect=connect_timeout, sock_read=read_timeout)
        self._max_connections = max_connections
        self._session: aiohttp.ClientSession | None = None

    async def start(self) -> None:
        connector = aiohttp.TCPConnector(limit=self._max_connections, ttl_dns_cache=300, keepalive_timeout=30)
        # auto_decompress off: bodies pass through byte for byte, so Content-Length and
        # Content-Encoding stay true; cookies are never kept between callers.
        self._session = aiohttp.ClientSession(
            connector=connector,
            timeout=self._timeout,
            auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),
            skip_auto_headers=("User-Agent", "Accept-Encoding", "Content-Type"),
        )

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    def url(self, service: str, path_and_query: str) -> str:
        return self.services[service] + path_and_query

    async def send(
        self,
        service: str,
        method: str,
        path_and_query: str,
        *,
        headers: list[tuple[str, str]],
        body: bytes | AsyncIterable[bytes] | None,
    ) -> UpstreamResponse:
        """Send one request to a service; 503/504 problems name the service when it fails."""
        assert self._session is not None, "Upstream.start() was not awaited"
        # encoded=True: the path and query go out byte for byte as the caller sent them (and signed them).
        url = URL(self.url(service, path_and_query), encoded=True)
        # Only reads without a body are safe to send twice.
        attempts = 1 + (self.read_retries if method in ("GET", "HEAD") and not body else 0)
        for attempt in range(1, attempts + 1):
            try:
                response = await self._session.request(
                    method, url, headers=headers, data=body, allow_redirects=False, compress=None
                )
                return await self._wrap(response)
            except (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError) as exc:
                if isinstance(exc, aiohttp.ServerTimeoutError):
                    raise ServiceTimeout(f"{service} 服务在规定时间内未响应", service=service) from exc
                if attempt == attempts:
                    log.warning("%s unreachable at %s: %s", service, url, exc)
                    raise ServiceUnavailable(f"{service} 服务暂时不可用", service=service) from exc
                await asyncio.sleep(RETRY_BACKOFF_SECONDS * attempt)
            except TimeoutError as exc:
                raise ServiceTimeout(f"{service} 服务在规定时间内未响应", service=service) from exc
        raise AssertionError("unreachable")

    async def _wrap(self, response: aiohttp.ClientResponse) -> UpstreamResponse:
        headers = list(response.raw_headers)
        length = response.content_length
        if length is not None and length <= BUFFER_LIMIT:
            try:
                body = await response.read()
            finally:
                response.release()
            return UpstreamResponse(response.status, headers, body, None, response)
        return UpstreamResponse(response.status, headers, None, response.content.iter_chunked(STREAM_CHUNK), response)

    async def get_json(
        self, service: str, path_and_query: str, *, headers: list[tuple[str, str]]
    ) -> tuple[int, object]:
        """A small JSON read (OpenAPI documents, dead-letter lists), retried like any read."""
        answer = await self.send(service, "GET", path_and_query, headers=headers, body=None)
        try:
            if answer.body is not None:
                raw = answer.body
            else:
                assert answer.stream is not None
                raw = b"".join([chunk async for chunk in answer.stream])
        finally:
            answer.release()
        try:
            return answer.status, json.loads(raw) if raw else None
        except ValueError as exc:
            raise ServiceUnavailable(f"{service} 服务返回了无法解析的内容", service=service) from exc
