"""Load the seed YAML files idempotently: dictionaries are upserted, each bundle's draft is
saved and a new version is published only when its content (or a dictionary entry it uses)
changed. `python -m catalog_svc seed` runs it; `make run` calls it after `migrate`."""

import asyncio
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from catalog_svc.bundles import service as bundles
from catalog_svc.dictionaries import repository as dictionaries
from catalog_svc.dictionaries.schemas import DepartmentRecord, FieldRecord, MaterialRecord, SectionRecord
from catalog_svc.settings import Settings
from onevisit.db import create_engine, create_session_factory

SEED_DIR = Path(__file__).parent
SEED_ACTOR = "seed"
log = logging.getLogger("catalog_svc.seed")


@dataclass
class SeedReport:
    dictionary_changes: int = 0
    published: dict[str, int] = field(default_factory=dict)
    unchanged: dict[str, int] = field(default_factory=dict)


def read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def bundle_files(directory: Path = SEED_DIR) -> list[Path]:
    return sorted((directory / "bundles").glob("*.yaml"))


async def load_dictionaries(session: AsyncSession, directory: Path = SEED_DIR) -> int:
    changes = 0
    fields = read_yaml(directory / "fields.yaml")
    for raw in fields["sections"]:
        changes += await dictionaries.upsert_section(session, SectionRecord.model_validate(raw))
    for raw in fields["fields"]:
        changes += await dictionaries.upsert_field(session, FieldRecord.model_validate(raw))
    for raw in read_yaml(directory / "materials.yaml")["materials"]:
        changes += await dictionaries.upsert_material(session, MaterialRecord.model_validate(raw))
    for raw in read_yaml(directory / "departments.yaml")["departments"]:
        changes += await dictionaries.upsert_department(session, DepartmentRecord.model_validate(raw))
    await session.flush()
    return changes


async def seed(session: AsyncSession, directory: Path = SEED_DIR) -> SeedReport:
    """Dictionaries first, then every bundle file; a bundle that does not validate stops the seed."""
    report = SeedReport(dictionary_changes=await load_dictionaries(session, directory))
    for path in bundle_files(directory):
        definition = bundles.parse_definition(read_yaml(path))
        await bundles.save_draft(session, definition=definition, actor=SEED_ACTOR)
        version, created = await bundles.publish(session, code=definition.code, actor=SEED_ACTOR)
        (report.published if created else report.unchanged)[definition.code] = version.version
    return report


async def seed_database(session_factory: async_sessionmaker[AsyncSession], directory: Path = SEED_DIR) -> SeedReport:
    async with session_factory() as session:
        report = await seed(session, directory)
        await session.commit()
    return report


def run(settings: Settings) -> SeedReport:
    """Entry point of `python -m catalog_svc seed`."""

    async def main() -> SeedReport:
        engine = create_engine(settings.database_url, schema=settings.database_schema)
        try:
            return await seed_database(create_session_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(main())
