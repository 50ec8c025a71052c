"""The proxy pipeline: rate limit by IP, authenticate, rate limit by caller, authorize, check the
body size, forward to the service with the internal identity, pass the answer back."""

import os
from collections.abc import AsyncIterator

from starlette.background import BackgroundTask
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from gateway.limits import BodyTooLarge
from gateway.routing import RULES, Rule, authorize, match_rule
from gateway.security import Caller, authenticate, needs_body, path_with_query
from gateway.state import GatewayState
from onevisit.auth import IDENTITY_HEADER, encode_internal_identity
from onevisit.errors import Forbidden, NotFound, OneVisitError
from onevisit.logging import request_id_var

# Never forwarded either way: connection-level headers, and credentials the services must not see
# (they trust only the internal identity the gateway signs).
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailer",
        "trailers",
        "transfer-encoding",
        "upgrade",
        "host",
        "content-length",
        "authorization",
        "cookie",
        IDENTITY_HEADER.lower(),
        "x-request-id",
        "x-forwarded-for",
        "x-forwarded-proto",
        "x-forwarded-host",
    }
)
RESPONSE_DROPPED = frozenset(
    {
        b"connection",
        b"keep-alive",
        b"proxy-authenticate",
        b"transfer-encoding",
        b"upgrade",
        b"x-request-id",
        b"set-cookie",
        b"server",
        b"date",
    }
)
XROAD_CLIENT = "x-road-client"
# Bodies up to this size are read whole before forwarding; bigger ones stream through.
BUFFERED_BODY = 256 * 1024


class PathNotFound(NotFound):
    code = "path_not_found"
    title = "接口不存在"


class MethodNotAllowed(OneVisitError):
    status = 405
    code = "method_not_allowed"
    title = "不支持该请求方法"


class CallingSystemMismatch(Forbidden):
    code = "calling_system_mismatch"
    title = "调用方系统标识与密钥不符"


def client_ip(request: Request) -> str:
    return request.client.host if request.client else "unknown"


def _route(method: str, path: str) -> Rule:
    rule = match_rule(method, path)
    if rule is not None:
        return rule
    if any(candidate.pattern.match(path) for candidate in RULES):
        raise MethodNotAllowed(f"{path} 不支持 {method}")
    raise PathNotFound(f"{path} 不存在")


def _declared_length(request: Request) -> int | None:
    value = request.headers.get("content-length")
    return int(value) if value and value.isdigit() else None


async def _read_bounded(request: Request, limit: int) -> bytes:
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(f"请求内容超过 {limit} 字节的上限")
        chunks.append(chunk)
    return b"".join(chunks)


class _BoundedStream:
    """Streams an upload to the service, stopping at the limit (chunked bodies declare no length)."""

    def __init__(self, request: Request, limit: int):
        self.request = request
        self.limit = limit
        self.exceeded = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        size = 0
        async for chunk in self.request.stream():
            size += len(chunk)
            if size > self.limit:
                self.exceeded = True
                raise BodyTooLarge(f"请求内容超过 {self.limit} 字节的上限")
            yield chunk


def _traceparent(request: Request) -> str:
    incoming = request.headers.get("traceparent")
    if incoming:
        return incoming
    return f"00-{os.urandom(16).hex()}-{os.urandom(8).hex()}-01"


def _upstream_headers(
    request: Request, caller: Caller, gateway: GatewayState, keep_length: bool
) -> list[tuple[str, str]]:
    headers = [(name, value) for name, value in request.headers.items() if name not in HOP_BY_HOP]
    if caller.identity is None or not caller.identity.client_id:
        # Only an authenticated system may name itself as the calling system.
        headers = [(name, value) for name, value in headers if name != XROAD_CLIENT]
    if keep_length and "content-length" in request.headers:
        headers.append(("content-length", request.headers["content-length"]))
    forwarded_for = request.headers.get("x-forwarded-for")
    ip = client_ip(request)
    headers += [
        ("x-request-id", request_id_var.get() or ""),
        ("traceparent", _traceparent(request)),
        ("x-forwarded-for", f"{forwarded_for}, {ip}" if forwarded_for else ip),
        ("x-forwarded-proto", request.url.scheme),
    ]
    if caller.identity is not None:
        token = encode_internal_identity(caller.identity, gateway.settings.internal_secret)
        headers.append((IDENTITY_HEADER, token))
    return headers


async def proxy(request: Request, gateway: GatewayState) -> Response:
    """Send one public request to its service and return the service's answer."""
    method, path = request.method, request.url.path
    rule = _route(method, path)
    request.state.service = rule.service
    gateway.limiter.check_ip(client_ip(request))
    limit = gateway.settings.max_upload_bytes if rule.upload else gateway.settings.max_body_bytes
    declared = _declared_length(request)
    if declared is not None and declared > limit:
        raise BodyTooLarge(f"请求内容 {declared} 字节，超过 {limit} 字节的上限")

    has_body = declared not in (None, 0) or "transfer-encoding" in request.headers
    body: bytes | _BoundedStream | None = None
    if needs_body(request) or (has_body and declared is not None and declared <= BUFFERED_BODY):
        body = await _read_bounded(request, limit)
    elif has_body:
        body = _BoundedStream(request, limit)

    caller = await authenticate(request, body=body if isinstance(body, bytes) else None)
    request.state.caller = caller
    if caller.rate_key:
        gateway.limiter.check_caller(caller.rate_key)
    authorize(rule, method, caller.identity)
    calling_system = request.headers.get(XROAD_CLIENT)
    if calling_system and caller.identity and caller.identity.client_id and calling_system != caller.identity.client_id:
        raise CallingSystemMismatch(f"X-Road-Client {calling_system} 与签名密钥所属系统不一致")

    headers = _upstream_headers(request, caller, gateway, keep_length=isinstance(body, _BoundedStream))
    try:
        answer = await gateway.upstream.send(
            rule.service,
            method,
            path_with_query(request),
            headers=headers,
            body=body,
        )
    except Exception:
        if isinstance(body, _BoundedStream) and body.exceeded:
            raise BodyTooLarge(f"请求内容超过 {limit} 字节的上限") from None
        raise
    response_headers = [(name, value) for name, value in answer.headers if name.lower() not in RESPONSE_DROPPED]
    if answer.body is not None:
        response = Response(answer.body, status_code=answer.status)
        if method == "HEAD":
            # A HEAD answer has no body but the Content-Length of the GET it stands for.
            response.raw_headers = response_headers
            return response
        response.raw_headers = [(n, v) for n, v in response_headers if n.lower() != b"content-length"]
        response.raw_headers.append((b"content-length", str(len(answer.body)).encode()))
        return response
    assert answer.stream is not None
    streaming = StreamingResponse(answer.stream, status_code=answer.status, background=BackgroundTask(answer.release))
    streaming.raw_headers = response_headers
    return streaming
