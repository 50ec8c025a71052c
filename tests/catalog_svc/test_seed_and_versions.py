"""The seed loads idempotently and publishes a new immutable version only when content changed."""

import shutil
from pathlib import Path

import yaml

from catalog_svc.bundles import repository
from catalog_svc.seed.loader import seed
from onevisit.db import create_engine, create_session_factory
from onevisit.migrations import migration_heads
from tests.catalog_svc.conftest import SEED_DIR
from tests.support import infra


def test_one_migration_head() -> None:
    assert migration_heads("catalog_svc") == ("catalog_0002",)


async def test_seed_twice_publishes_once_then_a_change_makes_version_two(
    empty_catalog_database: infra.TestDatabase, tmp_path: Path
) -> None:
    seed_dir = tmp_path / "seed"
    shutil.copytree(SEED_DIR, seed_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    engine = create_engine(empty_catalog_database.url, schema=empty_catalog_database.schema)
    factory = create_session_factory(engine)
    try:
        async with factory() as session:
            first = await seed(session, seed_dir)
            await session.commit()
        assert first.published["B01"] == 1
        async with factory() as session:
            second = await seed(session, seed_dir)
            await session.commit()
        assert second.published == {}
        assert second.unchanged["B01"] == 1
        assert second.dictionary_changes == 0

        # A dictionary entry a bundle uses is frozen into its versions: renaming it publishes v2.
        materials_file = seed_dir / "materials.yaml"
        data = yaml.safe_load(materials_file.read_text(encoding="utf-8"))
        for material in data["materials"]:
            if material["code"] == "BIRTH_MED_CERT":
                material["name"] = "出生医学证明 (新版)"
        materials_file.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        async with factory() as session:
            third = await seed(session, seed_dir)
            await session.commit()
        assert third.published["B01"] == 2
        async with factory() as session:
            v1 = await repository.get_version(session, "B01", 1)
            v2 = await repository.get_version(session, "B01", 2)
            bundle = await repository.get_bundle(session, "B01")
        assert v1 is not None and v2 is not None and bundle is not None
        assert v1.snapshot["materials"]["BIRTH_MED_CERT"]["name"] == "出生医学证明"
        assert v2.snapshot["materials"]["BIRTH_MED_CERT"]["name"] == "出生医学证明 (新版)"
        assert bundle.current_version == 2
    finally:
        await engine.dispose()
