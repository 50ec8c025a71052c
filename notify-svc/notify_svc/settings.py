"""OneVisit notify settings, from the environment with the `NOTIFY_` prefix."""

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from onevisit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    service_name: str = "notify-svc"
    port: int = 8004
    database_schema: str | None = "notify"

    @model_validator(mode="after")
    def _embedded_database(self) -> "Settings":
        if not self.database_url:
            self.database_url = self.default_sqlite_url("notify")
        return self
