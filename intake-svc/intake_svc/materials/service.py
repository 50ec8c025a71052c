"""Uploads (一套材料), signed downloads for departments, commitments (告知承诺)."""

import logging
import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from intake_svc.applications.models import Application
from intake_svc.materials import repository
from intake_svc.materials.errors import (
    CommitmentExists,
    CommitmentNotAllowed,
    MaterialNotRequested,
    MaterialsClosed,
    MaterialStorageFailed,
    MaterialTooLarge,
    UnsupportedMaterialType,
)
from intake_svc.materials.incoming import IncomingFile
from intake_svc.materials.models import Commitment, MaterialFile
from intake_svc.materials.schemas import CommitmentCreate, MaterialRead
from intake_svc.materials.storage import Storage, StorageError
from onevisit.auth import Identity
from onevisit.db import utcnow

log = logging.getLogger("intake_svc.materials")


def _accepts_uploads(application: Application) -> bool:
    """A draft; after submit only to answer a correction request or an open deficiency."""
    if application.status in {"draft", "correction_requested"}:
        return True
    open_deficiency = any(not d.get("supplied") for d in application.deficiencies)
    return application.status in {"submitted", "in_progress"} and open_deficiency


async def upload(
    session: AsyncSession,
    *,
    storage: Storage,
    application: Application,
    identity: Identity,
    material_code: str,
    file: IncomingFile,
    max_bytes: int,
) -> MaterialRead:
    if not _accepts_uploads(application):
        raise MaterialsClosed()
    material = next((m for m in application.materials if m["code"] == material_code), None)
    if material is None or material.get("issued_by_item"):
        # A material an earlier item issues is never asked for; one not in the set is not needed.
        raise MaterialNotRequested(f"本申请不需要提交材料 {material_code}")
    if file.size > max_bytes:
        raise MaterialTooLarge(f"材料文件不能超过 {max_bytes // (1024 * 1024)} MB", max_bytes=max_bytes)
    if file.content_type is None:
        raise UnsupportedMaterialType("仅支持 PDF、JPEG、PNG、OFD 格式的文件（按文件内容识别）")
    file_id = uuid.uuid4()
    key = f"{application.id}/{file_id}"
    # The file is stored whole before its record exists: a failure on the way leaves no record
    # that points at nothing; a record that cannot be written takes its file with it.
    try:
        await storage.put(key, file.chunks(), size=file.size, sha256=file.sha256)
    except (OSError, StorageError) as exc:
        log.error("material %s of application %s not stored: %r", key, application.id, exc)
        raise MaterialStorageFailed() from exc
    record = MaterialFile(
        id=file_id,
        application_id=application.id,
        material_code=material_code,
        filename=(file.filename or material_code)[:255],
        content_type=file.content_type,
        size=file.size,
        sha256=file.sha256,
        storage_key=key,
        uploaded_by=identity.subject,
        uploaded_at=utcnow(),
        superseded=False,
    )
    repository.add_file(session, record)
    try:
        await session.flush()
    except Exception:
        await storage.delete(key)
        raise
    return MaterialRead(
        id=record.id,
        material_code=record.material_code,
        filename=record.filename,
        content_type=record.content_type,
        size=record.size,
        sha256=record.sha256,
        uploaded_at=record.uploaded_at,
        items=list(material.get("items") or []),
    )


async def commit_to(
    session: AsyncSession, *, application: Application, identity: Identity, body: CommitmentCreate
) -> Commitment:
    """Sign a commitment for a material the catalog lets a promise replace."""
    if application.status != "draft":
        raise MaterialsClosed("申请提交后不能再签署告知承诺")
    material = next((m for m in application.materials if m["code"] == body.material_code), None)
    if material is None or not material.get("commitment_allowed"):
        raise CommitmentNotAllowed(f"材料 {body.material_code} 不能以告知承诺代替")
    if await repository.get_commitment(session, application.id, body.material_code) is not None:
        raise CommitmentExists()
    commitment = Commitment(
        application_id=application.id,
        material_code=body.material_code,
        text=body.text,
        signed_by=identity.subject,
        signed_name=identity.name,
        signed_at=utcnow(),
    )
    repository.add_commitment(session, commitment)
    await session.flush()
    return commitment
