"""Drafts, publishing and reading published versions. Services never commit: SessionDep does."""

import hashlib
import json
import time
from typing import Any

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_svc.bundles import repository
from catalog_svc.bundles.definition import BundleDefinition
from catalog_svc.bundles.models import Bundle, BundleVersion
from catalog_svc.bundles.published import PublishedBundle
from catalog_svc.bundles.validation import validate_definition
from catalog_svc.dictionaries import repository as dictionaries
from catalog_svc.dictionaries.schemas import DepartmentRecord, FieldRecord, MaterialRecord, SectionRecord
from catalog_svc.errors import (
    BundleExists,
    BundleInvalid,
    BundleNotFound,
    DraftInvalid,
    EvaluationRefused,
    VersionNotFound,
)
from catalog_svc.evaluation.service import evaluate
from onevisit.db import utcnow
from onevisit.errors import ProblemDetail, validation_problems


class VersionCache:
    """Parsed published versions by (code, version), shared by the requests of one process.
    Versions are immutable, so those entries never go stale. The current-version pointer is
    cached for `current_ttl` seconds: another replica's publish shows here within that time,
    this process's own publish at once (`forget`)."""

    def __init__(self, size: int = 512, current_ttl: float = 2.0):
        self.size = size
        self.current_ttl = current_ttl
        self._entries: dict[tuple[str, int], PublishedBundle] = {}
        self._current: dict[str, tuple[int, float]] = {}

    def forget(self, code: str) -> None:
        self._current.pop(code, None)

    async def _current_version(self, session: AsyncSession, code: str) -> int:
        cached = self._current.get(code)
        if cached is not None and cached[1] > time.monotonic():
            return cached[0]
        version = await repository.current_version(session, code)
        if version is None:
            raise BundleNotFound(f"一件事 {code} 不存在或尚未发布")
        self._current[code] = (version, time.monotonic() + self.current_ttl)
        return version

    async def get(self, session: AsyncSession, code: str, version: int | None) -> PublishedBundle:
        if version is None:
            version = await self._current_version(session, code)
        entry = self._entries.get((code, version))
        if entry is not None:
            return entry
        row = await repository.get_version(session, code, version)
        if row is None:
            if await repository.get_bundle(session, code) is None:
                raise BundleNotFound(f"一件事 {code} 不存在")
            raise VersionNotFound(f"一件事 {code} 没有版本 {version}")
        published = PublishedBundle.from_snapshot(code, version, row.published_at, row.snapshot)
        if len(self._entries) >= self.size:
            self._entries.pop(next(iter(self._entries)))
        self._entries[(code, version)] = published
        return published


def parse_definition(data: Any) -> BundleDefinition:
    """A draft's shape, checked as it is saved; every shape problem is listed at once."""
    try:
        return BundleDefinition.model_validate(data)
    except ValidationError as exc:
        raise DraftInvalid("草稿格式有误，请逐项修改", problems=validation_problems(list(exc.errors()))) from exc


async def create_draft(session: AsyncSession, *, definition: BundleDefinition, actor: str | None) -> Bundle:
    if await repository.get_bundle(session, definition.code) is not None:
        raise BundleExists(f"一件事 {definition.code} 已存在，请修改其草稿")
    bundle = Bundle(code=definition.code, draft=definition.canonical(), draft_updated_by=actor)
    session.add(bundle)
    await session.flush()
    return bundle


async def save_draft(session: AsyncSession, *, definition: BundleDefinition, actor: str | None) -> tuple[Bundle, bool]:
    """Create or replace the draft; returns it and whether it was created."""
    bundle = await repository.get_bundle(session, definition.code)
    if bundle is None:
        return await create_draft(session, definition=definition, actor=actor), True
    canonical = definition.canonical()
    if bundle.draft != canonical:
        bundle.draft = canonical
        bundle.draft_updated_at = utcnow()
        bundle.draft_updated_by = actor
    await session.flush()
    return bundle, False


async def get_draft(session: AsyncSession, *, code: str) -> Bundle:
    bundle = await repository.get_bundle(session, code)
    if bundle is None:
        raise BundleNotFound(f"一件事 {code} 不存在")
    return bundle


async def build_snapshot(
    session: AsyncSession, definition: BundleDefinition
) -> tuple[dict[str, Any], list[ProblemDetail]]:
    """Validate against the dictionaries and freeze the entries the definition uses."""
    department_codes = {definition.lead_department, *definition.partner_departments}
    department_codes |= {item.department for item in definition.items}
    material_codes = {m.code for item in definition.items for m in item.materials}
    material_codes |= {r.material for item in definition.items for r in item.results if r.material}
    field_keys = {f.key for item in definition.items for f in item.fields}
    field_keys |= {d.field for d in definition.dependencies if d.field}
    departments = await dictionaries.departments_by_code(session, department_codes)
    materials = await dictionaries.materials_by_code(
        session,
        material_codes
        | {d.material for d in definition.dependencies if d.material}
        | {p.partition(":")[2] for r in definition.rules for p in [*r.enable_materials, *r.disable_materials]},
    )
    fields = await dictionaries.fields_by_key(session, field_keys)
    sections = await dictionaries.sections_by_key(session, {key.partition(".")[0] for key in field_keys})
    problems = validate_definition(
        definition, departments=departments, materials=materials, fields=fields, sections=sections
    )
    snapshot = {
        "definition": definition.canonical(),
        "departments": {c: DepartmentRecord.model_validate(r).model_dump() for c, r in sorted(departments.items())},
        "materials": {c: MaterialRecord.model_validate(r).model_dump() for c, r in sorted(materials.items())},
        "fields": {k: FieldRecord.model_validate(r).model_dump() for k, r in sorted(fields.items())},
        "sections": {k: SectionRecord.model_validate(r).model_dump() for k, r in sorted(sections.items())},
    }
    if not problems:
        problems += _default_evaluation_problems(definition.code, snapshot)
    return snapshot, problems


def _default_evaluation_problems(code: str, snapshot: dict[str, Any]) -> list[ProblemDetail]:
    """The guide is the evaluation of the default answers, so they must evaluate."""
    try:
        evaluate(PublishedBundle.from_snapshot(code, 0, utcnow(), snapshot), answers={}, items=None)
    except EvaluationRefused as exc:
        return [p.model_copy(update={"code": f"defaults.{p.code}"}) for p in exc.problems]
    return []


async def validate_draft(session: AsyncSession, *, code: str) -> list[ProblemDetail]:
    bundle = await get_draft(session, code=code)
    _, problems = await build_snapshot(session, parse_definition(bundle.draft))
    return problems


def content_hash(snapshot: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(snapshot, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


async def publish(session: AsyncSession, *, code: str, actor: str | None) -> tuple[BundleVersion, bool]:
    """Freeze the draft as a new immutable version, unless it equals the current one.
    Returns the version and whether it is new; refuses with every problem listed."""
    bundle = await get_draft(session, code=code)
    definition = parse_definition(bundle.draft)
    snapshot, problems = await build_snapshot(session, definition)
    if problems:
        raise BundleInvalid(f"一件事 {code} 有 {len(problems)} 处问题，未发布", problems=problems)
    digest = content_hash(snapshot)
    if bundle.current_version is not None:
        current = await repository.get_version(session, code, bundle.current_version)
        if current is not None and current.content_hash == digest:
            return current, False
    number = await repository.latest_version_number(session, code) + 1
    version = BundleVersion(code=code, version=number, snapshot=snapshot, content_hash=digest, published_by=actor)
    session.add(version)
    await session.flush()
    _point_to(bundle, PublishedBundle.from_snapshot(code, number, version.published_at, snapshot))
    await session.flush()
    return version, True


def _point_to(bundle: Bundle, published: PublishedBundle) -> None:
    """Make a version current and copy what the list and the search need."""
    definition = published.definition
    bundle.current_version = published.version
    bundle.name = definition.name
    bundle.audience = definition.audience
    bundle.category = definition.category
    bundle.region = definition.region
    bundle.item_count = len(definition.items)
    bundle.promised_days = evaluate(published, answers={}, items=None).promised_days
    words = [definition.name, definition.category, *definition.synonyms, *(item.name for item in definition.items)]
    bundle.search_text = "\n".join(words).lower()
