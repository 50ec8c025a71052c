"""The applicant's electronic licences, read from notify-svc (which stores what departments issue).

Intake asks as the applicant: notify lists only the caller's own licences, so intake mints a
short-lived internal identity for the applicant with the internal secret (as the gateway would),
marked with intake's client id. Notify being slow or down costs the applicant only the prefill
and the 免提交 of this draft: it never fails the draft.
"""

import logging
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol

import httpx

from intake_svc.licences.kinds import HeldLicence
from intake_svc.prefill.providers import CircuitBreaker, Subject
from onevisit.auth import IDENTITY_HEADER, Identity, encode_internal_identity

log = logging.getLogger("intake_svc.licences")

CHINA = timezone(timedelta(hours=8))


class LicenceSource(Protocol):
    async def held_by(self, subject: Subject) -> list[HeldLicence]: ...

    async def close(self) -> None: ...


class NoLicences:
    """A deployment without notify-svc: nobody holds a licence we can see."""

    async def held_by(self, subject: Subject) -> list[HeldLicence]:
        return []

    async def close(self) -> None:
        return None


class NotifyLicences:
    """`GET /v1/licences` on notify-svc, as the applicant, with a timeout and a circuit breaker."""

    def __init__(
        self,
        base_url: str,
        *,
        internal_secret: str,
        timeout: float,
        breaker: CircuitBreaker,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self._secret = internal_secret
        self.breaker = breaker
        self._http = httpx.AsyncClient(base_url=base_url, timeout=timeout, transport=transport)

    async def held_by(self, subject: Subject) -> list[HeldLicence]:
        """The applicant's licences in force today; empty when notify cannot answer."""
        if not self.breaker.allows:
            return []
        try:
            response = await self._http.get("/v1/licences", headers={IDENTITY_HEADER: self._token_for(subject)})
            response.raise_for_status()
            items = response.json()["items"]
            held = [_held(item) for item in items if _in_force(item)]
        except (httpx.HTTPError, ValueError, KeyError, TypeError) as exc:
            self.breaker.failure()
            log.warning("licences of the applicant could not be read from notify-svc: %r", exc)
            return []
        self.breaker.success()
        return held

    def _token_for(self, subject: Subject) -> str:
        identity = Identity(
            subject=subject.subject,
            role="company" if subject.kind == "company" else "citizen",
            name=subject.name,
            client_id="intake-svc",
        )
        return encode_internal_identity(identity, self._secret)

    async def close(self) -> None:
        await self._http.aclose()


def _in_force(item: dict[str, Any]) -> bool:
    """Revoked or expired licences satisfy nothing and prefill nothing."""
    if item.get("status", "valid") != "valid":
        return False
    valid_until = item.get("valid_until")
    return valid_until is None or date.fromisoformat(valid_until) >= datetime.now(CHINA).date()


def _held(item: dict[str, Any]) -> HeldLicence:
    valid_until = item.get("valid_until")
    return HeldLicence(
        type_code=item["type_code"],
        type_name=item["type_name"],
        number=item["number"],
        identifier=item.get("identifier"),
        issuer_name=item.get("issuer_name"),
        valid_until=date.fromisoformat(valid_until) if valid_until else None,
        data=item.get("data") or {},
    )
