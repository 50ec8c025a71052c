"""OneVisit gateway settings, from the environment with the `GATEWAY_` prefix."""

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from onevisit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    port: int = 8000
    database_schema: str | None = "gateway"

    @model_validator(mode="after")
    def _embedded_database(self) -> "Settings":
        if not self.database_url:
            self.database_url = self.default_sqlite_url("gateway")
        return self
