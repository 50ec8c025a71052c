"""Static checks of deploy/docker-compose.yml: no docker engine runs here, so the compose file is
read as YAML and checked against the services' real Settings classes and packages."""

import importlib
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from pydantic_settings import BaseSettings

DEPLOY = Path(__file__).resolve().parents[2] / "deploy"
COMPOSE_FILE = DEPLOY / "docker-compose.yml"


@dataclass(frozen=True)
class AppService:
    name: str  # the compose service
    package: str
    settings: str  # "module:Class"
    migrated: bool = True

    def settings_class(self) -> type[BaseSettings]:
        module, _, cls = self.settings.partition(":")
        return getattr(importlib.import_module(module), cls)

    def env_prefix(self) -> str:
        return self.settings_class().model_config["env_prefix"]


APP_SERVICES = [
    AppService("gateway", "gateway", "gateway.settings:Settings"),
    AppService("catalog-svc", "catalog_svc", "catalog_svc.settings:Settings"),
    AppService("intake-svc", "intake_svc", "intake_svc.settings:Settings"),
    AppService("dispatch-svc", "dispatch_svc", "dispatch_svc.settings:Settings"),
    AppService("notify-svc", "notify_svc", "notify_svc.settings:Settings"),
    AppService("simulator", "dept_simulator", "dept_simulator.settings:SimulatorSettings", migrated=False),
]
MIGRATED = [service for service in APP_SERVICES if service.migrated]
BY_NAME = {service.name: service for service in APP_SERVICES}


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, Any]:
    return compose["services"]


def environment_of(services: dict[str, Any], name: str) -> dict[str, str]:
    return {key: str(value) for key, value in services[name].get("environment", {}).items()}


def port_of(service: AppService, environment: dict[str, str]) -> int:
    """The port the service listens on: its <PREFIX>_PORT when set, else the Settings default."""
    configured = environment.get(f"{service.env_prefix()}PORT")
    return int(configured) if configured else service.settings_class().model_fields["port"].default


def test_every_part_of_the_stack_is_there(services: dict[str, Any]) -> None:
    assert {service.name for service in APP_SERVICES} | {"postgres", "nats"} <= set(services)


@pytest.mark.parametrize("name", ["postgres", "nats", *BY_NAME])
def test_every_long_running_container_has_a_healthcheck(services: dict[str, Any], name: str) -> None:
    assert services[name]["healthcheck"]["test"]


@pytest.mark.parametrize("service", APP_SERVICES, ids=lambda s: s.name)
def test_healthcheck_asks_healthz_on_the_service_port(services: dict[str, Any], service: AppService) -> None:
    command = " ".join(services[service.name]["healthcheck"]["test"])
    port = port_of(service, environment_of(services, service.name))
    assert f"http://127.0.0.1:{port}/healthz" in command


@pytest.mark.parametrize("service", APP_SERVICES, ids=lambda s: s.name)
def test_environment_variables_are_real_settings(services: dict[str, Any], service: AppService) -> None:
    prefix = service.env_prefix()
    fields = service.settings_class().model_fields
    for variable in environment_of(services, service.name):
        assert variable.startswith(prefix), f"{service.name}: {variable} lacks the prefix {prefix}"
        assert variable.removeprefix(prefix).lower() in fields, f"{service.name}: {variable} is no setting"


@pytest.mark.parametrize("service", MIGRATED, ids=lambda s: s.name)
def test_production_settings_of_each_service(services: dict[str, Any], service: AppService) -> None:
    environment = environment_of(services, service.name)
    prefix = service.env_prefix()
    assert environment[f"{prefix}ENVIRONMENT"] == "production"
    assert environment[f"{prefix}HOST"] == "0.0.0.0"  # reachable from the other containers
    assert environment[f"{prefix}DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert urlsplit(environment[f"{prefix}DATABASE_URL"]).hostname == "postgres"
    assert urlsplit(environment[f"{prefix}NATS_URL"]).hostname == "nats"
    assert environment[f"{prefix}INTERNAL_SECRET"] == "${ONEVISIT_INTERNAL_SECRET}" or environment[
        f"{prefix}INTERNAL_SECRET"
    ].startswith("${ONEVISIT_INTERNAL_SECRET:?")


def test_each_service_has_its_own_schema(services: dict[str, Any]) -> None:
    schemas = [environment_of(services, s.name)[f"{s.env_prefix()}DATABASE_SCHEMA"] for s in MIGRATED]
    assert len(set(schemas)) == len(MIGRATED)


@pytest.mark.parametrize("service", MIGRATED, ids=lambda s: s.name)
def test_service_starts_after_its_migration(services: dict[str, Any], service: AppService) -> None:
    job = f"{service.name}-migrate"
    assert services[service.name]["depends_on"][job] == {"condition": "service_completed_successfully"}
    assert services[job]["command"] == ["python", "-m", service.package, "migrate"]
    # Same image and same environment, so the job migrates the database the service uses.
    assert services[job]["image"] == services[service.name]["image"]
    assert services[job]["build"] == services[service.name]["build"]
    assert environment_of(services, job) == environment_of(services, service.name)
    assert services[job]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_catalog_is_seeded_after_its_migration(services: dict[str, Any]) -> None:
    seed = services["catalog-svc-seed"]
    assert seed["command"] == ["python", "-m", "catalog_svc", "seed"]
    assert seed["depends_on"]["catalog-svc-migrate"] == {"condition": "service_completed_successfully"}
    assert services["catalog-svc"]["depends_on"]["catalog-svc-seed"] == {"condition": "service_completed_successfully"}


@pytest.mark.parametrize("service", APP_SERVICES, ids=lambda s: s.name)
def test_image_is_built_from_the_service_folder(services: dict[str, Any], service: AppService) -> None:
    build = services[service.name]["build"]
    context = (DEPLOY / build["context"]).resolve()
    assert (context / build["dockerfile"]).is_file()
    assert build["args"]["PACKAGE"] == service.package
    assert (context / build["args"]["SERVICE_DIR"] / service.package / "__main__.py").is_file()
    assert services[service.name]["command"][:3] == ["python", "-m", service.package]


@pytest.mark.parametrize("package", [s.package for s in MIGRATED])
def test_commands_exist_in_the_packages(package: str) -> None:
    commands = {"migrate", "serve", "seed"} if package == "catalog_svc" else {"migrate", "serve"}
    # --help stops argparse before any setting is read or database touched.
    usage = subprocess.run(
        [sys.executable, "-m", package, "--help"], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    choices = re.search(r"\{([a-z,]+)\}", usage)
    assert choices is not None and commands <= set(choices.group(1).split(",")), usage


def test_service_urls_name_compose_services_on_their_ports(services: dict[str, Any]) -> None:
    checked = 0
    for service in APP_SERVICES:
        for variable, value in environment_of(services, service.name).items():
            target = urlsplit(value)
            if not variable.endswith("_URL") or target.scheme != "http" or target.hostname not in BY_NAME:
                continue
            upstream = BY_NAME[target.hostname]
            assert target.port == port_of(upstream, environment_of(services, upstream.name)), variable
            checked += 1
    assert checked >= 8  # the gateway's four, intake's two, dispatch's and notify's catalog


def test_only_the_gateway_is_published_on_its_port(services: dict[str, Any]) -> None:
    published = {name: spec["ports"] for name, spec in services.items() if spec.get("ports")}
    assert published == {"gateway": ["8000:8000"]}
    assert port_of(BY_NAME["gateway"], environment_of(services, "gateway")) == 8000


def test_every_interpolated_variable_is_in_the_env_example() -> None:
    example = (DEPLOY / ".env.example").read_text(encoding="utf-8")
    defined = set(re.findall(r"^([A-Z_][A-Z0-9_]*)=", example, re.MULTILINE))
    used = set(re.findall(r"\$\{([A-Z_][A-Z0-9_]*)", COMPOSE_FILE.read_text(encoding="utf-8")))
    assert used and used <= defined, used - defined


def test_jetstream_keeps_its_files_on_a_volume(compose: dict[str, Any]) -> None:
    nats = compose["services"]["nats"]
    assert "--jetstream" in nats["command"]
    store = nats["command"][nats["command"].index("--store_dir") + 1]
    assert any(volume.endswith(f":{store}") for volume in nats["volumes"])
    assert "nats-data" in compose["volumes"]
