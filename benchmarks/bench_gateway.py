"""A catalog read through the gateway and directly to catalog-svc, in the same run: requests per
second, p50/p99, and the ratio (goal ≥ 0.7). Both run as real uvicorn processes (one worker
each) on temporary SQLite databases, the catalog seeded with the built-in bundles; the load is
`CONCURRENCY` requests in flight over aiohttp, after a warm-up, the two targets alternated.

    python -m benchmarks.bench_gateway     # BENCH_GATEWAY_REQUESTS=4000 BENCH_GATEWAY_CONCURRENCY=32
"""

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from catalog_svc.seed.loader import seed_database
from onevisit.db import create_engine, create_session_factory
from onevisit.migrations import upgrade_database
from tests.support.infra import NatsServer, TestDatabase, free_port, migrate, unique_namespace, wait_for_port

REQUESTS = int(os.environ.get("BENCH_GATEWAY_REQUESTS", "4000"))
CONCURRENCY = int(os.environ.get("BENCH_GATEWAY_CONCURRENCY", "32"))
ROUNDS = 2
PATH = "/v1/bundles/B01"


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


async def load(session: aiohttp.ClientSession, url: str, total: int) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    failures = 0
    remaining = total

    async def worker() -> None:
        nonlocal failures, remaining
        while remaining > 0:
            remaining -= 1
            started = time.perf_counter()
            async with session.get(url) as response:
                await response.read()
                if response.status != 200:
                    failures += 1
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return time.perf_counter() - started, latencies, failures


def uvicorn(app: str, port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    args = [
        sys.executable,
        "-m",
        "uvicorn",
        app,
        "--factory",
        "--port",
        str(port),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    return subprocess.Popen(args, env={**os.environ, **env})


async def run(workdir: Path) -> None:
    nats = NatsServer(workdir / "nats").start()
    catalog_db = TestDatabase(workdir, "catalog")
    gateway_db = TestDatabase(workdir, "gateway")
    processes: list[subprocess.Popen[bytes]] = []
    try:
        await migrate("catalog_svc", catalog_db)
        engine = create_engine(catalog_db.url, schema=catalog_db.schema)
        await seed_database(create_session_factory(engine))
        await engine.dispose()
        await asyncio.to_thread(upgrade_database, "gateway", gateway_db.url, gateway_db.schema)
        catalog_port, gateway_port = free_port(), free_port()
        processes.append(
            uvicorn(
                "catalog_svc.main:create_app",
                catalog_port,
                {
                    "CATALOG_DATABASE_URL": catalog_db.url,
                    "CATALOG_DATABASE_SCHEMA": catalog_db.schema or "",
                    "CATALOG_NATS_URL": nats.url,
                    "CATALOG_BUS_NAMESPACE": unique_namespace(),
                    "CATALOG_ENVIRONMENT": "test",
                    "CATALOG_LOG_LEVEL": "WARNING",
                },
            )
        )
        processes.append(
            uvicorn(
                "gateway.main:create_app",
                gateway_port,
                {
                    "GATEWAY_DATABASE_URL": gateway_db.url,
                    "GATEWAY_DATABASE_SCHEMA": gateway_db.schema or "",
                    "GATEWAY_NATS_URL": nats.url,
                    "GATEWAY_BUS_NAMESPACE": unique_namespace(),
                    "GATEWAY_ENVIRONMENT": "test",
                    "GATEWAY_LOG_LEVEL": "WARNING",
                    "GATEWAY_CATALOG_URL": f"http://127.0.0.1:{catalog_port}",
                    # One load generator is one address: the per-IP bucket would measure itself, not the proxy.
                    "GATEWAY_RATE_LIMIT_IP_PER_SECOND": "1000000",
                    "GATEWAY_RATE_LIMIT_IP_BURST": "1000000",
                },
            )
        )
        for port in (catalog_port, gateway_port):
            await asyncio.to_thread(wait_for_port, port)
        direct = f"http://127.0.0.1:{catalog_port}{PATH}"
        through = f"http://127.0.0.1:{gateway_port}{PATH}"
        connector = aiohttp.TCPConnector(limit=CONCURRENCY)
        async with aiohttp.ClientSession(connector=connector) as session:
            for url in (direct, through):
                await load(session, url, 500)  # warm-up: connections, caches
            results: dict[str, list[tuple[float, list[float], int]]] = {"direct": [], "gateway": []}
            for _ in range(ROUNDS):
                results["direct"].append(await load(session, direct, REQUESTS // ROUNDS))
                results["gateway"].append(await load(session, through, REQUESTS // ROUNDS))
        print(f"GET {PATH}: 1 uvicorn worker each, SQLite, {CONCURRENCY} in flight, {REQUESTS} requests per target")
        rates = {}
        for label, runs in results.items():
            elapsed = sum(r[0] for r in runs)
            latencies = [lat for r in runs for lat in r[1]]
            failures = sum(r[2] for r in runs)
            rates[label] = len(latencies) / elapsed
            print(
                f"{label:<10} {rates[label]:8.0f} req/s   p50 {percentile(latencies, 0.5) * 1000:6.2f} ms"
                f"   p99 {percentile(latencies, 0.99) * 1000:6.2f} ms   failures {failures}",
                flush=True,
            )
        print(f"ratio gateway/direct {rates['gateway'] / rates['direct']:.2f} (goal >= 0.70)", flush=True)
    finally:
        for process in processes:
            process.terminate()
            process.wait(10)
        nats.stop()
        await catalog_db.drop()
        await gateway_db.drop()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-gateway-") as workdir:
        asyncio.run(run(Path(workdir)))


if __name__ == "__main__":
    main()
