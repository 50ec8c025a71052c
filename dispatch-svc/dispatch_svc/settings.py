"""OneVisit dispatch settings, from the environment with the `DISPATCH_` prefix."""

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from onevisit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="DISPATCH_", extra="ignore")

    service_name: str = "dispatch-svc"
    port: int = 8003
    database_schema: str | None = "dispatch"

    @model_validator(mode="after")
    def _embedded_database(self) -> "Settings":
        if not self.database_url:
            self.database_url = self.default_sqlite_url("dispatch")
        return self
