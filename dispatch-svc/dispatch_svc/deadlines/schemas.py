from pydantic import BaseModel, Field


class OnTimeRate(BaseModel):
    """A department's record against its promised deadlines (按时办结率)."""

    department_code: str = Field(examples=["public_security"])
    decided: int = Field(description="tasks the department decided", examples=[120])
    on_time: int = Field(description="of which within the promised deadline", examples=[117])
    rate: float | None = Field(description="on_time / decided; null before any decision", examples=[0.975])
    open_overdue: int = Field(description="tasks still open past their promised deadline", examples=[2])


class OnTimeRates(BaseModel):
    items: list[OnTimeRate]
