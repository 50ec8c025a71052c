"""Materials API: uploads and commitments of an application; signed downloads for departments."""

import uuid
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response

from intake_svc.applications.router import changeable
from intake_svc.applications.schemas import CommitmentRead
from intake_svc.deps import StorageDep
from intake_svc.materials import repository, service
from intake_svc.materials.errors import LinkInvalid, MaterialNotFound
from intake_svc.materials.schemas import CommitmentCreate, MaterialRead
from intake_svc.settings import Settings
from onevisit.auth import CurrentIdentity
from onevisit.service import RuntimeDep, SessionDep
from onevisit.signing import verify_signed_path

router = APIRouter(tags=["materials"])


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
    # One byte more than allowed is enough to know the file is too large.
    data = await file.read(settings.max_upload_bytes + 1)
    return await service.upload(
        session,
        storage=storage,
        application=application,
        identity=identity,
        material_code=material_code,
        filename=file.filename or "",
        data=data,
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
    response_class=Response,
    responses={200: {"content": {"application/pdf": {}, "image/jpeg": {}, "image/png": {}, "application/ofd": {}}}},
)
async def download_material(
    material_id: uuid.UUID,
    expires: int,
    sig: str,
    session: SessionDep,
    storage: StorageDep,
    runtime: RuntimeDep,
) -> Response:
    """Download a material file by the signed, expiring link dispatch hands to the department."""
    path = f"/v1/materials/{material_id}/content"
    if not verify_signed_path(path, expires=expires, sig=sig, secret=runtime.settings.internal_secret):
        raise LinkInvalid()
    record = await repository.get_file(session, material_id)
    if record is None:
        raise MaterialNotFound()
    data = await storage.get(record.storage_key)
    return Response(
        data,
        media_type=record.content_type,
        headers={"ETag": f'"{record.sha256}"', "Cache-Control": "private, no-store"},
    )
