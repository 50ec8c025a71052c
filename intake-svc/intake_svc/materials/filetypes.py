"""File type by content, never by name or declared type: PDF, JPEG, PNG and OFD (GB/T 33190,
a ZIP package whose root holds OFD.xml)."""

import zipfile
from typing import BinaryIO

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
_ZIP = b"PK\x03\x04"
OFD = "application/ofd"
ACCEPTED = ("application/pdf", "image/jpeg", "image/png", OFD)


def sniff_file(handle: BinaryIO) -> str | None:
    """The content type a seekable file really is, or None when not an accepted type; read from
    its start (and an OFD package from its end)."""
    handle.seek(0)
    head = handle.read(16)
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    if head.startswith(_ZIP) and _is_ofd(handle):
        return OFD
    return None


def _is_ofd(handle: BinaryIO) -> bool:
    try:
        with zipfile.ZipFile(handle) as package:
            return any(name.lower() == "ofd.xml" for name in package.namelist())
    except zipfile.BadZipFile:
        return False
