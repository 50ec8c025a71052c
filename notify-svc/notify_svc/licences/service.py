"""Storing what departments issue, listing a holder's licences, verifying one for another system."""

import hashlib
import re
import uuid
import zlib
from datetime import date, datetime, timedelta, timezone
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from notify_svc.common.persistence import insert_once
from notify_svc.licences import repository
from notify_svc.licences.models import Licence
from notify_svc.licences.schemas import LicenceIssued, LicenceVerification
from onevisit.events import Applicant, TaskResultSummary

CHINA = timezone(timedelta(hours=8))
_RESIDENT_ID = re.compile(r"^\d{17}[\dX]$")
_USCC = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$")
_CHECK_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def holder_hash(holder_code: str) -> str:
    """What verifiers send instead of the holder's ID: sha256 of the upper-cased code, in hex."""
    return hashlib.sha256(holder_code.strip().upper().encode()).hexdigest()


def holder_code_type(code: str) -> str:
    if _RESIDENT_ID.match(code):
        return "居民身份证"
    if _USCC.match(code):
        return "统一社会信用代码"
    return "其他证件"


def licence_identifier(type_code: str, issuer_code: str, number: str, version: str = "001") -> str:
    """电子证照标识 in the shape of the national platform's (OID root 1.2.156.3005.2); the check
    character is a CRC over the rest, ours, not the standard's algorithm."""
    body = f"1.2.156.3005.2.{type_code}.{issuer_code}.{number}.{version}"
    return f"{body}.{_CHECK_CHARS[zlib.crc32(body.encode()) % 36]}"


async def store_from_result(
    session: AsyncSession,
    *,
    application_id: uuid.UUID,
    result: TaskResultSummary,
    applicant: Applicant,
    issued_at: datetime,
) -> Licence | None:
    """Store the licence of one task result, once: its number is unique, so a redelivery adds nothing."""
    if result.licence is None or result.status != "approved":
        return None
    issued = LicenceIssued.model_validate(result.licence)
    number = issued.number or f"{result.item_code}-{result.task_id.hex[:12].upper()}"
    existing = await repository.by_number(session, number=number)
    if existing is not None:
        return existing
    type_code = issued.type_code or result.item_code
    issuer_code = issued.issuer_code or result.department_code
    holder = (issued.holder_code or applicant.subject).strip().upper()
    issue_date = issued.issue_date or issued_at.astimezone(CHINA).date()
    licence = Licence(
        identifier=issued.identifier or licence_identifier(type_code, issuer_code, number),
        type_name=issued.type_name or result.item_code,
        type_code=type_code,
        number=number,
        issuer_name=issued.issuer_name or result.department_code,
        issuer_code=issuer_code,
        issue_date=issue_date,
        holder_name=issued.holder_name or applicant.name,
        holder_code=holder,
        holder_code_type=issued.holder_code_type or holder_code_type(holder),
        holder_hash=holder_hash(holder),
        valid_from=issued.valid_from or issue_date,
        valid_until=issued.valid_until,
        jurisdiction=issued.jurisdiction,
        data=issued.data,
        file_url=issued.file_url,
        application_id=application_id,
        task_id=result.task_id,
        item_code=result.item_code,
        department_code=result.department_code,
    )
    if not await insert_once(session, licence):
        return await repository.by_number(session, number=number)
    return licence


async def list_for_holder(session: AsyncSession, *, holder_code: str) -> list[Licence]:
    return list(await repository.by_holder(session, holder_code=holder_code.strip().upper()))


async def verify(session: AsyncSession, *, number: str, holder: str, today: date | None = None) -> LicenceVerification:
    """Valid only if the number exists, belongs to the hashed holder, is not revoked and not expired.
    A mismatch reveals nothing about the licence."""
    licence = await repository.by_number(session, number=number)
    if licence is None:
        return LicenceVerification(number=number, valid=False, reason="not_found")
    if licence.holder_hash != holder.strip().lower():
        return LicenceVerification(number=number, valid=False, reason="holder_mismatch")
    today = today or datetime.now(CHINA).date()
    reason = None
    if licence.status != "valid":
        reason = "revoked"
    elif licence.valid_until is not None and licence.valid_until < today:
        reason = "expired"
    return LicenceVerification(
        number=number,
        valid=reason is None,
        reason=reason,
        type_name=licence.type_name,
        issuer_name=licence.issuer_name,
        issue_date=licence.issue_date,
        valid_until=licence.valid_until,
    )


def summary(licence: Licence) -> dict[str, Any]:
    """The short form shown inside a delivery."""
    return {
        "identifier": licence.identifier,
        "number": licence.number,
        "type_name": licence.type_name,
        "issuer_name": licence.issuer_name,
        "issue_date": licence.issue_date.isoformat(),
        "item_code": licence.item_code,
    }
