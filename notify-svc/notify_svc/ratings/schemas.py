"""好差评 schemas and the statistics."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class RatingCreate(BaseModel):
    """Five levels: 5 非常满意, 4 满意, 3 基本满意, 2 不满意, 1 非常不满意."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"level": 5, "comment": "一次办好，非常方便"}]})

    level: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=1000)


class FollowUpAnswer(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"answer": "已约谈窗口人员并优化取件流程"}]})

    answer: str = Field(min_length=2, max_length=2000)


class RatingRead(BaseModel):
    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "5a0b3c2d-1e4f-4a6b-8c7d-9e0f1a2b3c4d",
                    "target_type": "application",
                    "target_id": "0b7e1a52-5b1f-4b64-8e57-3a3c1c2d9f10",
                    "level": 2,
                    "level_name": "不满意",
                    "comment": "取件排队太久",
                    "departments": ["public_security", "health"],
                    "bundle_code": "B01",
                    "follow_up_status": "answered",
                    "follow_up_due_at": "2026-03-09T18:00:00+08:00",
                    "follow_up_answer": "已增设取件窗口，并开通证照邮寄，后续可选择快递送达。",
                    "follow_up_answered_at": "2026-03-05T16:20:00+08:00",
                    "second_level": 4,
                    "second_comment": "整改及时，满意",
                    "created_at": "2026-03-02T15:00:00+08:00",
                }
            ]
        },
    )

    id: UUID
    target_type: str
    target_id: UUID
    level: int
    level_name: str = ""
    comment: str | None
    departments: list[str]
    bundle_code: str | None
    follow_up_status: str | None
    follow_up_due_at: datetime | None
    follow_up_answer: str | None
    follow_up_answered_at: datetime | None
    second_level: int | None
    second_comment: str | None
    created_at: datetime


class RatingPage(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={"examples": [{"items": RatingRead.model_config["json_schema_extra"]["examples"]}]}  # type: ignore[index]
    )

    items: list[RatingRead]


class Rates(BaseModel):
    ratings: int = 0
    satisfaction_rate: float | None = Field(default=None, description="share of 满意 and 非常满意 (final level)")
    bad_ratings: int = 0
    bad_rating_follow_up_rate: float | None = Field(default=None, description="bad ratings answered by a follow-up")
    tickets_due: int = 0
    on_time_reply_rate: float | None = Field(default=None, description="tickets replied before their deadline")


class GroupRates(Rates):
    key: str


class Stats(BaseModel):
    """Operations statistics of ratings and the hotline, overall, by department and by bundle."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "overall": {
                        "ratings": 240,
                        "satisfaction_rate": 0.9625,
                        "bad_ratings": 3,
                        "bad_rating_follow_up_rate": 1.0,
                        "tickets_due": 18,
                        "on_time_reply_rate": 0.9444,
                    },
                    "by_department": [
                        {"key": "public_security", "ratings": 95, "satisfaction_rate": 0.9684, "bad_ratings": 1}
                    ],
                    "by_bundle": [{"key": "B01", "ratings": 160, "satisfaction_rate": 0.975, "bad_ratings": 2}],
                    "deliveries": {"completed": 150, "partially_completed": 2},
                }
            ]
        }
    )

    overall: Rates
    by_department: list[GroupRates]
    by_bundle: list[GroupRates]
    deliveries: dict[str, int] = Field(description="completed deliveries by outcome")
