"""notify-svc as a real uvicorn process (for the kill -9 test and the benchmark)."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.infra import free_port, wait_for_port


class NotifyProcess:
    def __init__(
        self, *, database_url: str, schema: str | None, nats_url: str, namespace: str, workdir: Path, **settings: str
    ):
        self.port = free_port()
        self.env = {
            **os.environ,
            "NOTIFY_DATABASE_URL": database_url,
            "NOTIFY_NATS_URL": nats_url,
            "NOTIFY_BUS_NAMESPACE": namespace,
            "NOTIFY_PORT": str(self.port),
            "NOTIFY_ENVIRONMENT": "test",
            "NOTIFY_LOG_LEVEL": "WARNING",
            "NOTIFY_VAR_DIR": str(workdir),
            "NOTIFY_CATALOG_URL": "http://127.0.0.1:9",
            **{f"NOTIFY_{k.upper()}": v for k, v in settings.items()},
        }
        if schema:
            self.env["NOTIFY_DATABASE_SCHEMA"] = schema
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> "NotifyProcess":
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "notify_svc.main:create_app",
                "--factory",
                "--host",
                "127.0.0.1",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            env=self.env,
            cwd=self.workdir,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, timeout=30)
        return self

    def kill(self) -> None:
        """kill -9: no lifespan shutdown, nothing flushed, in-flight messages unacked."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
