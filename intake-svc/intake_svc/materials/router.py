"""Materials API: uploads and commitments of an application; signed downloads for departments."""

import logging
import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import StreamingResponse

from intake_svc.applications.router import changeable
from intake_svc.applications.schemas import CommitmentRead
from intake_svc.deps import StorageDep
from intake_svc.materials import repository, service
from intake_svc.materials.errors import LinkInvalid, MaterialNotFound, MaterialStorageFailed
from intake_svc.materials.incoming import receive
from intake_svc.materials.schemas import CommitmentCreate, MaterialRead
from intake_svc.materials.storage import StorageError, StoredObjectMissing
from intake_svc.settings import Settings
from onevisit.auth import CurrentIdentity
from onevisit.service import RuntimeDep, SessionDep
from onevisit.signing import verify_signed_path

router = APIRouter(tags=["materials"])
log = logging.getLogger("intake_svc.materials")


@router.post("/v1/applications/{application_id}/materials", status_code=201, response_model=MaterialRead)
async def upload_material(
    application_id: uuid.UUID,
    material_code: Annotated[str, Form(min_length=1, max_length=50, examples=["BIRTH_MED_CERT"])],
    file: Annotated[UploadFile, File(description="PDF, JPEG, PNG or OFD; the type is read from the content")],
    session: SessionDep,
    identity: CurrentIdentity,
    storage: StorageDep,
    runtime: RuntimeDep,
) -> MaterialRead:
    """Upload one material file (size limit, type by content, SHA-256); it serves every item needing it."""
    settings: Settings = runtime.settings  # type: ignore[assignment]
    application = await changeable(session, application_id, identity)
    return await service.upload(
        session,
        storage=storage,
        application=application,
        identity=identity,
        material_code=material_code,
        file=await receive(file),
        max_bytes=settings.max_upload_bytes,
    )


@router.post("/v1/applications/{application_id}/commitments", status_code=201, response_model=CommitmentRead)
async def sign_commitment(
    application_id: uuid.UUID, body: CommitmentCreate, session: SessionDep, identity: CurrentIdentity
) -> CommitmentRead:
    """Sign a commitment (告知承诺) in place of a material the catalog allows it for."""
    application = await changeable(session, application_id, identity)
    commitment = await service.commit_to(session, application=application, identity=identity, body=body)
    return CommitmentRead.model_validate(commitment)


@router.get(
    "/v1/materials/{material_id}/content",
    response_class=StreamingResponse,
    responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}, "application/ofd": {}}}},
)
async def download_material(
    material_id: uuid.UUID,
    expires: int,
    sig: str,
    session: SessionDep,
    storage: StorageDep,
    runtime: RuntimeDep,
) -> StreamingResponse:
    """Download a material file by the signed, expiring link dispatch hands to the department."""
    path = f"/v1/materials/{material_id}/content"
    if not verify_signed_path(path, expires=expires, sig=sig, secret=runtime.settings.internal_secret):
        raise LinkInvalid()
    record = await repository.get_file(session, material_id)
    if record is None:
        raise MaterialNotFound()
    try:
        chunks = await storage.read(record.storage_key)
    except StoredObjectMissing as exc:
        log.error("material file %s has a record but no stored object: %r", material_id, exc)
        raise MaterialNotFound("材料文件已不在存储中") from exc
    except StorageError as exc:
        log.error("material file %s could not be read: %r", material_id, exc)
        raise MaterialStorageFailed("材料文件暂时无法读取，请稍后再试") from exc
    return StreamingResponse(
        chunks,
        media_type=record.content_type,
        headers={
            "Content-Length": str(record.size),
            "ETag": f'"{record.sha256}"',
            "Cache-Control": "private, no-store",
        },
    )
