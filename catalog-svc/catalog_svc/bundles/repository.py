"""SQL of bundles, drafts and versions."""

from collections.abc import Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from catalog_svc.bundles.models import Bundle, BundleVersion


async def get_bundle(session: AsyncSession, code: str) -> Bundle | None:
    return await session.get(Bundle, code)


async def list_bundles(session: AsyncSession) -> Sequence[Bundle]:
    return (await session.scalars(select(Bundle).order_by(Bundle.code))).all()


async def current_version(session: AsyncSession, code: str) -> int | None:
    return await session.scalar(select(Bundle.current_version).where(Bundle.code == code))


async def get_version(session: AsyncSession, code: str, version: int) -> BundleVersion | None:
    return await session.get(BundleVersion, (code, version))


async def latest_version_number(session: AsyncSession, code: str) -> int:
    return (
        await session.scalar(
            select(func.coalesce(func.max(BundleVersion.version), 0)).where(BundleVersion.code == code)
        )
        or 0
    )


async def version_numbers(session: AsyncSession, code: str) -> list[int]:
    rows = await session.scalars(
        select(BundleVersion.version).where(BundleVersion.code == code).order_by(BundleVersion.version)
    )
    return list(rows)


def _like(term: str) -> str:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


async def search_published(
    session: AsyncSession,
    *,
    terms: list[str],
    audience: str | None,
    category: str | None,
    regions: set[str] | None,
    after: str | None,
    limit: int,
) -> Sequence[Bundle]:
    """Published bundles matching every term, ordered by code, after the cursor's code."""
    query = select(Bundle).where(Bundle.current_version.is_not(None))
    for term in terms:
        query = query.where(Bundle.search_text.like(_like(term), escape="\\"))
    if audience:
        query = query.where(Bundle.audience == audience)
    if category:
        query = query.where(Bundle.category == category)
    if regions is not None:
        query = query.where(Bundle.region.in_(regions))
    if after:
        query = query.where(Bundle.code > after)
    return (await session.scalars(query.order_by(Bundle.code).limit(limit))).all()
