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

# OpenAPI examples, taken from the seeded newborn bundle (B01) with each list cut to its first entry
# so the documents stay readable; the evaluation's form keeps one field of its JSON Schema.
_ITEM_EXAMPLE = {
    "code": "I01",
    "name": "出生医学证明签发 (首次签发)",
    "implementation_code": None,
    "type": "公共服务",
    "department": "health",
    "department_name": "卫生健康委员会 (含助产机构)",
    "depends_on": [],
    "fields": [
        "child.name",
        "child.gender",
        "child.birth_date",
        "child.birth_place",
        "mother.name",
        "mother.id_number",
        "father.name",
        "father.id_number",
        "applicant.phone",
    ],
    "materials": ["ID_CARD", "BIRTH_CERT_FORM", "SINGLE_PARENT_STMT", "DNA_REPORT"],
    "legal_limit": {"value": 1, "unit": "working_days", "note": "即办件，当日签发"},
    "promised_limit": {"value": 0, "unit": "working_days", "note": "即办 (现场领取当日；邮寄约 5 个工作日)"},
    "instant_decision": {
        "rule": "birth_record_matches_parents",
        "description": "助产机构上报的出生信息与父母身份信息比对一致时自动签发 (秒批)",
    },
    "results": [
        {
            "name": "出生医学证明",
            "type": "licence",
            "e_licence": True,
            "material": "BIRTH_MED_CERT",
            "output": "medical_cert_no",
        }
    ],
    "legal_basis": ["《中华人民共和国母婴保健法》第二十三条", "《出生医学证明管理办法》"],
    "service_object": "在本省助产机构内出生的新生儿父母",
    "conditions": ["新生儿在具有签发资质的助产机构内出生", "首次申领"],
    "fees": [{"name": "不收费", "amount": None, "basis": None}],
    "delivery": ["window", "express", "electronic"],
    "optional": False,
    "confidence": "H",
}
_BUNDLE_EXAMPLE = {
    "code": "B01",
    "name": "新生儿出生一件事",
    "version": 1,
    "published_at": "2026-03-02T09:30:00Z",
    "audience": "person",
    "category": "出生",
    "region": "000000",
    "synonyms": ["生孩子"],
    "lead_department": "health",
    "lead_department_name": "卫生健康委员会 (含助产机构)",
    "partner_departments": ["public_security"],
    "service_object": "新生儿父母或监护人 (自然人)",
    "description": "新生儿出生后，父母一次申请即可办理出生医学证明、预防接种证、户口登记等事项。",
    "batch": "2024-1 (国发〔2024〕3号)",
    "confidence": "H",
    "confidence_notes": ["事项与依赖来自广东中山、甘肃兰州、福建厦门、安徽等地指南；各地实施清单的时限与材料有差异"],
    "items": [_ITEM_EXAMPLE],
    "dependencies": [
        {
            "item": "I03",
            "depends_on": "I01",
            "kind": "material",
            "material": "BIRTH_MED_CERT",
            "field": None,
            "output": None,
        }
    ],
    "bound_groups": [["I04"]],
    "questions": [
        {
            "code": "born_in_institution",
            "text": "新生儿是否在本省具有签发资质的助产机构内出生？",
            "type": "boolean",
            "options": [],
            "default": True,
            "help": "院外出生需提供亲子鉴定证明并向县级卫健部门委托的机构申领",
        }
    ],
    "rules": [
        {
            "id": "R_OUT_OF_INSTITUTION",
            "description": "院外出生 → 申领出生医学证明需亲子鉴定证明",
            "when": {"born_in_institution": False},
            "enable_items": [],
            "disable_items": [],
            "enable_materials": ["I01:DNA_REPORT"],
            "disable_materials": [],
        }
    ],
    "where_to_ask": {
        "phone": "12345",
        "address": "各级政务服务中心综合窗口、助产机构出生一件事服务点",
        "online": '政务服务网"新生儿出生一件事"专区',
    },
    "promised_days": 4,
}
_MATERIAL_EXAMPLE = {
    "code": "ID_CARD",
    "name": "居民身份证",
    "required": True,
    "deficiency_allowed": False,
    "deficiency_days": None,
    "commitment_allowed": False,
    "items": ["I01"],
    "issued_by_item": None,
    "source": "shared",
    "form": "paper_and_electronic",
    "issuer": "公安",
    "description": "申请人/经办人/当事人原件核验; 可用电子证照",
    "notes": ["I01: 父母双方"],
}

_GUIDE_EXAMPLE = {
    "title": "新生儿出生一件事 办事指南",
    "service_object": "新生儿父母或监护人 (自然人)",
    "description": "新生儿出生后，父母一次申请即可办理出生医学证明、预防接种证、户口登记等事项。",
    "items": [
        {
            "code": "I01",
            "name": "出生医学证明签发 (首次签发)",
            "department_name": "卫生健康委员会 (含助产机构)",
            "optional": False,
            "instant": True,
        }
    ],
    "conditions": [{"item": "I01", "text": "新生儿在具有签发资质的助产机构内出生"}],
    "materials": [_MATERIAL_EXAMPLE],
    "limits": [
        {
            "item": "I01",
            "name": "出生医学证明签发 (首次签发)",
            "legal_limit": {"value": 1, "unit": "working_days", "note": "即办件，当日签发"},
            "promised_limit": {"value": 0, "unit": "working_days", "note": "即办 (现场领取当日；邮寄约 5 个工作日)"},
            "promised_working_days": 0,
        }
    ],
    "promised_days": 4,
    "critical_path": ["I01", "I03", "I06"],
    "time_rule": "承诺时限按事项依赖关系的关键路径累加（工作日，不含法定节假日）；即办件计 0 个工作日。",
    "fees": [{"item": "I01", "name": "不收费", "amount": None, "basis": None}],
    "results": [{"item": "I01", "name": "出生医学证明", "type": "licence", "e_licence": True}],
    "delivery": ["window"],
    "departments": [
        {
            "code": "health",
            "name": "卫生健康委员会 (含助产机构)",
            "role": "lead",
            "items": ["I01"],
            "phone": "12320",
            "address": None,
        }
    ],
    "where_to_ask": {
        "phone": "12345",
        "address": "各级政务服务中心综合窗口、助产机构出生一件事服务点",
        "online": '政务服务网"新生儿出生一件事"专区',
    },
    "faqs": [
        {
            "question": "出生医学证明在哪里领取？",
            "answer": "在新生儿出生的助产机构申领；一件事办理时由助产机构签发后直接作为后续事项的材料，无需另行提交。",
        }
    ],
    "notes": ["出生医学证明由本件事中的事项 I01 核发，无需申请人提交"],
}
_EVALUATION_EXAMPLE = {
    "bundle_code": "B01",
    "version": 1,
    "answers": {
        "born_in_institution": True,
        "first_issue": True,
        "marital_status": "married",
        "household_side": "mother",
        "parents_same_ethnicity": True,
        "medical_insurance": True,
        "social_security_card": True,
        "mother_employee_insurance": False,
        "by_proxy": False,
    },
    "items": [_ITEM_EXAMPLE],
    "materials": [_MATERIAL_EXAMPLE],
    "form": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "urn:onevisit:bundle:B01:v1:form",
        "title": "新生儿出生一件事 申请表",
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "applicant": {
                "type": "object",
                "title": "申请人",
                "properties": {
                    "phone": {
                        "type": "string",
                        "title": "申请人手机号码",
                        "pattern": "^(?:\\+?86[- ]?)?1[3-9]\\d{9}$",
                        "x-validator": "phone",
                        "x-personal-data": True,
                        "x-items": ["I01", "I03", "I04", "I05", "I06", "I09"],
                    }
                },
                "required": ["phone"],
            }
        },
    },
    "promised_days": 4,
    "critical_path": ["I01", "I03", "I06"],
    "guide": _GUIDE_EXAMPLE,
}
_LIST_EXAMPLE = {
    "items": [
        {
            "code": "B01",
            "name": "新生儿出生一件事",
            "audience": "person",
            "category": "出生",
            "region": "000000",
            "item_count": 9,
            "promised_days": 4,
            "version": 1,
        }
    ],
    "next_cursor": None,
}


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

    model_config = ConfigDict(json_schema_extra={"examples": [_LIST_EXAMPLE]})

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

    model_config = ConfigDict(json_schema_extra={"examples": [_BUNDLE_EXAMPLE]})

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

    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={"examples": [{"answers": {"marital_status": "married", "household_side": "mother"}}]},
    )

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

    model_config = ConfigDict(json_schema_extra={"examples": [_GUIDE_EXAMPLE]})

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

    model_config = ConfigDict(json_schema_extra={"examples": [_EVALUATION_EXAMPLE]})

    bundle_code: str = Field(examples=["B01"])
    version: int = Field(examples=[1])
    answers: dict[str, AnswerValue] = Field(description="the answers used, defaults filled in")
    items: list[ItemRead]
    materials: list[MaterialNeed]
    form: dict[str, Any] = Field(description="JSON Schema 2020-12 of the merged form, nested by section")
    promised_days: int = Field(examples=[3])
    critical_path: list[str] = Field(examples=[["I01", "I03", "I04", "I05"]])
    guide: Guide
