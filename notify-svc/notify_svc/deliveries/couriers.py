"""Courier adapters for express delivery. A real courier sits behind the same interface; the
simulated one (the embedded default) hands out deterministic tracking numbers, and tracking
updates reach notify through `POST /v1/deliveries/tracking`, as a courier's push would."""

import uuid
from typing import Any, Protocol


class Courier(Protocol):
    name: str
    display_name: str

    async def ship(self, *, application_id: uuid.UUID, address: dict[str, Any], results: list[Any]) -> str:
        """Book the parcel; returns its tracking number. Must be idempotent per application."""
        ...


class SimulatedCourier:
    name = "simulated"
    display_name = "政务速递（模拟）"

    async def ship(self, *, application_id: uuid.UUID, address: dict[str, Any], results: list[Any]) -> str:
        # Derived from the application, so booking twice (a redelivered event) yields the same parcel.
        return f"SIM{application_id.hex[:12].upper()}"
