"""OneVisit gateway settings, from the environment with the `GATEWAY_` prefix."""

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from onevisit.settings import ServiceSettings

# Only for the embedded default; production must set GATEWAY_TOKEN_SECRET and GATEWAY_KEY_SECRET.
DEV_TOKEN_SECRET = "onevisit-dev-gateway-token-secret-change-me"
DEV_KEY_SECRET = "onevisit-dev-gateway-key-secret-change-me"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="GATEWAY_", extra="ignore")

    service_name: str = "gateway"
    port: int = 8000
    database_schema: str | None = "gateway"

    # Where the services listen (docs/internal-contracts.md); a path prefix is allowed.
    catalog_url: str = "http://127.0.0.1:8001"
    intake_url: str = "http://127.0.0.1:8002"
    dispatch_url: str = "http://127.0.0.1:8003"
    notify_url: str = "http://127.0.0.1:8004"
    upstream_connect_timeout_seconds: float = 2.0
    upstream_read_timeout_seconds: float = 30.0
    # Idempotent reads (GET, HEAD) are retried this many times after a connection failure.
    upstream_read_retries: int = 2
    upstream_max_connections: int = 200

    # Public tokens (the mini-program, clerks, operators): HS256 JWTs signed with this secret.
    token_secret: str = DEV_TOKEN_SECRET
    access_token_ttl_seconds: int = Field(default=900, ge=30)
    refresh_token_ttl_seconds: int = Field(default=7 * 24 * 3600, ge=60)
    # API-key secrets are derived from this secret and a per-key salt, so the database alone
    # never reveals a key.
    key_secret: str = DEV_KEY_SECRET
    signature_tolerance_seconds: int = 300
    # A production identity provider: an external service exchanging a mini-program login code.
    identity_provider_url: str | None = None
    identity_provider_name: str = "external"
    identity_provider_timeout_seconds: float = 5.0

    # Token buckets: sustained requests per second and burst, per client IP and per caller.
    rate_limit_ip_per_second: float = 200.0
    rate_limit_ip_burst: int = 400
    rate_limit_client_per_second: float = 50.0
    rate_limit_client_burst: int = 100
    # Bodies: JSON requests, and multipart uploads of materials.
    max_body_bytes: int = 1024 * 1024
    max_upload_bytes: int = 20 * 1024 * 1024
    # H5 pages served from other origins; "*" only suits development.
    cors_origins: list[str] = Field(default_factory=lambda: ["*"])
    # How long the merged OpenAPI document is kept before the services are asked again.
    openapi_cache_seconds: float = 60.0

    @model_validator(mode="after")
    def _embedded_database(self) -> "Settings":
        if not self.database_url:
            self.database_url = self.default_sqlite_url("gateway")
        return self

    @model_validator(mode="after")
    def _no_dev_secrets_in_production(self) -> "Settings":
        dev_secrets = {DEV_TOKEN_SECRET, DEV_KEY_SECRET}
        if not self.is_development and dev_secrets & {self.token_secret, self.key_secret}:
            raise ValueError("GATEWAY_TOKEN_SECRET and GATEWAY_KEY_SECRET must be set in production")
        return self

    def service_urls(self) -> dict[str, str]:
        return {
            "catalog": self.catalog_url,
            "intake": self.intake_url,
            "dispatch": self.dispatch_url,
            "notify": self.notify_url,
        }
