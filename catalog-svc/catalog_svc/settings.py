"""OneVisit catalog settings, from the environment with the `CATALOG_` prefix."""

from pydantic import model_validator
from pydantic_settings import SettingsConfigDict

from onevisit.settings import ServiceSettings


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="CATALOG_", extra="ignore")

    service_name: str = "catalog-svc"
    port: int = 8001
    database_schema: str | None = "catalog"

    @model_validator(mode="after")
    def _embedded_database(self) -> "Settings":
        if not self.database_url:
            self.database_url = self.default_sqlite_url("catalog")
        return self
