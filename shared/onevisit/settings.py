"""Settings base shared by every service; each service subclasses it with its own env prefix."""

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

# Embedded defaults keep `make run` free of any manual step: data lives under var/.
DEFAULT_VAR_DIR = Path.cwd() / "var"
DEV_INTERNAL_SECRET = "onevisit-dev-internal-secret-change-me"


class ServiceSettings(BaseSettings):
    """What every OneVisit service needs: where it listens, its database, the bus, identity."""

    model_config = SettingsConfigDict(extra="ignore")

    service_name: str = "onevisit"
    host: str = "127.0.0.1"
    port: int = 8000
    database_url: str = ""
    # PostgreSQL schema of this service (one schema per service when they share a database).
    database_schema: str | None = None
    nats_url: str = "nats://127.0.0.1:14222"
    # Prefix of every subject and stream; tests set their own so runs never share state.
    bus_namespace: str = "onevisit"
    # Signs the internal identity the gateway forwards; every service checks it.
    internal_secret: str = DEV_INTERNAL_SECRET
    # `development` enables the dev identity provider and friendly defaults; never in production.
    environment: str = Field(default="development", pattern="^(development|test|production)$")
    # Embedded data (SQLite files, stored materials) lives here.
    var_dir: Path = DEFAULT_VAR_DIR
    log_level: str = "INFO"
    log_json: bool = True
    outbox_poll_seconds: float = 0.5

    @property
    def is_development(self) -> bool:
        return self.environment in {"development", "test"}

    def default_sqlite_url(self, name: str) -> str:
        self.var_dir.mkdir(parents=True, exist_ok=True)
        return f"sqlite+aiosqlite:///{self.var_dir.resolve() / name}.db"
