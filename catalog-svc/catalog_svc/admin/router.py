"""Operations API (ops role): drafts, validation, publishing, diffs, YAML import and export,
and the shared dictionaries."""

from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Header, Query, Request, Response
from fastapi.responses import JSONResponse

from catalog_svc.admin import service
from catalog_svc.admin.schemas import (
    BUNDLE_DEFINITION_EXAMPLE,
    BUNDLE_YAML_EXAMPLE,
    DiffRead,
    DraftList,
    DraftRead,
    DraftSummary,
    PublishResult,
    ValidationReport,
)
from catalog_svc.bundles import repository
from catalog_svc.bundles import service as bundles
from catalog_svc.bundles.definition import BundleDefinition
from catalog_svc.bundles.models import Bundle
from catalog_svc.dictionaries import repository as dictionaries
from catalog_svc.dictionaries.schemas import DepartmentRecord, FieldRecord, MaterialRecord, SectionRecord
from catalog_svc.errors import BundleInvalid, DraftInvalid
from onevisit.auth import Identity, require_roles
from onevisit.errors import ProblemDetail
from onevisit.idempotency import record_response, recorded_response, request_fingerprint
from onevisit.service import SessionDep

Ops = Annotated[Identity, Depends(require_roles("ops"))]
router = APIRouter(prefix="/v1/admin/catalog", tags=["catalog admin"])
YAML_MEDIA_TYPE = "application/yaml"
# FastAPI merges openapi_extra into the generated operation, so this only adds the example.
_DEFINITION_BODY_EXAMPLE = {"requestBody": {"content": {"application/json": {"example": BUNDLE_DEFINITION_EXAMPLE}}}}


def _draft_read(bundle: Bundle) -> DraftRead:
    return DraftRead(
        code=bundle.code,
        current_version=bundle.current_version,
        draft_updated_at=bundle.draft_updated_at,
        draft_updated_by=bundle.draft_updated_by,
        definition=BundleDefinition.model_validate(bundle.draft),
    )


@router.get("/bundles", response_model=DraftList)
async def list_drafts(session: SessionDep, identity: Ops) -> DraftList:
    """List every bundle with its draft and current version."""
    rows = await repository.list_bundles(session)
    return DraftList(
        items=[
            DraftSummary(
                code=row.code,
                name=row.draft.get("name", row.code),
                current_version=row.current_version,
                draft_updated_at=row.draft_updated_at,
                draft_updated_by=row.draft_updated_by,
            )
            for row in rows
        ]
    )


@router.post("/bundles", response_model=DraftRead, status_code=201, openapi_extra=_DEFINITION_BODY_EXAMPLE)
async def create_draft(
    session: SessionDep,
    identity: Ops,
    definition: BundleDefinition,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key")] = None,
) -> Response:
    """Create the draft of a new bundle (409 if the code exists); an Idempotency-Key makes retries safe."""
    fingerprint = request_fingerprint(definition.canonical())
    scope = "catalog.create_draft"
    if idempotency_key:
        earlier = await recorded_response(session, scope=scope, key=idempotency_key, request_hash=fingerprint)
        if earlier is not None:
            return JSONResponse(earlier.response, status_code=earlier.status_code)
    bundle = await bundles.create_draft(session, definition=definition, actor=identity.subject)
    body = _draft_read(bundle).model_dump(mode="json")
    if idempotency_key:
        record_response(
            session, scope=scope, key=idempotency_key, request_hash=fingerprint, status_code=201, response=body
        )
    return JSONResponse(body, status_code=201)


@router.get("/bundles/{code}/draft", response_model=DraftRead)
async def get_draft(session: SessionDep, identity: Ops, code: str) -> DraftRead:
    """Read a bundle's draft."""
    return _draft_read(await bundles.get_draft(session, code=code))


@router.put("/bundles/{code}/draft", response_model=DraftRead, openapi_extra=_DEFINITION_BODY_EXAMPLE)
async def replace_draft(session: SessionDep, identity: Ops, code: str, definition: BundleDefinition) -> DraftRead:
    """Replace a bundle's draft (creating it if new); published versions are untouched."""
    if definition.code != code:
        raise DraftInvalid(
            "草稿编码与路径不一致",
            problems=[ProblemDetail(code="draft.code_mismatch", field="code", message=f"草稿编码应为 {code}")],
        )
    bundle, _ = await bundles.save_draft(session, definition=definition, actor=identity.subject)
    return _draft_read(bundle)


@router.post("/bundles/{code}/validate", response_model=ValidationReport)
async def validate_draft(session: SessionDep, identity: Ops, code: str) -> ValidationReport:
    """Check the draft as publishing would, listing every problem at once (422 when any)."""
    problems = await bundles.validate_draft(session, code=code)
    if problems:
        raise BundleInvalid(f"一件事 {code} 有 {len(problems)} 处问题", problems=problems)
    return ValidationReport(problems=[])


@router.post(
    "/bundles/{code}/publish",
    response_model=PublishResult,
    status_code=201,
    responses={200: {"model": PublishResult, "description": "草稿与当前版本相同：返回当前版本，不新建"}},
)
async def publish(request: Request, session: SessionDep, identity: Ops, code: str) -> Response:
    """Freeze the draft as a new immutable version (201), or return the current one if unchanged (200)."""
    version, created = await bundles.publish(session, code=code, actor=identity.subject)
    request.app.state.versions.forget(code)
    body = PublishResult(code=code, version=version.version, created=created, published_at=version.published_at)
    return JSONResponse(body.model_dump(mode="json"), status_code=201 if created else 200)


@router.get("/bundles/{code}/diff", response_model=DiffRead)
async def diff_versions(
    session: SessionDep,
    identity: Ops,
    code: str,
    from_version: Annotated[str, Query(alias="from", examples=["1"])],
    to_version: Annotated[str, Query(alias="to", examples=["draft"])] = "draft",
) -> DiffRead:
    """Compare two versions of a bundle, or a version and the draft."""
    changes = await service.compare(session, code=code, before=from_version, after=to_version)
    return DiffRead.model_validate(
        {"code": code, "from_version": from_version, "to_version": to_version, "changes": changes}
    )


@router.get("/bundles/{code}/export", response_class=Response, responses={200: {"content": {YAML_MEDIA_TYPE: {}}}})
async def export_yaml(
    session: SessionDep,
    identity: Ops,
    code: str,
    version: Annotated[str, Query(examples=["draft", "1"])] = "draft",
) -> Response:
    """Export a bundle's draft or a published version as YAML in the seed format."""
    definition = await service.definition_at(session, code=code, version=version)
    return Response(
        service.to_yaml(definition),
        media_type=YAML_MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{code}.yaml"'},
    )


@router.post(
    "/bundles/import",
    response_model=DraftRead,
    responses={201: {"model": DraftRead, "description": "新的一件事：草稿已创建"}},
    openapi_extra={
        "requestBody": {
            "content": {YAML_MEDIA_TYPE: {"schema": {"type": "string"}, "example": BUNDLE_YAML_EXAMPLE}},
            "required": True,
        }
    },
)
async def import_yaml(request: Request, session: SessionDep, identity: Ops) -> JSONResponse:
    """Import a bundle from YAML (seed format) into its draft: 201 when new, 200 when replaced."""
    text = (await request.body()).decode("utf-8", errors="replace")
    bundle, created = await service.import_yaml(session, text=text, actor=identity.subject)
    return JSONResponse(_draft_read(bundle).model_dump(mode="json"), status_code=201 if created else 200)


@router.put("/departments/{code}", response_model=DepartmentRecord)
async def put_department(
    session: SessionDep, identity: Ops, code: str, record: Annotated[DepartmentRecord, Body()]
) -> DepartmentRecord:
    """Create or update a department of the dictionary; bundles pick it up when next published."""
    _same_key(code, record.code)
    await dictionaries.upsert_department(session, record)
    return record


@router.put("/materials/{code}", response_model=MaterialRecord)
async def put_material(session: SessionDep, identity: Ops, code: str, record: MaterialRecord) -> MaterialRecord:
    """Create or update a material of the shared material dictionary (材料库)."""
    _same_key(code, record.code)
    await dictionaries.upsert_material(session, record)
    return record


@router.put("/fields/{key}", response_model=FieldRecord)
async def put_field(session: SessionDep, identity: Ops, key: str, record: FieldRecord) -> FieldRecord:
    """Create or update a field of the shared data dictionary."""
    _same_key(key, record.key)
    await dictionaries.upsert_field(session, record)
    return record


@router.put("/sections/{key}", response_model=SectionRecord)
async def put_section(session: SessionDep, identity: Ops, key: str, record: SectionRecord) -> SectionRecord:
    """Create or update a section of the merged form."""
    _same_key(key, record.key)
    await dictionaries.upsert_section(session, record)
    return record


def _same_key(path_key: str, body_key: Any) -> None:
    if path_key != body_key:
        raise DraftInvalid(
            "编码与路径不一致",
            problems=[ProblemDetail(code="dictionary.key_mismatch", field="code", message=f"编码应为 {path_key}")],
        )
