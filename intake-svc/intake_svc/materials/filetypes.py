"""File type by content, never by name or declared type: PDF, JPEG, PNG and OFD (GB/T 33190,
a ZIP package whose root holds OFD.xml)."""

import io
import zipfile

_SIGNATURES = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
)
_ZIP = b"PK\x03\x04"
OFD = "application/ofd"
ACCEPTED = ("application/pdf", "image/jpeg", "image/png", OFD)


def sniff(data: bytes) -> str | None:
    """The content type the bytes really are, or None when not an accepted type."""
    for signature, content_type in _SIGNATURES:
        if data.startswith(signature):
            return content_type
    if data.startswith(_ZIP) and _is_ofd(data):
        return OFD
    return None


def _is_ofd(data: bytes) -> bool:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            return any(name.lower() == "ofd.xml" for name in package.namelist())
    except zipfile.BadZipFile:
        return False
