"""Submissions per second and p50/p99 submit latency for a 6-item bundle (B01, items I01-I06),
directly against intake and through the gateway, with intake, catalog and gateway as real
uvicorn processes (one worker each); on SQLite, and on PostgreSQL too when
ONEVISIT_TEST_DATABASE_URL is set.

For each path, drafts are prepared first (created, filled, one material uploaded) and not timed;
then every draft is submitted with `CONCURRENCY` requests in flight. Direct requests carry the
internal identity the gateway would forward; through the gateway they carry the bearer token of
a `dev` login. Also reported: how long until the relay has published every
`application.submitted` of that path to JetStream. Intake reads no licences here (no notify-svc).

    python -m benchmarks.bench_intake          # BENCH_INTAKE_SUBMISSIONS=300 BENCH_INTAKE_CONCURRENCY=16
"""

import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

import aiohttp

from catalog_svc.seed.loader import seed_database
from onevisit.auth import Identity, encode_internal_identity
from onevisit.bus import Bus
from onevisit.db import create_engine, create_session_factory
from onevisit.migrations import upgrade_database
from onevisit.settings import DEV_INTERNAL_SECRET
from tests.support.infra import NatsServer, TestDatabase, free_port, migrate, unique_namespace, wait_for_port

SUBMISSIONS = int(os.environ.get("BENCH_INTAKE_SUBMISSIONS", "300"))
CONCURRENCY = int(os.environ.get("BENCH_INTAKE_CONCURRENCY", "16"))
ITEMS = ["I01", "I02", "I03", "I04", "I05", "I06"]
FORM_DATA = {
    "child": {
        "name": "张小明",
        "gender": "男",
        "birth_date": "2025-03-01",
        "birth_place": "市妇幼保健院",
        "ethnicity": "汉族",
    },
    "mother": {"name": "张三", "id_number": "11010519491231002X"},
    "father": {"name": "李四", "id_number": "360426199101010071"},
    "household": {"side": "随母"},
    "applicant": {"relationship": "母亲"},
}
PDF = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
APPLICANT = {"subject": "11010519491231002X", "name": "张三", "phone": "13800138000", "role": "citizen"}
# One load generator is one address and one login: the gateway's rate limits would measure
# themselves, not the path.
NO_RATE_LIMITS = {
    f"GATEWAY_RATE_LIMIT_{who}_{what}": "1000000" for who in ("IP", "CLIENT") for what in ("PER_SECOND", "BURST")
}


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def start_service(package: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "uvicorn", f"{package}.main:create_app", "--factory", "--port", str(port)]
    return subprocess.Popen([*args, "--log-level", "warning", "--no-access-log"], env={**os.environ, **env})


async def run(label: str, workdir: Path, nats_url: str) -> None:
    databases = {name: TestDatabase(workdir, name) for name in ("catalog", "intake", "gateway")}
    namespace = unique_namespace()
    processes: list[subprocess.Popen[bytes]] = []
    try:
        await migrate("catalog_svc", databases["catalog"])
        await migrate("intake_svc", databases["intake"])
        await asyncio.to_thread(upgrade_database, "gateway", databases["gateway"].url, databases["gateway"].schema)
        engine = create_engine(databases["catalog"].url, schema=databases["catalog"].schema)
        await seed_database(create_session_factory(engine))
        await engine.dispose()
        ports = {name: free_port() for name in databases}
        for package, env in service_envs(databases, ports, nats_url, namespace, workdir).items():
            processes.append(start_service(package, ports[package.removesuffix("_svc")], env))
        for port in ports.values():
            wait_for_port(port, timeout=60)

        direct = f"http://127.0.0.1:{ports['intake']}"
        through = f"http://127.0.0.1:{ports['gateway']}"
        published = 0
        for path, base, headers in (
            ("intake direct", direct, {"X-OneVisit-Identity": internal_token()}),
            ("through gateway", through, await bearer(through)),
        ):
            elapsed, latencies, relayed = await measure(base, headers, nats_url, namespace, published)
            published += SUBMISSIONS
            print(
                f"{path}, {label}: {SUBMISSIONS} submissions of a 6-item bundle, {CONCURRENCY} in flight: "
                f"{SUBMISSIONS / elapsed:.0f} submissions/s, p50 {statistics.median(latencies) * 1000:.1f} ms, "
                f"p99 {percentile(latencies, 0.99) * 1000:.1f} ms; all {SUBMISSIONS} events in JetStream after "
                f"{relayed:.2f} s",
                flush=True,
            )
        bus = await Bus.connect(nats_url, namespace=namespace)
        await bus.delete_streams()
        await bus.close()
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        for database in databases.values():
            await database.drop()


def service_envs(
    databases: dict[str, TestDatabase], ports: dict[str, int], nats_url: str, namespace: str, workdir: Path
) -> dict[str, dict[str, str]]:
    common = {"NATS_URL": nats_url, "BUS_NAMESPACE": namespace, "ENVIRONMENT": "test", "LOG_LEVEL": "WARNING"}

    def env(prefix: str, name: str) -> dict[str, str]:
        database = databases[name]
        own = {"DATABASE_URL": database.url, "DATABASE_SCHEMA": database.schema or ""}
        return {f"{prefix}_{k}": v for k, v in (common | own).items()}

    return {
        "catalog_svc": env("CATALOG", "catalog"),
        "intake_svc": env("INTAKE", "intake")
        | {
            "INTAKE_CATALOG_URL": f"http://127.0.0.1:{ports['catalog']}",
            "INTAKE_STORAGE_DIR": str(workdir / "materials"),
            "INTAKE_VAR_DIR": str(workdir),
            "INTAKE_PREFILL_LICENCES": "false",
        },
        "gateway": env("GATEWAY", "gateway")
        | NO_RATE_LIMITS
        | {
            "GATEWAY_CATALOG_URL": f"http://127.0.0.1:{ports['catalog']}",
            "GATEWAY_INTAKE_URL": f"http://127.0.0.1:{ports['intake']}",
        },
    }


def internal_token() -> str:
    identity = Identity(subject=APPLICANT["subject"], role="citizen", name=APPLICANT["name"], phone=APPLICANT["phone"])
    return encode_internal_identity(identity, DEV_INTERNAL_SECRET, ttl=timedelta(hours=1))


async def bearer(gateway: str) -> dict[str, str]:
    async with aiohttp.ClientSession(gateway) as http:
        async with http.post("/v1/auth/login", json={"provider": "dev", **APPLICANT}) as response:
            assert response.status == 200, await response.text()
            return {"Authorization": f"Bearer {(await response.json())['access_token']}"}


async def measure(
    base: str, headers: dict[str, str], nats_url: str, namespace: str, published_before: int
) -> tuple[float, list[float], float]:
    """Seconds for every submission, each one's latency, seconds until JetStream had every event."""
    connector = aiohttp.TCPConnector(limit=CONCURRENCY)
    async with aiohttp.ClientSession(base, headers=headers, connector=connector) as http:
        gate = asyncio.Semaphore(CONCURRENCY)

        async def prepare() -> str:
            async with gate:
                async with http.post("/v1/applications", json={"bundle_code": "B01", "items": ITEMS}) as r:
                    assert r.status == 201, await r.text()
                    app_id = (await r.json())["id"]
                async with http.patch(f"/v1/applications/{app_id}", json={"form_data": FORM_DATA}) as r:
                    assert r.status == 200, await r.text()
                form = aiohttp.FormData()
                form.add_field("material_code", "BIRTH_CERT_FORM")
                form.add_field("file", PDF, filename="form.pdf")
                async with http.post(f"/v1/applications/{app_id}/materials", data=form) as r:
                    assert r.status == 201, await r.text()
                return app_id

        drafts = await asyncio.gather(*(prepare() for _ in range(SUBMISSIONS)))
        latencies: list[float] = []

        async def submit(app_id: str) -> None:
            async with gate:
                started = time.perf_counter()
                async with http.post(
                    f"/v1/applications/{app_id}/submit", headers={"Idempotency-Key": f"bench-{app_id}"}
                ) as r:
                    await r.read()
                    assert r.status == 202, r.status
                latencies.append(time.perf_counter() - started)

        started = time.perf_counter()
        await asyncio.gather(*(submit(a) for a in drafts))
        elapsed = time.perf_counter() - started

    bus = await Bus.connect(nats_url, namespace=namespace)
    try:
        while (await bus.js.stream_info(bus.stream("APPLICATIONS"))).state.messages < published_before + SUBMISSIONS:
            if time.perf_counter() - started > 120:
                raise TimeoutError("the relay did not publish every event within 120 s")
            await asyncio.sleep(0.01)
        relayed = time.perf_counter() - started
    finally:
        await bus.close()
    return elapsed, latencies, relayed


async def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-intake-") as tmp:
        workdir = Path(tmp)
        external_nats = os.environ.get("ONEVISIT_TEST_NATS_URL")
        nats = None if external_nats else NatsServer(workdir / "nats").start()
        nats_url = external_nats or nats.url  # type: ignore[union-attr]
        try:
            database_url = os.environ.pop("ONEVISIT_TEST_DATABASE_URL", None)
            import tests.support.infra as infra

            infra.EXTERNAL_DATABASE_URL = None
            await run("SQLite", workdir, nats_url)
            if database_url:
                infra.EXTERNAL_DATABASE_URL = database_url
                await run("PostgreSQL", workdir, nats_url)
        finally:
            if nats:
                nats.stop()


if __name__ == "__main__":
    asyncio.run(main())
