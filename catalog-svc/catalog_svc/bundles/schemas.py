"""Public shapes of bundles: the list, the detail other services pin, the evaluation (一次告知)."""

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from catalog_svc.bundles.definition import (
    AnswerValue,
    Dependency,
    Faq,
    Fee,
    InstantDecision,
    Limit,
    Question,
    Result,
    Rule,
    WhereToAsk,
)

# Versions are a 32-bit INTEGER column: a bigger number can name no version, and sent to the
# database it fails (SQLite: OverflowError, PostgreSQL: out of range) instead of answering 404.
MAX_VERSION = 2**31 - 1


class BundleSummary(BaseModel):
    """A bundle in the list."""

    code: str = Field(examples=["B01"])
    name: str = Field(examples=["新生儿出生一件事"])
    audience: str = Field(examples=["person"])
    category: str = Field(examples=["出生"])
    region: str = Field(examples=["000000"])
    item_count: int = Field(examples=[9])
    promised_days: int = Field(description="working days along the critical path, default answers", examples=[3])
    version: int = Field(examples=[1])


class BundleList(BaseModel):
    """One page of bundles; pass `next_cursor` back as `cursor` for the next page."""

    items: list[BundleSummary]
    next_cursor: str | None = Field(default=None, examples=[None])


class ItemRead(BaseModel):
    """An item of a bundle with its guide elements."""

    code: str = Field(examples=["I03"])
    name: str = Field(examples=["出生登记(申报出生户口登记)"])
    implementation_code: str | None = None
    type: str = Field(examples=["行政确认"])
    department: str = Field(examples=["public_security"])
    department_name: str = Field(examples=["公安机关(户籍派出所)"])
    depends_on: list[str] = Field(examples=[["I01"]])
    fields: list[str] = Field(examples=[["child.name", "applicant.id_number"]])
    materials: list[str] = Field(examples=[["BIRTH_MED_CERT", "HUKOU"]])
    legal_limit: Limit
    promised_limit: Limit
    instant_decision: InstantDecision | None = None
    results: list[Result]
    legal_basis: list[str] = Field(default_factory=list)
    service_object: str | None = None
    conditions: list[str] = Field(default_factory=list)
    fees: list[Fee] = Field(default_factory=list)
    delivery: list[str] = Field(default_factory=list, examples=[["window", "express"]])
    optional: bool = False
    confidence: str | None = None


class BundleRead(BaseModel):
    """A published version of a bundle; cache it by (code, version), it never changes."""

    code: str = Field(examples=["B01"])
    name: str = Field(examples=["新生儿出生一件事"])
    version: int = Field(examples=[1])
    published_at: datetime
    audience: str = Field(examples=["person"])
    category: str = Field(examples=["出生"])
    region: str = Field(examples=["000000"])
    synonyms: list[str] = Field(default_factory=list)
    lead_department: str = Field(examples=["health"])
    lead_department_name: str = Field(examples=["卫生健康委员会"])
    partner_departments: list[str] = Field(default_factory=list)
    service_object: str | None = None
    description: str | None = None
    batch: str | None = None
    confidence: str | None = None
    confidence_notes: list[str] = Field(default_factory=list)
    items: list[ItemRead]
    dependencies: list[Dependency]
    bound_groups: list[list[str]]
    questions: list[Question]
    rules: list[Rule]
    where_to_ask: WhereToAsk
    promised_days: int = Field(description="working days along the critical path, default answers", examples=[3])


class EvaluateRequest(BaseModel):
    """The applicant's scenario answers and, optionally, the subset of items they want."""

    model_config = ConfigDict(extra="forbid")

    answers: dict[str, AnswerValue] = Field(
        default_factory=dict, examples=[{"marital_status": "unmarried", "household_side": "father"}]
    )
    items: list[str] | None = Field(default=None, examples=[None])
    version: int | None = Field(
        default=None, ge=1, le=MAX_VERSION, description="pin a version; default the current one", examples=[None]
    )


class MaterialNeed(BaseModel):
    """A material of the one set of materials (一套材料), de-duplicated across items."""

    code: str = Field(examples=["BIRTH_MED_CERT"])
    name: str = Field(examples=["出生医学证明"])
    required: bool = Field(description="false when optional or issued by an earlier item", examples=[False])
    deficiency_allowed: bool = Field(examples=[False])
    deficiency_days: int | None = Field(default=None, examples=[None])
    commitment_allowed: bool = Field(examples=[False])
    items: list[str] = Field(examples=[["I03", "I04", "I06"]])
    issued_by_item: str | None = Field(default=None, examples=["I01"])
    source: Literal["applicant", "department", "shared", "issued_in_bundle"] = Field(examples=["issued_in_bundle"])
    form: str = Field(examples=["paper_and_electronic"])
    issuer: str | None = None
    description: str | None = None
    notes: list[str] = Field(default_factory=list)


class GuideLimit(BaseModel):
    item: str
    name: str
    legal_limit: Limit
    promised_limit: Limit
    promised_working_days: int


class GuideDepartment(BaseModel):
    code: str
    name: str
    role: Literal["lead", "partner", "handling"]
    items: list[str] = Field(default_factory=list)
    phone: str | None = None
    address: str | None = None


class Guide(BaseModel):
    """The consolidated guide (一次告知) for one set of answers."""

    title: str = Field(examples=["新生儿出生一件事 办事指南"])
    service_object: str | None = None
    description: str | None = None
    items: list[dict[str, Any]] = Field(description="code, name, department_name, optional, instant")
    conditions: list[dict[str, Any]] = Field(description="item, text")
    materials: list[MaterialNeed]
    limits: list[GuideLimit]
    promised_days: int = Field(examples=[3])
    critical_path: list[str] = Field(examples=[["I01", "I03", "I04", "I05"]])
    time_rule: str
    fees: list[dict[str, Any]] = Field(description="item, name, amount, basis")
    results: list[dict[str, Any]] = Field(description="item, name, type, e_licence")
    delivery: list[str] = Field(examples=[["window", "express", "electronic"]])
    departments: list[GuideDepartment]
    where_to_ask: WhereToAsk
    faqs: list[Faq] = Field(default_factory=list, description="常见问题, also the 12345 instant answer's source")
    notes: list[str] = Field(default_factory=list)


class Evaluation(BaseModel):
    """The one notice: what applies to these answers, once."""

    bundle_code: str = Field(examples=["B01"])
    version: int = Field(examples=[1])
    answers: dict[str, AnswerValue] = Field(description="the answers used, defaults filled in")
    items: list[ItemRead]
    materials: list[MaterialNeed]
    form: dict[str, Any] = Field(description="JSON Schema 2020-12 of the merged form, nested by section")
    promised_days: int = Field(examples=[3])
    critical_path: list[str] = Field(examples=[["I01", "I03", "I04", "I05"]])
    guide: Guide
