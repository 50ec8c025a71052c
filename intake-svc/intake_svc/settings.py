"""OneVisit intake settings, from the environment with the `INTAKE_` prefix."""

from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
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

    # Uploaded material files: `local` disk under var/ (embedded default) or an `s3`-compatible store.
    storage_backend: Literal["local", "s3"] = "local"
    storage_dir: Path | None = None
    # S3-compatible store (MinIO, Ceph, OSS/COS/S3): path-style URLs, AWS Signature Version 4.
    s3_endpoint: str | None = None  # e.g. https://minio.internal:9000
    s3_bucket: str | None = None
    s3_region: str = "us-east-1"
    s3_access_key: str | None = None
    s3_secret_key: SecretStr | None = None
    s3_timeout_seconds: float = 30.0
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

    @model_validator(mode="after")
    def _s3_complete(self) -> "Settings":
        if self.storage_backend == "s3":
            needed = {"s3_endpoint": self.s3_endpoint, "s3_bucket": self.s3_bucket}
            needed |= {"s3_access_key": self.s3_access_key, "s3_secret_key": self.s3_secret_key}
            missing = [f"INTAKE_{name.upper()}" for name, value in needed.items() if not value]
            if missing:
                raise ValueError(f"INTAKE_STORAGE_BACKEND=s3 needs {', '.join(missing)}")
        return self
