"""Shapes of the operations API."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, Field

from catalog_svc.bundles.definition import BundleDefinition
from onevisit.errors import ProblemDetail


class DraftSummary(BaseModel):
    """A bundle as ops see it: its draft and its current version."""

    code: str = Field(examples=["B01"])
    name: str = Field(examples=["新生儿出生一件事"])
    current_version: int | None = Field(examples=[1])
    draft_updated_at: datetime
    draft_updated_by: str | None = Field(examples=["seed"])


class DraftList(BaseModel):
    items: list[DraftSummary]


class DraftRead(BaseModel):
    """A draft with its whole definition."""

    code: str = Field(examples=["B01"])
    current_version: int | None = Field(examples=[1])
    draft_updated_at: datetime
    draft_updated_by: str | None = None
    definition: BundleDefinition


class ValidationReport(BaseModel):
    """No problem: the draft may be published."""

    problems: list[ProblemDetail] = Field(examples=[[]])


class PublishResult(BaseModel):
    """The version the draft was frozen as; `created` is false when the content was unchanged."""

    code: str = Field(examples=["B01"])
    version: int = Field(examples=[2])
    created: bool = Field(examples=[True])
    published_at: datetime


class Change(BaseModel):
    path: str = Field(examples=["items.[I03].promised_limit.value"])
    kind: Literal["added", "removed", "changed"] = Field(examples=["changed"])
    before: Any = Field(default=None, examples=[1])
    after: Any = Field(default=None, examples=[2])


class DiffRead(BaseModel):
    """What changed from one version (or the draft) to another."""

    code: str = Field(examples=["B01"])
    from_version: str = Field(examples=["1"])
    to_version: str = Field(examples=["draft"])
    changes: list[Change]
