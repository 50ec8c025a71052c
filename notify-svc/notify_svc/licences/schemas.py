"""Licence schemas: what departments send in `results[].licence`, and what holders and verifiers read."""

from datetime import date
from typing import Any
from uuid import UUID

from pydantic import AliasChoices, BaseModel, ConfigDict, Field


class LicenceIssued(BaseModel):
    """The `licence` object of a department result; every field is optional, gaps are filled from
    the task (item, department) and the application (holder)."""

    model_config = ConfigDict(extra="ignore")

    identifier: str | None = None
    type_name: str | None = Field(default=None, validation_alias=AliasChoices("type_name", "name"))
    type_code: str | None = None
    number: str | None = None
    issuer_name: str | None = Field(default=None, validation_alias=AliasChoices("issuer_name", "issuer"))
    issuer_code: str | None = None
    issue_date: date | None = None
    holder_name: str | None = Field(default=None, validation_alias=AliasChoices("holder_name", "holder"))
    holder_code: str | None = None
    holder_code_type: str | None = None
    valid_from: date | None = None
    valid_until: date | None = None
    jurisdiction: str | None = None
    data: dict[str, Any] = Field(default_factory=dict)
    file_url: str | None = None


class LicenceRead(BaseModel):
    """An electronic licence (电子证照) with its GB/T 36901-style metadata."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "9b2f6c1e-4d3a-4b8e-a1f0-2c3d4e5f6a7b",
                    "identifier": "1.2.156.3005.2.11100000000013338W001.12440000MB2D12345X.Q440000123.001.7",
                    "type_name": "出生医学证明",
                    "type_code": "11100000000013338W001",
                    "number": "Q440000123",
                    "issuer_name": "广州市卫生健康委员会",
                    "issuer_code": "12440000MB2D12345X",
                    "issue_date": "2026-03-02",
                    "holder_name": "张小明",
                    "holder_code": "11010520260301001X",
                    "holder_code_type": "居民身份证",
                    "valid_from": "2026-03-02",
                    "valid_until": None,
                    "jurisdiction": "440100",
                    "status": "valid",
                    "data": {"出生日期": "2026-03-01"},
                    "file_url": None,
                    "application_id": "0b7e1a52-5b1f-4b64-8e57-3a3c1c2d9f10",
                    "item_code": "I01",
                }
            ]
        },
    )

    id: UUID
    identifier: str
    type_name: str
    type_code: str
    number: str
    issuer_name: str
    issuer_code: str
    issue_date: date
    holder_name: str | None
    holder_code: str
    holder_code_type: str
    valid_from: date | None
    valid_until: date | None
    jurisdiction: str | None
    data: dict[str, Any]
    file_url: str | None
    status: str
    application_id: UUID | None
    item_code: str | None


class LicencePage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": LicenceRead.model_config["json_schema_extra"]["examples"]}]}  # type: ignore[index]
    )

    items: list[LicenceRead]


class LicenceVerification(BaseModel):
    """The answer to another government system: valid or not, and the few facts it may see."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "number": "Q440000123",
                    "valid": True,
                    "reason": None,
                    "type_name": "出生医学证明",
                    "issuer_name": "广州市卫生健康委员会",
                    "issue_date": "2026-03-02",
                    "valid_until": None,
                }
            ]
        }
    )

    number: str
    valid: bool
    reason: str | None = Field(default=None, description="not_found | holder_mismatch | revoked | expired")
    type_name: str | None = None
    issuer_name: str | None = None
    issue_date: date | None = None
    valid_until: date | None = None
