"""An upload that fails half-way (the disk fills up) leaves no material record behind."""

from collections.abc import AsyncIterable
from pathlib import Path
from typing import Any

import pytest

from intake_svc.materials.storage import LocalDiskStorage
from tests.intake_svc.conftest import PDF, Intake
from tests.intake_svc.test_materials import T01, _file_count


class HalfWrittenDisk(LocalDiskStorage):
    """A disk that fills up in the middle of a write (outside the project: the filesystem)."""

    async def put(self, key: str, chunks: AsyncIterable[bytes], *, size: int, sha256: str) -> None:
        received = b"".join([chunk async for chunk in chunks])
        path = self.root / (key + ".partial")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(received[: size // 2])
        raise OSError(28, "No space left on device")


@pytest.fixture
def intake_options(tmp_path: Path) -> dict[str, Any]:
    return {"storage": HalfWrittenDisk(tmp_path / "full")}


async def test_an_upload_that_fails_half_way_leaves_no_record(intake: Intake) -> None:
    draft = await intake.draft(T01)
    response = await intake.upload(draft["id"], "BIRTH_CERT_FORM", PDF)
    assert response.status_code == 503 and response.json()["code"] == "material_storage_failed"
    assert await _file_count(intake) == 0
    current = (await intake.client.get(f"/v1/applications/{draft['id']}", headers=intake.as_())).json()
    assert next(m for m in current["materials"] if m["code"] == "BIRTH_CERT_FORM")["status"] == "missing"
