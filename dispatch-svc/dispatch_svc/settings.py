"""OneVisit dispatch settings, from the environment with the `DISPATCH_` prefix."""

from pathlib import Path

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from onevisit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DISPATCH_", extra="ignore")

    service_name: str = "dispatch-svc"
    port: int = 8003
    database_schema: str | None = "dispatch"
    # Bundle versions come from here (cached by code and version, they never change).
    catalog_url: str = "http://127.0.0.1:8001"
    catalog_timeout_seconds: float = 5.0
    # Material links in tasks point at the gateway, which routes /v1/materials/* to intake.
    public_base_url: str = "http://127.0.0.1:8000"
    # A department may open a task days after it arrived; links are re-signed on every pull.
    material_link_ttl_seconds: int = 7 * 24 * 3600
    # Webhook departments: exponential backoff with full jitter, capped, then a dead letter.
    webhook_timeout_seconds: float = 10.0
    webhook_backoff_base_seconds: float = 1.0
    webhook_backoff_max_seconds: float = 300.0
    webhook_max_attempts: int = 20
    webhook_poll_seconds: float = 0.5
    # How long a replica owns a delivery it is posting before another may try it.
    webhook_lease_seconds: float = 60.0
    # Time-limit scanner: how often it looks, and the share of the promised time that turns yellow.
    scanner_interval_seconds: float = 60.0
    yellow_threshold: float = 0.8
    # A YAML year table (`onevisit.calendar.load_year_tables`) adding the holiday years
    # `chinese_calendar` does not know yet, or replacing a year it got wrong; unset, the
    # platform-wide ONEVISIT_HOLIDAYS_FILE applies, if any.
    holidays_file: Path | None = None

    @model_validator(mode="after")
    def _embedded_database(self) -> "Settings":
        if not self.database_url:
            self.database_url = self.default_sqlite_url("dispatch")
        return self
