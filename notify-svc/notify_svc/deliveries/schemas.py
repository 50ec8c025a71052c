"""Delivery schemas: the one delivery as the applicant sees it, and the change they may make."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field

Method = Literal["window", "express", "electronic"]


class Address(BaseModel):
    """Where express mail goes."""

    recipient: str = Field(min_length=1, max_length=50, examples=["张三"])
    phone: str = Field(pattern=r"^(?:\+?86[- ]?)?1[3-9]\d{9}$", examples=["13800138000"])
    region_code: str | None = Field(default=None, pattern=r"^\d{6}$", examples=["440106"])
    detail: str = Field(min_length=2, max_length=200, examples=["广州市天河区天河路1号101室"])


class DeliveryUpdate(BaseModel):
    """Choose or change how the results are delivered; `address` is required for express."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "method": "express",
                    "address": {"recipient": "张三", "phone": "13800138000", "detail": "广州市天河区天河路1号"},
                },
                {"method": "window"},
            ]
        }
    )

    method: Method
    address: Address | None = None


class DeliveryRead(BaseModel):
    """The one delivery of an application: every result, delivered once."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "application_id": "0b7e1a52-5b1f-4b64-8e57-3a3c1c2d9f10",
                    "method": "window",
                    "status": "ready",
                    "pickup_code": "482913",
                    "hall": "市政务服务中心一楼综合出件窗口",
                    "address": None,
                    "courier": None,
                    "tracking_number": None,
                    "tracking": [],
                    "outcome": "completed",
                    "results": [],
                    "licences": [],
                    "ready_at": "2026-03-02T10:00:00+08:00",
                    "dispatched_at": None,
                    "delivered_at": None,
                    "updated_at": "2026-03-02T10:00:00+08:00",
                }
            ]
        }
    )

    application_id: UUID
    method: Method
    status: Literal["pending", "ready", "dispatched", "delivered", "cancelled"]
    pickup_code: str | None = None
    hall: str | None = None
    address: dict[str, Any] | None = None
    courier: str | None = None
    tracking_number: str | None = None
    tracking: list[dict[str, Any]] = Field(default_factory=list)
    outcome: str | None = None
    results: list[dict[str, Any]] = Field(default_factory=list, description="every task's result, collected")
    licences: list[dict[str, Any]] = Field(default_factory=list, description="electronic licences issued")
    ready_at: datetime | None = None
    dispatched_at: datetime | None = None
    delivered_at: datetime | None = None
    updated_at: datetime


class PickupConfirmation(BaseModel):
    """What the window clerk enters when handing the results over."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"pickup_code": "482913"}]})

    pickup_code: str = Field(pattern=r"^\d{6}$")


class TrackingUpdate(BaseModel):
    """A courier's status update for a parcel."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"tracking_number": "SIM0B7E1A525B1F", "status": "in_transit", "description": "到达广州转运中心"},
            ]
        }
    )

    tracking_number: str = Field(min_length=3, max_length=64)
    status: Literal["collected", "in_transit", "out_for_delivery", "delivered", "failed"]
    description: str | None = Field(default=None, max_length=200)
