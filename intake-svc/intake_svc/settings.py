"""OneVisit intake settings, from the environment with the `INTAKE_` prefix."""

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from onevisit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="INTAKE_", extra="ignore")

    service_name: str = "intake-svc"
    port: int = 8002
    database_schema: str | None = "intake"

    @model_validator(mode="after")
    def _embedded_database(self) -> "Settings":
        if not self.database_url:
            self.database_url = self.default_sqlite_url("intake")
        return self
