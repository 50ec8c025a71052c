"""Provider adapters: one per channel, chosen by settings. The sender never knows which one runs.

A provider answers with the status the message reached (`sending` when only accepted,
`delivered`, `temporary-failure`, `permanent-failure`), or raises `ProviderError` for a
technical failure that is worth retrying (timeouts, 5xx, 429).
"""

import logging
import uuid
from dataclasses import dataclass
from typing import Protocol

import httpx

from notify_svc.notifications.models import DELIVERED, PERMANENT_FAILURE, SENDING, TEMPORARY_FAILURE
from notify_svc.settings import Settings

log = logging.getLogger("notify_svc.providers")


@dataclass(frozen=True)
class OutgoingMessage:
    id: uuid.UUID
    channel: str
    to: str | None
    recipient_subject: str
    title: str
    body: str
    reference: str
    attempt: int


@dataclass(frozen=True)
class SendOutcome:
    status: str
    provider_reference: str | None = None
    detail: str | None = None


class ProviderError(Exception):
    """A technical failure (provider down, timeout, 5xx): retried with backoff, a bounded number of times."""


class Provider(Protocol):
    name: str

    async def send(self, message: OutgoingMessage) -> SendOutcome: ...


class InboxProvider:
    """The in-app inbox: the notification row is the message, so handing it over is delivering it."""

    name = "inbox"

    async def send(self, message: OutgoingMessage) -> SendOutcome:
        return SendOutcome(DELIVERED, provider_reference=str(message.id))


class LoggingProvider:
    """The embedded default for SMS and mini-program messages: writes the message to the log."""

    def __init__(self, channel: str):
        self.name = f"logging-{channel}"

    async def send(self, message: OutgoingMessage) -> SendOutcome:
        log.info("notification %s via %s to %s: %s", message.id, self.name, _mask(message.to), message.title)
        return SendOutcome(DELIVERED, provider_reference=f"log-{message.id}")


class HttpProvider:
    """A generic HTTP SMS / subscription-message gateway.

    POSTs `{"id", "to", "recipient", "title", "content", "reference"}` with a bearer token; a 2xx
    answer `{"id", "status": "delivered"|"accepted"|"temporary-failure"|"permanent-failure"}`.
    A 400/404/422 means the message can never go (bad number): permanent-failure.
    """

    def __init__(self, *, name: str, url: str, token: str, transport: httpx.AsyncBaseTransport | None = None):
        if not url:
            raise ValueError(f"provider {name} needs a URL")
        self.name = name
        self.url = url
        self._client = httpx.AsyncClient(
            transport=transport, timeout=10, headers={"Authorization": f"Bearer {token}"} if token else {}
        )

    async def send(self, message: OutgoingMessage) -> SendOutcome:
        body = {
            "id": str(message.id),
            "to": message.to,
            "recipient": message.recipient_subject,
            "title": message.title,
            "content": message.body,
            "reference": message.reference,
        }
        try:
            response = await self._client.post(self.url, json=body, headers={"Idempotency-Key": str(message.id)})
        except httpx.HTTPError as exc:
            raise ProviderError(f"{self.name} unreachable: {exc!r}") from exc
        if response.status_code in (400, 404, 422):
            return SendOutcome(PERMANENT_FAILURE, detail=f"{self.name} refused: {response.text[:200]}")
        if response.status_code >= 300:
            raise ProviderError(f"{self.name} answered {response.status_code}")
        try:
            answer = response.json()
        except ValueError as exc:
            raise ProviderError(f"{self.name} answered no JSON") from exc
        status = {"accepted": SENDING, "sending": SENDING}.get(answer.get("status"), answer.get("status"))
        if status not in (SENDING, DELIVERED, TEMPORARY_FAILURE, PERMANENT_FAILURE):
            raise ProviderError(f"{self.name} answered an unknown status {answer.get('status')!r}")
        return SendOutcome(status, provider_reference=answer.get("id"))

    async def close(self) -> None:
        await self._client.aclose()


# Test mode (never in production): these numbers make every provider behave as named, so the
# failure paths can be shown and tested end to end without a real gateway.
TEST_PERMANENT_FAILURE = "13900000001"  # the number does not exist
TEST_TEMPORARY_FAILURE = "13900000002"  # the phone is off for days
TEST_TECHNICAL_FAILURE = "13900000003"  # the provider errors on every attempt
TEST_FAILS_ONCE = "13900000004"  # the provider errors on the first attempt only
TEST_NUMBERS = (TEST_PERMANENT_FAILURE, TEST_TEMPORARY_FAILURE, TEST_TECHNICAL_FAILURE, TEST_FAILS_ONCE)


class TestModeProvider:
    """Wraps a provider; the special numbers above never reach it."""

    __test__ = False  # not a pytest class

    def __init__(self, inner: Provider):
        self.inner = inner
        self.name = inner.name

    async def send(self, message: OutgoingMessage) -> SendOutcome:
        if message.to == TEST_PERMANENT_FAILURE:
            return SendOutcome(PERMANENT_FAILURE, detail="测试号码：号码不存在")
        if message.to == TEST_TEMPORARY_FAILURE:
            return SendOutcome(TEMPORARY_FAILURE, detail="测试号码：用户关机")
        if message.to == TEST_TECHNICAL_FAILURE or (message.to == TEST_FAILS_ONCE and message.attempt == 1):
            raise ProviderError("测试号码：服务商故障")
        return await self.inner.send(message)


def build_providers(settings: Settings, transport: httpx.AsyncBaseTransport | None = None) -> dict[str, Provider]:
    """One provider per channel, from settings; `transport` reaches HTTP providers (tests mock them)."""

    def outside(channel: str, kind: str, url: str, token: str) -> Provider:
        inner: Provider = (
            HttpProvider(name=f"http-{channel}", url=url, token=token, transport=transport)
            if kind == "http"
            else LoggingProvider(channel)
        )
        return TestModeProvider(inner) if settings.provider_test_mode else inner

    return {
        "inbox": InboxProvider(),
        "sms": outside("sms", settings.sms_provider, settings.sms_http_url, settings.sms_http_token),
        "mini_program": outside(
            "mini_program", settings.mini_program_provider, settings.mini_program_http_url, settings.sms_http_token
        ),
    }


def _mask(value: str | None) -> str:
    if not value:
        return "-"
    return value[:3] + "****" + value[-4:] if len(value) >= 11 else "****"
