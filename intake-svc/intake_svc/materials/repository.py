"""SQL of material files and commitments."""

import uuid

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from intake_svc.materials.models import Commitment, MaterialFile


async def active_files(session: AsyncSession, application_id: uuid.UUID) -> list[MaterialFile]:
    statement = (
        select(MaterialFile)
        .where(MaterialFile.application_id == application_id, MaterialFile.superseded.is_(False))
        .order_by(MaterialFile.uploaded_at)
    )
    return list((await session.scalars(statement)).all())


async def get_file(session: AsyncSession, file_id: uuid.UUID) -> MaterialFile | None:
    return await session.get(MaterialFile, file_id)


async def supersede(
    session: AsyncSession, application_id: uuid.UUID, material_code: str, *, keep: set[uuid.UUID]
) -> None:
    """Mark the files of a material superseded, except those in `keep`."""
    await session.execute(
        update(MaterialFile)
        .where(
            MaterialFile.application_id == application_id,
            MaterialFile.material_code == material_code,
            MaterialFile.superseded.is_(False),
            MaterialFile.id.not_in(keep),
        )
        .values(superseded=True)
    )


def add_file(session: AsyncSession, material: MaterialFile) -> None:
    session.add(material)


async def commitments_of(session: AsyncSession, application_id: uuid.UUID) -> list[Commitment]:
    statement = select(Commitment).where(Commitment.application_id == application_id).order_by(Commitment.signed_at)
    return list((await session.scalars(statement)).all())


async def get_commitment(session: AsyncSession, application_id: uuid.UUID, material_code: str) -> Commitment | None:
    statement = select(Commitment).where(
        Commitment.application_id == application_id, Commitment.material_code == material_code
    )
    return await session.scalar(statement)


def add_commitment(session: AsyncSession, commitment: Commitment) -> None:
    session.add(commitment)
