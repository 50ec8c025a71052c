"""SQL of the dictionaries."""

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_svc.dictionaries.models import Department, FormField, FormSection, Material
from catalog_svc.dictionaries.schemas import DepartmentRecord, FieldRecord, MaterialRecord, SectionRecord


async def list_departments(session: AsyncSession) -> Sequence[Department]:
    return (await session.scalars(select(Department).order_by(Department.code))).all()


async def departments_by_code(session: AsyncSession, codes: Iterable[str]) -> dict[str, Department]:
    rows = await session.scalars(select(Department).where(Department.code.in_(set(codes))))
    return {row.code: row for row in rows}


async def materials_by_code(session: AsyncSession, codes: Iterable[str]) -> dict[str, Material]:
    rows = await session.scalars(select(Material).where(Material.code.in_(set(codes))))
    return {row.code: row for row in rows}


async def fields_by_key(session: AsyncSession, keys: Iterable[str]) -> dict[str, FormField]:
    rows = await session.scalars(select(FormField).where(FormField.key.in_(set(keys))))
    return {row.key: row for row in rows}


async def sections_by_key(session: AsyncSession, keys: Iterable[str]) -> dict[str, FormSection]:
    rows = await session.scalars(select(FormSection).where(FormSection.key.in_(set(keys))))
    return {row.key: row for row in rows}


async def upsert_department(session: AsyncSession, record: DepartmentRecord) -> bool:
    """Insert or update; True when something changed."""
    return await _upsert(session, Department, record.code, record.model_dump())


async def upsert_material(session: AsyncSession, record: MaterialRecord) -> bool:
    return await _upsert(session, Material, record.code, record.model_dump())


async def upsert_field(session: AsyncSession, record: FieldRecord) -> bool:
    return await _upsert(session, FormField, record.key, record.model_dump())


async def upsert_section(session: AsyncSession, record: SectionRecord) -> bool:
    return await _upsert(session, FormSection, record.key, record.model_dump())


async def _upsert(session: AsyncSession, model: type, key: str, values: dict) -> bool:
    row = await session.get(model, key)
    if row is None:
        session.add(model(**values))
        return True
    changed = False
    for name, value in values.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            changed = True
    return changed
