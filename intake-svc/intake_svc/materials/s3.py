"""Material files in an S3-compatible object store, over httpx with AWS Signature Version 4.

Three calls (PUT, GET, DELETE of one object, path-style URLs) need no SDK: the signer below is
the documented SigV4 algorithm (docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv4.html).
The upload's SHA-256 is sent as `x-amz-content-sha256`, which the store checks against the bytes it
receives: a file corrupted on the way is refused instead of stored.
"""

import hashlib
import hmac
import logging
import re
from collections.abc import AsyncIterable, AsyncIterator
from datetime import UTC, datetime
from urllib.parse import quote

import httpx

from intake_svc.materials.storage import StorageAccessDenied, StorageError, StoredObjectMissing

log = logging.getLogger("intake_svc.storage")

EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()
_ALGORITHM = "AWS4-HMAC-SHA256"
# Error codes of the S3 API that mean the credentials or permissions are wrong.
_DENIED = {"AccessDenied", "InvalidAccessKeyId", "SignatureDoesNotMatch", "InvalidClientTokenId"}


class SigV4Signer:
    """Signs one request for one service and region with a long-term access key."""

    def __init__(self, *, access_key: str, secret_key: str, region: str, service: str = "s3"):
        self.access_key = access_key
        self._secret_key = secret_key
        self.region = region
        self.service = service

    def headers(
        self, method: str, url: httpx.URL, headers: dict[str, str], payload_sha256: str, now: datetime | None = None
    ) -> dict[str, str]:
        """`headers` plus the date, payload hash and Authorization headers; every header given is signed."""
        now = now or datetime.now(UTC)
        amz_date = now.strftime("%Y%m%dT%H%M%SZ")
        scope = f"{amz_date[:8]}/{self.region}/{self.service}/aws4_request"
        signed = {
            **{k.lower(): v.strip() for k, v in headers.items()},
            "host": url.netloc.decode(),
            "x-amz-date": amz_date,
            "x-amz-content-sha256": payload_sha256,
        }
        names = sorted(signed)
        canonical_request = "\n".join(
            [
                method,
                url.raw_path.split(b"?")[0].decode(),
                _canonical_query(url),
                "".join(f"{name}:{signed[name]}\n" for name in names),
                ";".join(names),
                payload_sha256,
            ]
        )
        string_to_sign = "\n".join(
            [_ALGORITHM, amz_date, scope, hashlib.sha256(canonical_request.encode()).hexdigest()]
        )
        signature = hmac.new(self._signing_key(amz_date[:8]), string_to_sign.encode(), hashlib.sha256).hexdigest()
        authorization = (
            f"{_ALGORITHM} Credential={self.access_key}/{scope}, SignedHeaders={';'.join(names)}, Signature={signature}"
        )
        return {**signed, "authorization": authorization}

    def _signing_key(self, day: str) -> bytes:
        key = ("AWS4" + self._secret_key).encode()
        for part in (day, self.region, self.service, "aws4_request"):
            key = hmac.new(key, part.encode(), hashlib.sha256).digest()
        return key


def _canonical_query(url: httpx.URL) -> str:
    pairs = sorted((quote(k, safe="-_.~"), quote(v, safe="-_.~")) for k, v in url.params.multi_items())
    return "&".join(f"{k}={v}" for k, v in pairs)


class S3Storage:
    """One bucket of an S3-compatible store; object key = the storage key given by the caller."""

    def __init__(
        self,
        *,
        endpoint: str,
        bucket: str,
        region: str,
        access_key: str,
        secret_key: str,
        timeout: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
    ):
        self.bucket = bucket
        self._signer = SigV4Signer(access_key=access_key, secret_key=secret_key, region=region)
        self._http = httpx.AsyncClient(base_url=endpoint.rstrip("/"), timeout=timeout, transport=transport)

    def _url(self, key: str) -> httpx.URL:
        # Path-style (endpoint/bucket/key) works on every S3-compatible store; each segment encoded once.
        return self._http.base_url.join(f"/{quote(self.bucket, safe='')}/{quote(key, safe='/-_.~')}")

    async def put(self, key: str, chunks: AsyncIterable[bytes], *, size: int, sha256: str) -> None:
        url = self._url(key)
        # The object carries its hash as metadata too, so an operator can check it without downloading.
        headers = {"content-type": "application/octet-stream", "x-amz-meta-sha256": sha256}
        signed = self._signer.headers("PUT", url, headers, sha256)
        digest = hashlib.sha256()
        # With Content-Length given, httpx streams the chunks as they come (no chunked encoding).
        request = self._http.build_request(
            "PUT", url, headers={**signed, "content-length": str(size)}, content=_hashing(chunks, digest)
        )
        response = await self._send(request, key)
        await response.aclose()
        if digest.hexdigest() != sha256:
            # S3 itself refuses such a body; not every S3-compatible store checks, so we do too.
            await self.delete(key)
            raise StorageError(f"bytes sent for {key} do not have the announced SHA-256: object removed")

    async def read(self, key: str) -> AsyncIterator[bytes]:
        url = self._url(key)
        request = self._http.build_request("GET", url, headers=self._signer.headers("GET", url, {}, EMPTY_SHA256))
        response = await self._send(request, key, stream=True)
        return _body_of(response)

    async def delete(self, key: str) -> None:
        url = self._url(key)
        request = self._http.build_request("DELETE", url, headers=self._signer.headers("DELETE", url, {}, EMPTY_SHA256))
        response = await self._send(request, key)
        await response.aclose()

    async def _send(self, request: httpx.Request, key: str, *, stream: bool = False) -> httpx.Response:
        try:
            response = await self._http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise StorageError(f"object store unreachable for {request.method} {key}: {exc!r}") from exc
        if response.is_success:
            if not stream:
                await response.aread()
            return response
        body = (await response.aread()).decode(errors="replace")
        await response.aclose()
        raise _error(response.status_code, body, request.method, key)

    async def close(self) -> None:
        await self._http.aclose()


def _error(status: int, body: str, method: str, key: str) -> StorageError:
    code_match = re.search(r"<Code>([^<]+)</Code>", body)
    code = code_match.group(1) if code_match else str(status)
    message = f"object store refused {method} {key}: {status} {code}"
    if code == "NoSuchKey" or (status == 404 and not code_match):
        return StoredObjectMissing(message)
    if code in _DENIED or status == 403:
        return StorageAccessDenied(message + " (check the access key, secret and bucket policy)")
    return StorageError(message)


async def _hashing(chunks: AsyncIterable[bytes], digest: "hashlib._Hash") -> AsyncIterator[bytes]:
    async for chunk in chunks:
        digest.update(chunk)
        yield chunk


async def _body_of(response: httpx.Response) -> AsyncIterator[bytes]:
    try:
        async for chunk in response.aiter_bytes():
            yield chunk
    finally:
        await response.aclose()
