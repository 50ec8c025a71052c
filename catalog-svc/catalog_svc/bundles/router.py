"""Public reads of the catalog (no login): list and search, detail, guide, evaluation."""

import base64
import binascii
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request, Response

from catalog_svc.bundles import repository
from catalog_svc.bundles.schemas import (
    MAX_VERSION,
    BundleList,
    BundleRead,
    BundleSummary,
    EvaluateRequest,
    Evaluation,
    Guide,
)
from catalog_svc.bundles.service import VersionCache
from catalog_svc.errors import InvalidCursor
from catalog_svc.evaluation.service import evaluate, evaluate_json
from catalog_svc.http_cache import cached_json
from onevisit.service import SessionDep

router = APIRouter(prefix="/v1", tags=["catalog"])


def versions(request: Request) -> VersionCache:
    return request.app.state.versions


# The cursor is the last code of the page, opaque to clients so the ordering may change later.
_CURSOR_PREFIX = "after:"


def _decode_cursor(cursor: str | None) -> str | None:
    if not cursor:
        return None
    try:
        decoded = base64.b64decode(cursor.encode(), altchars=b"-_", validate=True).decode()
    except (binascii.Error, UnicodeDecodeError) as exc:
        raise InvalidCursor("分页游标无效，请从第一页重新查询") from exc
    if not decoded.startswith(_CURSOR_PREFIX):
        raise InvalidCursor("分页游标无效，请从第一页重新查询")
    return decoded.removeprefix(_CURSOR_PREFIX)


def _encode_cursor(code: str) -> str:
    return base64.urlsafe_b64encode((_CURSOR_PREFIX + code).encode()).decode()


def _regions(region: str | None) -> set[str] | None:
    """A bundle of a province applies to its cities; a national one (000000) everywhere."""
    if region is None:
        return None
    return {"000000", region[:2] + "0000", region[:4] + "00", region}


@router.get("/bundles", response_model=BundleList)
async def list_bundles(
    request: Request,
    session: SessionDep,
    q: Annotated[str | None, Query(description="关键词：名称、事项名称、同义词", examples=["出生"])] = None,
    audience: Literal["person", "company"] | None = None,
    category: str | None = None,
    region: Annotated[str | None, Query(pattern=r"^\d{6}$", examples=["440100"])] = None,
    cursor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> Response:
    """List and search published bundles (一张清单) by keyword, audience, category and region."""
    rows = await repository.search_published(
        session,
        terms=(q or "").lower().split(),
        audience=audience,
        category=category,
        regions=_regions(region),
        after=_decode_cursor(cursor),
        limit=limit + 1,
    )
    page = rows[:limit]
    next_cursor = _encode_cursor(page[-1].code) if len(rows) > limit else None
    body = BundleList(
        items=[
            BundleSummary(
                code=row.code,
                name=row.name or row.code,
                audience=row.audience or "person",
                category=row.category or "",
                region=row.region or "000000",
                item_count=row.item_count or 0,
                promised_days=row.promised_days or 0,
                version=row.current_version or 0,
            )
            for row in page
        ],
        next_cursor=next_cursor,
    )
    return cached_json(request, body.model_dump(mode="json"), max_age=60)


@router.get("/bundles/{code}", response_model=BundleRead)
async def get_bundle(
    request: Request,
    session: SessionDep,
    code: str,
    version: Annotated[
        int | None, Query(ge=1, le=MAX_VERSION, description="a published version; default the current one")
    ] = None,
) -> Response:
    """Read a published bundle version with its items, dependencies, bound groups and questions."""
    published = await versions(request).get(session, code, version)
    definition = published.definition
    body = BundleRead(
        code=published.code,
        name=definition.name,
        version=published.version,
        published_at=published.published_at,
        audience=definition.audience,
        category=definition.category,
        region=definition.region,
        synonyms=definition.synonyms,
        lead_department=definition.lead_department,
        lead_department_name=published.department_name(definition.lead_department),
        partner_departments=definition.partner_departments,
        service_object=definition.service_object,
        description=definition.description,
        batch=definition.batch,
        confidence=definition.confidence,
        confidence_notes=definition.confidence_notes,
        items=[
            published.item_read(
                item, depends_on=sorted(published.deps.get(item.code, ()), key=list(published.items).index)
            )
            for item in definition.items
        ],
        dependencies=definition.dependencies,
        bound_groups=definition.bound_groups,
        questions=definition.questions,
        rules=definition.rules,
        where_to_ask=definition.where_to_ask,
        promised_days=evaluate(published, answers={}, items=None).promised_days,
    )
    return cached_json(request, body.model_dump(mode="json"), max_age=60, immutable=version is not None)


@router.get("/bundles/{code}/guide", response_model=Guide)
async def get_guide(
    request: Request,
    session: SessionDep,
    code: str,
    version: Annotated[int | None, Query(ge=1, le=MAX_VERSION)] = None,
) -> Response:
    """Read the consolidated guide (一次告知) of a bundle for the default scenario answers."""
    published = await versions(request).get(session, code, version)
    guide = evaluate(published, answers={}, items=None).guide
    return cached_json(request, guide.model_dump(mode="json"), max_age=60, immutable=version is not None)


@router.post("/bundles/{code}/evaluate", response_model=Evaluation)
async def evaluate_bundle(request: Request, session: SessionDep, code: str, body: EvaluateRequest) -> Response:
    """Evaluate scenario answers into the items, the one set of materials, the one form and the guide."""
    published = await versions(request).get(session, code, body.version)
    # Pre-encoded and memoised per version: the hot path of every applicant's first screen.
    content = evaluate_json(published, answers=body.answers, items=body.items)
    return Response(content, media_type="application/json")
