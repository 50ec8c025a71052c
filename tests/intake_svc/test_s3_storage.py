"""The S3 backend against a real S3-compatible server started as a process: moto's server mode
(`moto_server`, from the `moto[server]` test dependency; outside the project, like a real store).

moto checks SigV4 signatures only once IAM is on; it turns on after the first few actions
(INITIAL_NO_AUTH_ACTION_COUNT), which the fixture spends creating a user, its key, its policy and
the bucket. Every request of the backend after that is a signed request the server verifies.
"""

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest

from intake_svc.materials.s3 import S3Storage
from intake_svc.materials.storage import StorageAccessDenied, StorageError, StoredObjectMissing
from onevisit.settings import DEV_INTERNAL_SECRET
from onevisit.signing import sign_path
from tests.intake_svc.conftest import PDF, Intake
from tests.intake_svc.test_materials import T01
from tests.support.infra import free_port, wait_for_port

MOTO_SERVER = shutil.which("moto_server", path=str(Path(sys.executable).parent)) or shutil.which("moto_server")
pytestmark = pytest.mark.skipif(MOTO_SERVER is None, reason="moto[server] not installed (pip install 'moto[server]')")

BUCKET = "onevisit-materials"
REGION = "cn-north-1"
# The unauthenticated actions moto allows before it checks signatures: the fixture's setup below.
SETUP_ACTIONS = 4


@pytest.fixture(scope="module")
def s3_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    """moto_server on a free port with one bucket and one IAM user allowed s3:* on it."""
    import boto3  # comes with moto[server]; used only to prepare the server

    assert MOTO_SERVER is not None
    port = free_port()
    log = (tmp_path_factory.mktemp("moto") / "moto.log").open("wb")
    env = {**os.environ, "INITIAL_NO_AUTH_ACTION_COUNT": str(SETUP_ACTIONS)}
    process = subprocess.Popen(
        [MOTO_SERVER, "-H", "127.0.0.1", "-p", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    try:
        wait_for_port(port, timeout=60)
        endpoint = f"http://127.0.0.1:{port}"
        setup = {"endpoint_url": endpoint, "region_name": REGION}
        setup |= {"aws_access_key_id": "setup", "aws_secret_access_key": "setup"}
        iam = boto3.client("iam", **setup)
        iam.create_user(UserName="intake")
        key = iam.create_access_key(UserName="intake")["AccessKey"]
        policy = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}
        iam.put_user_policy(UserName="intake", PolicyName="materials", PolicyDocument=json.dumps(policy))
        boto3.client("s3", **setup).create_bucket(
            Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION}
        )
        yield {"endpoint": endpoint, "access_key": key["AccessKeyId"], "secret_key": key["SecretAccessKey"]}
    finally:
        process.terminate()
        process.wait(10)
        log.close()


@pytest.fixture
async def s3(s3_server: dict[str, str]) -> AsyncIterator[S3Storage]:
    storage = S3Storage(bucket=BUCKET, region=REGION, **s3_server)
    yield storage
    await storage.close()


async def chunks_of(data: bytes, size: int = 64 * 1024) -> AsyncIterator[bytes]:
    for start in range(0, len(data), size):
        yield data[start : start + size]


async def read_all(storage: S3Storage, key: str) -> bytes:
    return b"".join([chunk async for chunk in await storage.read(key)])


async def test_put_get_delete_round_trip_keeps_every_byte(s3: S3Storage) -> None:
    data = os.urandom(700 * 1024)  # several chunks each way
    sha256 = hashlib.sha256(data).hexdigest()
    await s3.put("app-1/file-1", chunks_of(data), size=len(data), sha256=sha256)
    assert hashlib.sha256(await read_all(s3, "app-1/file-1")).hexdigest() == sha256
    await s3.delete("app-1/file-1")
    with pytest.raises(StoredObjectMissing):
        await s3.read("app-1/file-1")


async def test_a_missing_object_is_a_clear_error(s3: S3Storage) -> None:
    with pytest.raises(StoredObjectMissing, match="NoSuchKey"):
        await s3.read("never/stored")


async def test_bytes_that_do_not_match_the_announced_sha256_are_refused(s3: S3Storage) -> None:
    data = b"%PDF-1.7 the real bytes"
    with pytest.raises(StorageError):
        await s3.put("app-1/corrupt", chunks_of(data), size=len(data), sha256=hashlib.sha256(b"other").hexdigest())
    with pytest.raises(StoredObjectMissing):
        await s3.read("app-1/corrupt")


async def test_a_wrong_secret_is_a_clear_access_error(s3_server: dict[str, str]) -> None:
    wrong = S3Storage(bucket=BUCKET, region=REGION, **{**s3_server, "secret_key": "not-the-secret"})
    try:
        with pytest.raises(StorageAccessDenied, match="SignatureDoesNotMatch"):
            await wrong.put("app-1/x", chunks_of(PDF), size=len(PDF), sha256=hashlib.sha256(PDF).hexdigest())
        with pytest.raises(StorageAccessDenied):
            await wrong.read("app-1/x")
    finally:
        await wrong.close()


@pytest.fixture
def intake_options(s3_server: dict[str, str]) -> dict[str, Any]:
    """intake configured the way production is: INTAKE_STORAGE_BACKEND=s3 and the S3 settings."""
    return {
        "storage_backend": "s3",
        "s3_endpoint": s3_server["endpoint"],
        "s3_bucket": BUCKET,
        "s3_region": REGION,
        "s3_access_key": s3_server["access_key"],
        "s3_secret_key": s3_server["secret_key"],
    }


async def test_intake_stores_uploads_in_s3_and_serves_them_by_signed_link(intake: Intake, s3: S3Storage) -> None:
    draft = await intake.draft(T01)
    material = (await intake.upload(draft["id"], "BIRTH_CERT_FORM", PDF)).json()
    assert material["sha256"] == hashlib.sha256(PDF).hexdigest()
    assert await read_all(s3, f"{draft['id']}/{material['id']}") == PDF  # in the bucket, not on disk
    assert not Path(intake.settings.storage_dir or "").joinpath(draft["id"]).exists()
    path = f"/v1/materials/{material['id']}/content"
    response = await intake.client.get(sign_path(path, secret=DEV_INTERNAL_SECRET))
    assert response.status_code == 200 and response.content == PDF
    assert response.headers["etag"] == f'"{material["sha256"]}"'
