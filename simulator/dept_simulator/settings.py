"""Simulator settings, from the environment with the `SIMULATOR_` prefix.

Every department answers by `default`; `departments` overrides it per department code, e.g.
`SIMULATOR_DEPARTMENTS='{"tax": {"mode": "webhook", "reject_share": 0.1}}'`.
"""

from typing import Literal

from pydantic import BaseModel, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from onevisit.settings import DEV_INTERNAL_SECRET


class DepartmentProfile(BaseModel):
    """How one simulated department behaves."""

    mode: Literal["nats", "webhook"] = "nats"
    # Seconds before answering: fixed (min), uniform between min and max, or exponential with mean `min`
    # capped at max.
    delay_distribution: Literal["fixed", "uniform", "exponential"] = "uniform"
    delay_min_seconds: float = Field(default=0.0, ge=0)
    delay_max_seconds: float = Field(default=0.05, ge=0)
    approve_share: float = Field(default=1.0, ge=0)
    correct_share: float = Field(default=0.0, ge=0)
    reject_share: float = Field(default=0.0, ge=0)
    # Share of webhook calls answered 503 (the task comes back later, by dispatch's retries).
    http_failure_rate: float = Field(default=0.0, ge=0, le=1)

    @model_validator(mode="after")
    def _some_outcome(self) -> "DepartmentProfile":
        if self.approve_share + self.correct_share + self.reject_share <= 0:
            raise ValueError("at least one outcome share must be positive")
        return self


class SimulatorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIMULATOR_", extra="ignore")

    host: str = "127.0.0.1"
    port: int = 8005
    nats_url: str = "nats://127.0.0.1:14222"
    bus_namespace: str = "onevisit"
    # Webhook departments: where results go (the gateway routes /v1/dept/* to dispatch),
    # and the URL dispatch reaches this simulator at.
    gateway_url: str = "http://127.0.0.1:8000"
    public_url: str = ""
    webhook_secret: str = "simulator-webhook-secret"
    # `gateway`: log in as each department with the dev provider; `internal`: sign the internal
    # identity header with internal_secret (talking to dispatch directly, in tests).
    result_auth: Literal["gateway", "internal"] = "gateway"
    internal_secret: str = DEV_INTERNAL_SECRET
    environment: str = "development"
    default: DepartmentProfile = Field(default_factory=DepartmentProfile)
    departments: dict[str, DepartmentProfile] = Field(default_factory=dict)
    # Tasks answered at once; the rest wait in NATS (bounded memory under a burst).
    max_in_flight: int = 512
    seed: int | None = None

    def profile(self, department: str) -> DepartmentProfile:
        return self.departments.get(department, self.default)

    @property
    def own_url(self) -> str:
        return self.public_url or f"http://{self.host}:{self.port}"
