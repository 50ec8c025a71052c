"""OneVisit notify settings, from the environment with the `NOTIFY_` prefix."""

from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import SettingsConfigDict

from onevisit.settings import ServiceSettings

Channel = Literal["inbox", "sms", "mini_program"]


# sha256("dev-open311-key"): the development Open311 client's key, never valid in production.
DEV_OPEN311_KEY_DIGEST = "909f414b50045ffa04c1893dd485a4774d0902e9af6bce3b13bd3f967980a0ab"


class Settings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="NOTIFY_", extra="ignore")

    service_name: str = "notify-svc"
    port: int = 8004
    database_schema: str | None = "notify"
    catalog_url: str = "http://127.0.0.1:8001"

    # Delivery (一窗出件)
    default_delivery_method: Literal["window", "express", "electronic"] = "window"
    pickup_hall: str = "市政务服务中心一楼综合出件窗口"

    # Notifications: the channels every step goes out on (inbox always; sms when a phone is known).
    channels: list[Channel] = Field(default_factory=lambda: ["inbox", "sms"])
    sms_provider: Literal["logging", "http"] = "logging"
    sms_http_url: str = ""
    sms_http_token: str = ""
    mini_program_provider: Literal["logging", "http"] = "logging"
    mini_program_http_url: str = ""
    # Special phone numbers simulate each failure (see notifications/providers.py); never in production.
    provider_test_mode: bool | None = None
    # Bounded retries of technical failures: attempt n waits base * 2**(n-1) seconds, capped.
    notification_max_attempts: int = 5
    notification_retry_base_seconds: float = 2.0
    notification_retry_max_seconds: float = 300.0
    # A row left in `sending` this long without an answer (the process died mid-send) is retried.
    notification_sending_timeout_seconds: float = 120.0
    sender_poll_seconds: float = 0.5
    sender_batch_size: int = 200
    sender_concurrency: int = 20

    # How long a fetched application event may stay unacknowledged before JetStream redelivers it
    # (after a crash, the wait before another replica or the restarted process takes it over).
    consumer_ack_wait_seconds: float = 30.0

    # 12345 hotline: the region of this deployment, reply limits in working days per region and
    # ticket type ("default" covers the rest), and the hotline centre that routes by hand.
    hotline_region: str = "440100"
    hotline_reply_days: dict[str, dict[str, int]] = Field(
        default_factory=lambda: {"default": {"consultation": 1, "default": 5}}
    )
    hotline_centre: str = "12345"
    # A ticket like an open one of the same person within this many days is merged into it.
    duplicate_window_days: int = 7
    escalation_poll_seconds: float = 60.0
    # 好差评: working days a department has to answer a bad rating (整改).
    follow_up_days: int = 5
    # Open311 GeoReport v2: SHA-256 hex digests of the API keys allowed to POST requests
    # (see open311/keys.py); outside production the default admits the key `dev-open311-key`.
    open311_api_keys: list[str] = Field(default_factory=list)
    public_base_url: str = "http://127.0.0.1:8000"

    @model_validator(mode="after")
    def _embedded_database(self) -> "Settings":
        if not self.database_url:
            self.database_url = self.default_sqlite_url("notify")
        if self.provider_test_mode is None:
            self.provider_test_mode = self.environment != "production"
        if not self.open311_api_keys and self.environment != "production":
            self.open311_api_keys = [DEV_OPEN311_KEY_DIGEST]
        return self
