"""An uploaded file as the web server spooled it (in memory, then in a temporary file): measured
and hashed in one pass, typed by its content, then streamed to storage in chunks."""

import asyncio
import hashlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import BinaryIO

from fastapi import UploadFile

from intake_svc.materials.filetypes import sniff_file
from intake_svc.materials.storage import CHUNK_BYTES


@dataclass(frozen=True)
class IncomingFile:
    handle: BinaryIO
    filename: str
    size: int
    sha256: str
    content_type: str | None  # None: not a PDF, JPEG, PNG or OFD

    async def chunks(self) -> AsyncIterator[bytes]:
        await asyncio.to_thread(self.handle.seek, 0)
        while chunk := await asyncio.to_thread(self.handle.read, CHUNK_BYTES):
            yield chunk


async def receive(upload: UploadFile) -> IncomingFile:
    size, sha256 = await asyncio.to_thread(_measure, upload.file)
    content_type = await asyncio.to_thread(sniff_file, upload.file)
    return IncomingFile(upload.file, upload.filename or "", size, sha256, content_type)


def _measure(handle: BinaryIO) -> tuple[int, str]:
    handle.seek(0)
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK_BYTES):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()
