from pydantic import BaseModel, ConfigDict, Field


class OnTimeRate(BaseModel):
    """A department's record against its promised deadlines (按时办结率)."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {"department_code": "public_security", "decided": 120, "on_time": 117, "rate": 0.975, "open_overdue": 2}
            ]
        }
    )

    department_code: str = Field(examples=["public_security"])
    decided: int = Field(description="tasks the department decided", examples=[120])
    on_time: int = Field(description="of which within the promised deadline", examples=[117])
    rate: float | None = Field(description="on_time / decided; null before any decision", examples=[0.975])
    open_overdue: int = Field(description="tasks still open past their promised deadline", examples=[2])


class OnTimeRates(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "department_code": "public_security",
                            "decided": 120,
                            "on_time": 117,
                            "rate": 0.975,
                            "open_overdue": 2,
                        }
                    ]
                }
            ]
        }
    )

    items: list[OnTimeRate]
