"""Prefill sources (数据跑代替群众跑): the login identity, the applicant's electronic licences,
shared-data providers over HTTP, and a built-in sample registry for the embedded default. Each is
pluggable by field key; each value keeps its source, and values from an authoritative registry
are marked as such."""

import logging
import time
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

import httpx

from intake_svc.licences.kinds import HeldLicence, fillable_keys, kind_of, values_from
from intake_svc.prefill.samples import SAMPLE_ENTERPRISES, SAMPLE_PEOPLE

log = logging.getLogger("intake_svc.prefill")


@dataclass(frozen=True)
class Subject:
    """Whose data to look up: the applicant (not the clerk who may be typing for them)."""

    subject: str
    kind: str  # person | company
    name: str | None = None
    phone: str | None = None
    # The login itself proved who this is (not a clerk's entry on someone's behalf).
    verified: bool = False
    # The applicant's licences in force, read once per draft evaluation (for prefill and 免提交).
    licences: tuple[HeldLicence, ...] = ()


@dataclass(frozen=True)
class Prefilled:
    value: Any
    source: str
    authoritative: bool


class PrefillProvider(Protocol):
    name: str

    def handles(self, key: str) -> bool: ...

    async def lookup(self, subject: Subject, keys: list[str]) -> dict[str, Prefilled]: ...


class IdentityProvider:
    """From the login identity; authoritative only when the applicant logged in themselves."""

    name = "identity"
    _PERSON: ClassVar[dict[str, str]] = {
        "applicant.name": "name",
        "applicant.id_number": "subject",
        "applicant.phone": "phone",
    }
    _COMPANY: ClassVar[dict[str, str]] = {
        "company.uscc": "subject",
        "company.name": "name",
        "company.contact_phone": "phone",
        "applicant.phone": "phone",
    }

    def handles(self, key: str) -> bool:
        return key in self._PERSON or key in self._COMPANY

    async def lookup(self, subject: Subject, keys: list[str]) -> dict[str, Prefilled]:
        mapping = self._COMPANY if subject.kind == "company" else self._PERSON
        source = "identity" if subject.verified else "clerk_entry"
        found: dict[str, Prefilled] = {}
        for key in keys:
            attribute = mapping.get(key)
            value = getattr(subject, attribute) if attribute else None
            if value:
                # A login proves who the subject is; name and phone come from the account, not a registry.
                trusted = subject.verified and attribute == "subject"
                found[key] = Prefilled(value, source, trusted)
        return found


class LicenceProvider:
    """From the face data of the applicant's electronic licences; authoritative (the issuing
    department vouches for them), each value's source naming the licence type and number."""

    name = "licence"

    def __init__(self) -> None:
        self._keys = fillable_keys()

    def handles(self, key: str) -> bool:
        return key in self._keys

    async def lookup(self, subject: Subject, keys: list[str]) -> dict[str, Prefilled]:
        found: dict[str, Prefilled] = {}
        for licence in subject.licences:
            kind = kind_of(licence)
            if kind is None:
                continue
            for key, value in values_from(licence, kind).items():
                if key in keys and key not in found:
                    found[key] = Prefilled(value, licence.source, True)
        return found


class SampleRegistryProvider:
    """Built-in sample 人口库 and 法人库 so the embedded default shows real prefill; authoritative."""

    name = "sample_registry"

    def handles(self, key: str) -> bool:
        return key.startswith(("applicant.", "company.", "household."))

    async def lookup(self, subject: Subject, keys: list[str]) -> dict[str, Prefilled]:
        record = (SAMPLE_ENTERPRISES if subject.kind == "company" else SAMPLE_PEOPLE).get(subject.subject.upper())
        if record is None:
            return {}
        return {key: Prefilled(record[key], self.name, True) for key in keys if key in record}


class CircuitBreaker:
    """Open after `failures` errors in a row; while open the provider is skipped; one trial after cool-down."""

    def __init__(self, *, failures: int, cooldown_seconds: float):
        self.threshold = failures
        self.cooldown = cooldown_seconds
        self.failures = 0
        self.opened_at: float | None = None

    @property
    def allows(self) -> bool:
        return self.opened_at is None or time.monotonic() - self.opened_at >= self.cooldown

    def success(self) -> None:
        self.failures = 0
        self.opened_at = None

    def failure(self) -> None:
        self.failures += 1
        if self.failures >= self.threshold:
            self.opened_at = time.monotonic()


class HttpProvider:
    """A shared-data provider over HTTP for the fields under one key prefix.

    Contract: `POST {url}/lookup {"subject", "kind", "fields": [keys]}` → `{"values": {key: value}}`.
    Its values are authoritative (they come from the registry that owns them).
    """

    def __init__(
        self,
        name: str,
        url: str,
        *,
        prefix: str,
        timeout: float,
        breaker: CircuitBreaker,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.name = name
        self.prefix = prefix if prefix.endswith(".") else prefix + "."
        self.breaker = breaker
        self._http = httpx.AsyncClient(base_url=url, timeout=timeout, transport=transport)

    def handles(self, key: str) -> bool:
        return key.startswith(self.prefix)

    async def lookup(self, subject: Subject, keys: list[str]) -> dict[str, Prefilled]:
        if not self.breaker.allows:
            return {}
        try:
            response = await self._http.post(
                "/lookup", json={"subject": subject.subject, "kind": subject.kind, "fields": keys}
            )
            response.raise_for_status()
            values = response.json().get("values") or {}
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            # A provider that is down leaves its fields for the applicant to fill; the draft goes on.
            self.breaker.failure()
            log.warning("prefill provider %s failed: %r", self.name, exc)
            return {}
        self.breaker.success()
        return {k: Prefilled(v, self.name, True) for k, v in values.items() if k in keys and v not in (None, "")}

    async def close(self) -> None:
        await self._http.aclose()


class Prefiller:
    """Asks every provider for the fields it handles and keeps, per field, the best value:
    authoritative before not, then in provider order."""

    def __init__(self, providers: list[PrefillProvider]):
        self.providers = providers

    async def prefill(self, subject: Subject, keys: list[str]) -> dict[str, Prefilled]:
        chosen: dict[str, Prefilled] = {}
        for provider in self.providers:
            wanted = [k for k in keys if provider.handles(k) and not _settled(chosen.get(k))]
            if not wanted:
                continue
            for key, found in (await provider.lookup(subject, wanted)).items():
                current = chosen.get(key)
                if current is None or (found.authoritative and not current.authoritative):
                    chosen[key] = found
        return chosen

    async def close(self) -> None:
        for provider in self.providers:
            close = getattr(provider, "close", None)
            if close is not None:
                await close()


def _settled(value: Prefilled | None) -> bool:
    return value is not None and value.authoritative
