"""An upload that fails half-way leaves nothing behind: no material record and no file, neither
the final one nor the temporary one the local disk storage was writing."""

import io
from pathlib import Path
from typing import Any, BinaryIO

import pytest

from intake_svc.materials.storage import CHUNK_BYTES, LocalDiskStorage
from tests.intake_svc.conftest import PDF, Intake
from tests.intake_svc.test_materials import T01, _file_count


class FullDisk(io.FileIO):
    """A file on a disk that fills up after `room` bytes (outside the project: the filesystem)."""

    def __init__(self, path: Path, room: int):
        super().__init__(path, "wb")
        self.room = room

    def write(self, data: Any) -> int:
        if self.tell() + len(data) > self.room:
            raise OSError(28, "No space left on device")
        return super().write(data)


class DiskFillingUp(LocalDiskStorage):
    """The real local storage; only the file it writes to runs out of space half-way."""

    def _create(self, path: Path) -> BinaryIO:  # type: ignore[override]
        return FullDisk(path, room=CHUNK_BYTES)


@pytest.fixture
def intake_options(tmp_path: Path) -> dict[str, Any]:
    return {"storage": DiskFillingUp(tmp_path / "disk")}


async def test_an_upload_that_fails_half_way_leaves_no_record_and_no_file(intake: Intake, tmp_path: Path) -> None:
    draft = await intake.draft(T01)
    large = PDF + b"\x00" * (3 * CHUNK_BYTES)  # the first chunk fits, the second does not
    response = await intake.upload(draft["id"], "BIRTH_CERT_FORM", large)
    assert response.status_code == 503 and response.json()["code"] == "material_storage_failed"
    assert await _file_count(intake) == 0
    assert [p for p in (tmp_path / "disk").rglob("*") if p.is_file()] == []
    current = (await intake.client.get(f"/v1/applications/{draft['id']}", headers=intake.as_())).json()
    assert next(m for m in current["materials"] if m["code"] == "BIRTH_CERT_FORM")["status"] == "missing"
    # The same upload goes through once there is room: the failure left nothing in the way.
    assert (await intake.upload(draft["id"], "BIRTH_CERT_FORM", PDF)).status_code == 201
