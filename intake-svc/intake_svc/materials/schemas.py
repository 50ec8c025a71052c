"""Bodies of the materials and commitments API."""

from datetime import datetime
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class MaterialRead(BaseModel):
    """A stored material file; one upload serves every item that needs the material."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "id": "7c9e1a3b-5d7f-4b2d-9e1f-3a5c7e9b1d2f",
                    "material_code": "BIRTH_MED_CERT",
                    "filename": "出生医学证明.pdf",
                    "content_type": "application/pdf",
                    "size": 48213,
                    "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
                    "uploaded_at": "2026-03-02T09:38:00Z",
                    "items": ["I03", "I04", "I06"],
                }
            ]
        },
    )

    id: UUID
    material_code: str = Field(examples=["BIRTH_MED_CERT"])
    filename: str = Field(examples=["出生医学证明.pdf"])
    content_type: str = Field(examples=["application/pdf"])
    size: int = Field(examples=[48213])
    sha256: str = Field(examples=["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"])
    uploaded_at: datetime
    items: list[str] = Field(default_factory=list, description="items this one upload satisfies")


class CommitmentCreate(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"material_code": "MARRIAGE", "text": "本人承诺所填婚姻状况真实有效。"}]},
    )

    material_code: str = Field(min_length=1, max_length=50)
    text: str = Field(min_length=4, max_length=2000, description="the promise, as the applicant signs it")
