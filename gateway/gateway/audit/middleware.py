"""Records every write (POST, PUT, PATCH, DELETE) after it is answered: who, what, when, from
which system, with which request id, and the X-Road context (end user, application)."""

import logging
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from gateway.audit import repository
from gateway.audit.models import AuditEntry
from gateway.security import transaction
from onevisit.logging import request_id_var

log = logging.getLogger("gateway.audit")
WRITES = frozenset({"POST", "PUT", "PATCH", "DELETE"})
APPLICATION_IN_PATH = re.compile(r"^/v1/applications/([^/]+)")


def _header(headers: dict[bytes, bytes], name: bytes, limit: int = 100) -> str | None:
    value = headers.get(name)
    return value.decode("latin-1")[:limit] if value else None


class AuditMiddleware:
    """Pure ASGI, just inside the request-id middleware (so the request id is known) and outside
    the error handlers (so it sees the final status) and the caller the request handling
    established (request.state.caller)."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] not in WRITES:
            await self.app(scope, receive, send)
            return
        status = 500

        async def remember_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, remember_status)
        finally:
            await self._record(scope, status)

    async def _record(self, scope: Scope, status: int) -> None:
        state = scope.get("state") or {}
        caller = state.get("caller")
        identity = caller.identity if caller is not None else None
        headers = dict(scope.get("headers") or [])
        path = scope["path"][:500]
        in_path = APPLICATION_IN_PATH.match(path)
        entry = AuditEntry(
            method=scope["method"],
            path=path,
            status=status,
            service=state.get("service"),
            subject=identity.subject if identity else None,
            role=identity.role if identity else None,
            department=identity.department if identity else None,
            client_id=identity.client_id if identity else None,
            request_id=request_id_var.get(),
            end_user_id=_header(headers, b"x-road-userid"),
            application_id=_header(headers, b"x-road-issue") or (in_path.group(1)[:100] if in_path else None),
            ip=scope["client"][0] if scope.get("client") else None,
        )
        # The log formatter masks resident ID and phone numbers in this line.
        log.info(
            "audit %s %s %s by %s:%s client=%s end_user=%s application=%s",
            entry.method,
            entry.path,
            entry.status,
            entry.role,
            entry.subject,
            entry.client_id,
            entry.end_user_id,
            entry.application_id,
        )
        try:
            async with transaction(scope["app"].state.runtime.session_factory) as session:
                repository.add(session, entry)
        except Exception:
            # The answer is already sent; a lost audit row must at least be loud in the logs.
            log.exception("audit entry not stored for %s %s", entry.method, entry.path)
