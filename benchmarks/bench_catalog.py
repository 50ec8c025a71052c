"""Evaluate requests per second and p50/p99 latency against catalog-svc running as a real
uvicorn process (one worker) on a temporary SQLite database seeded with the built-in bundles.

Two loads: the newborn bundle with its default answers (the hot path, memoised per version), and
a mix over every seeded bundle with several answer sets each. `CONCURRENCY` requests in flight
over aiohttp, after a warm-up.

    python -m benchmarks.bench_catalog        # BENCH_CATALOG_REQUESTS=3000 BENCH_CATALOG_CONCURRENCY=32
"""

import asyncio
import itertools
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import aiohttp

from catalog_svc.seed.loader import seed_database
from onevisit.db import create_engine, create_session_factory
from tests.support.infra import NatsServer, TestDatabase, free_port, migrate, unique_namespace, wait_for_port

REQUESTS = int(os.environ.get("BENCH_CATALOG_REQUESTS", "3000"))
CONCURRENCY = int(os.environ.get("BENCH_CATALOG_CONCURRENCY", "32"))


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def scenarios(bundles: list[dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    """Per bundle: the defaults, and each question flipped on its own."""
    found: list[tuple[str, dict[str, Any]]] = []
    for bundle in bundles:
        found.append((bundle["code"], {"answers": {}}))
        for question in bundle["questions"]:
            if question["type"] == "boolean":
                value: Any = not question["default"]
            elif question["type"] == "single":
                value = question["options"][-1]["value"]
            else:
                value = [question["options"][0]["value"]]
            found.append((bundle["code"], {"answers": {question["code"]: value}}))
    return found


async def load(
    session: aiohttp.ClientSession, base: str, work: list[tuple[str, dict[str, Any]]], total: int
) -> tuple[float, list[float], int]:
    latencies: list[float] = []
    failures = 0
    source = itertools.islice(itertools.cycle(work), total)

    async def worker() -> None:
        nonlocal failures
        for code, body in source:
            started = time.perf_counter()
            async with session.post(f"{base}/v1/bundles/{code}/evaluate", json=body) as response:
                await response.read()
                # A flipped answer may leave no item (422): still a full evaluation, counted.
                if response.status not in (200, 422):
                    failures += 1
            latencies.append(time.perf_counter() - started)

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return time.perf_counter() - started, latencies, failures


def report(label: str, elapsed: float, latencies: list[float], failures: int) -> None:
    print(
        f"{label:<44} {len(latencies) / elapsed:8.0f} req/s   p50 {percentile(latencies, 0.5) * 1000:6.2f} ms"
        f"   p99 {percentile(latencies, 0.99) * 1000:6.2f} ms   failures {failures}",
        flush=True,
    )


def start_catalog(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    args = [sys.executable, "-m", "uvicorn", "catalog_svc.main:create_app", "--factory", "--port", str(port)]
    return subprocess.Popen([*args, "--log-level", "warning", "--no-access-log"], env={**os.environ, **env})


async def run(workdir: Path) -> None:
    nats = NatsServer(workdir / "nats").start()
    database = TestDatabase(workdir, "catalog")
    process: subprocess.Popen[bytes] | None = None
    try:
        await migrate("catalog_svc", database)
        engine = create_engine(database.url, schema=database.schema)
        await seed_database(create_session_factory(engine))
        await engine.dispose()
        port = free_port()
        env = {
            "CATALOG_DATABASE_URL": database.url,
            "CATALOG_DATABASE_SCHEMA": database.schema or "",
            "CATALOG_NATS_URL": nats.url,
            "CATALOG_BUS_NAMESPACE": unique_namespace(),
            "CATALOG_ENVIRONMENT": "test",
            "CATALOG_LOG_LEVEL": "WARNING",
        }
        process = start_catalog(port, env)
        await asyncio.to_thread(wait_for_port, port)
        base = f"http://127.0.0.1:{port}"
        connector = aiohttp.TCPConnector(limit=CONCURRENCY)
        async with aiohttp.ClientSession(connector=connector) as session:
            async with session.get(f"{base}/v1/bundles", params={"limit": "100"}) as response:
                codes = [b["code"] for b in (await response.json())["items"]]
            bundles = []
            for code in codes:
                async with session.get(f"{base}/v1/bundles/{code}") as response:
                    bundles.append(await response.json())
            mix = scenarios(bundles)
            await load(session, base, mix, len(mix) * 2)  # warm-up: parse every version once
            print(f"catalog-svc, 1 uvicorn worker, SQLite, {CONCURRENCY} in flight, {REQUESTS} requests per load")
            report("evaluate B01 default answers", *await load(session, base, [("B01", {"answers": {}})], REQUESTS))
            report(
                f"evaluate mix ({len(bundles)} bundles, {len(mix)} answer sets)",
                *await load(session, base, mix, REQUESTS),
            )
    finally:
        if process is not None:
            process.terminate()
            process.wait(10)
        nats.stop()
        await database.drop()


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-catalog-") as workdir:
        asyncio.run(run(Path(workdir)))


if __name__ == "__main__":
    main()
