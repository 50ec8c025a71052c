"""OneVisit intake settings, from the environment with the `INTAKE_` prefix."""

from pathlib import Path

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from onevisit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    service_name: str = "intake-svc"
    port: int = 8002
    database_schema: str | None = "intake"

    catalog_url: str = "http://127.0.0.1:8001"
    # notify-svc holds the applicant's electronic licences (电子证照) used for prefill and 免提交.
    notify_url: str = "http://127.0.0.1:8004"
    catalog_timeout_seconds: float = 5.0

    # Uploaded material files; local disk under var/ unless another storage is wired in.
    storage_dir: Path | None = None
    max_upload_bytes: int = 20 * 1024 * 1024

    # Shared-data providers (数据跑代替群众跑): field key prefix → base URL of an HTTP provider.
    # e.g. INTAKE_PREFILL_PROVIDERS='{"household": "http://data.example.gov/api"}'
    prefill_providers: dict[str, str] = Field(default_factory=dict)
    # The built-in sample population and enterprise registry; on for the embedded default only.
    prefill_builtin_samples: bool = True
    prefill_timeout_seconds: float = 1.5
    # Circuit breaker: after this many failures in a row a provider is skipped for the cool-down.
    prefill_breaker_failures: int = 3
    prefill_breaker_cooldown_seconds: float = 30.0
    # Read the applicant's licences from notify-svc (at `notify_url`, with the prefill timeout and
    # circuit breaker) for prefill and 免提交; off when notify is not part of the deployment.
    prefill_licences: bool = True

    @model_validator(mode="after")
    def _embedded_database(self) -> "Settings":
        if not self.database_url:
            self.database_url = self.default_sqlite_url("intake")
        if self.storage_dir is None:
            self.storage_dir = self.var_dir / "intake-materials"
        return self
