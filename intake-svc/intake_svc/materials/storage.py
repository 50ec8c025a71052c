"""Where material files live: a small interface with two backends, local disk (the embedded
default) and an S3-compatible object store (production: MinIO, Ceph, a cloud's OSS/COS/S3).

Files go in and out as chunks, never whole in memory. The caller knows a file's SHA-256 before
storing it (it read the spooled upload once to check it); each backend makes sure what it stored
has exactly that hash, so the hash recorded for departments is the hash of the stored bytes.
"""

import asyncio
import hashlib
import os
import uuid
from collections.abc import AsyncIterable, AsyncIterator
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK_BYTES = 256 * 1024


class StorageError(Exception):
    """The store could not do what was asked; the message says why, for the operator's log."""


class StoredObjectMissing(StorageError):
    pass


class StorageAccessDenied(StorageError):
    """Wrong credentials or no permission: a configuration problem, not the applicant's."""


class Storage(Protocol):
    async def put(self, key: str, chunks: AsyncIterable[bytes], *, size: int, sha256: str) -> None: ...

    async def read(self, key: str) -> AsyncIterator[bytes]:
        """The stored bytes as chunks; raises StoredObjectMissing before the first chunk."""
        ...

    async def delete(self, key: str) -> None: ...


class LocalDiskStorage:
    """Files under one folder; written to a temporary name and renamed, so a crash never leaves half a file."""

    def __init__(self, root: Path):
        self.root = root.resolve()
        self.root.mkdir(parents=True, exist_ok=True)

    def _path(self, key: str) -> Path:
        path = (self.root / key).resolve()
        if not path.is_relative_to(self.root):
            raise ValueError(f"storage key escapes the storage folder: {key}")
        return path

    async def put(self, key: str, chunks: AsyncIterable[bytes], *, size: int, sha256: str) -> None:
        path = self._path(key)
        await asyncio.to_thread(path.parent.mkdir, parents=True, exist_ok=True)
        temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}.part")
        try:
            handle = await asyncio.to_thread(self._create, temporary)
            try:
                digest = hashlib.sha256()
                async for chunk in chunks:
                    digest.update(chunk)
                    await asyncio.to_thread(handle.write, chunk)
                await asyncio.to_thread(_sync, handle)
            finally:
                handle.close()
            if digest.hexdigest() != sha256:
                raise StorageError(f"stored bytes of {key} do not have the announced SHA-256")
            os.replace(temporary, path)
        except BaseException:
            temporary.unlink(missing_ok=True)
            raise

    @staticmethod
    def _create(path: Path) -> BinaryIO:
        return open(path, "wb")

    async def read(self, key: str) -> AsyncIterator[bytes]:
        try:
            handle = await asyncio.to_thread(open, self._path(key), "rb")
        except FileNotFoundError as exc:
            raise StoredObjectMissing(f"no stored file {key}") from exc
        return _chunks_of(handle)

    async def delete(self, key: str) -> None:
        await asyncio.to_thread(self._path(key).unlink, True)


def _sync(handle: BinaryIO) -> None:
    handle.flush()
    os.fsync(handle.fileno())


async def _chunks_of(handle: BinaryIO) -> AsyncIterator[bytes]:
    try:
        while chunk := await asyncio.to_thread(handle.read, CHUNK_BYTES):
            yield chunk
    finally:
        handle.close()
