"""Shapes of the operations API."""

from datetime import datetime
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from catalog_svc.bundles.definition import BundleDefinition
from onevisit.errors import ProblemDetail

# OpenAPI examples: the seeded newborn bundle (B01) cut to its first item (I01), which is still a
# definition the catalog accepts, as JSON for the draft operations and as YAML for the import.
BUNDLE_DEFINITION_EXAMPLE: dict[str, Any] = {
    "code": "B01",
    "name": "新生儿出生一件事",
    "slug": "newborn_birth",
    "synonyms": ["生孩子", "生娃"],
    "audience": "person",
    "category": "出生",
    "batch": "2024-1 (国发〔2024〕3号)",
    "confidence": "H",
    "confidence_notes": ["事项与依赖来自广东中山、甘肃兰州、福建厦门、安徽等地指南；各地实施清单的时限与材料有差异"],
    "sources": ["http://psc.zs.gov.cn/gzdt/zxdt/content/post_2548029.html"],
    "description": "新生儿出生后，父母一次申请即可办理出生医学证明、预防接种证、户口登记等事项。",
    "service_object": "新生儿父母或监护人 (自然人)",
    "lead_department": "health",
    "partner_departments": ["public_security", "medical_insurance"],
    "promise_note": "最短 5 个工作日办结 (不含制证及邮寄时间，广东中山做法)",
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
    "questions": [
        {
            "code": "born_in_institution",
            "text": "新生儿是否在本省具有签发资质的助产机构内出生？",
            "type": "boolean",
            "default": True,
            "help": "院外出生需提供亲子鉴定证明并向县级卫健部门委托的机构申领",
        }
    ],
    "rules": [
        {
            "id": "R_OUT_OF_INSTITUTION",
            "description": "院外出生 → 申领出生医学证明需亲子鉴定证明",
            "when": {"born_in_institution": False},
            "enable_materials": ["I01:DNA_REPORT"],
        }
    ],
    "items": [
        {
            "code": "I01",
            "name": "出生医学证明签发 (首次签发)",
            "department": "health",
            "legal_basis": ["《中华人民共和国母婴保健法》第二十三条", "《出生医学证明管理办法》"],
            "service_object": "在本省助产机构内出生的新生儿父母",
            "conditions": ["新生儿在具有签发资质的助产机构内出生", "首次申领"],
            "materials": [
                {"code": "ID_CARD", "note": "父母双方"},
                {"code": "BIRTH_CERT_FORM"},
                {"code": "SINGLE_PARENT_STMT", "required": False, "note": "单亲申领时提供"},
                {"code": "DNA_REPORT", "enabled_by_default": False, "note": "院外出生"},
            ],
            "fields": [
                {"key": "child.name"},
                {"key": "child.gender"},
                {"key": "child.birth_date"},
                {"key": "child.birth_place"},
                {"key": "mother.name"},
                {"key": "mother.id_number"},
                {"key": "father.name", "required": False},
                {"key": "father.id_number", "required": False},
                {"key": "applicant.phone"},
            ],
            "legal_limit": {"value": 1, "note": "即办件，当日签发"},
            "promised_limit": {"value": 0, "note": "即办 (现场领取当日；邮寄约 5 个工作日)"},
            "fees": [{"name": "不收费"}],
            "results": [
                {
                    "name": "出生医学证明",
                    "type": "licence",
                    "e_licence": True,
                    "material": "BIRTH_MED_CERT",
                    "output": "medical_cert_no",
                }
            ],
            "delivery": ["window", "express", "electronic"],
            "instant_decision": {
                "rule": "birth_record_matches_parents",
                "description": "助产机构上报的出生信息与父母身份信息比对一致时自动签发 (秒批)",
            },
            "confidence": "H",
        }
    ],
}
BUNDLE_YAML_EXAMPLE = yaml.safe_dump(BUNDLE_DEFINITION_EXAMPLE, allow_unicode=True, sort_keys=False)
_DRAFT_EXAMPLE = {
    "code": "B01",
    "current_version": 1,
    "draft_updated_at": "2026-03-02T09:30:00Z",
    "draft_updated_by": "ops-0001",
    "definition": BUNDLE_DEFINITION_EXAMPLE,
}


class DraftSummary(BaseModel):
    """A bundle as ops see it: its draft and its current version."""

    code: str = Field(examples=["B01"])
    name: str = Field(examples=["新生儿出生一件事"])
    current_version: int | None = Field(examples=[1])
    draft_updated_at: datetime
    draft_updated_by: str | None = Field(examples=["seed"])


class DraftList(BaseModel):
    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            k: _DRAFT_EXAMPLE[k]
                            for k in ("code", "current_version", "draft_updated_at", "draft_updated_by")
                        }
                        | {"name": "新生儿出生一件事"}
                    ]
                }
            ]
        }
    )

    items: list[DraftSummary]


class DraftRead(BaseModel):
    """A draft with its whole definition."""

    model_config = ConfigDict(json_schema_extra={"examples": [_DRAFT_EXAMPLE]})

    code: str = Field(examples=["B01"])
    current_version: int | None = Field(examples=[1])
    draft_updated_at: datetime
    draft_updated_by: str | None = None
    definition: BundleDefinition


class ValidationReport(BaseModel):
    """No problem: the draft may be published."""

    model_config = ConfigDict(json_schema_extra={"examples": [{"problems": []}]})

    problems: list[ProblemDetail] = Field(examples=[[]])


class PublishResult(BaseModel):
    """The version the draft was frozen as; `created` is false when the content was unchanged."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [{"code": "B01", "version": 2, "created": True, "published_at": "2026-03-02T10:00:00Z"}]
        }
    )

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

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "code": "B01",
                    "from_version": "1",
                    "to_version": "draft",
                    "changes": [
                        {"path": "items.[I01].promised_limit.value", "kind": "changed", "before": 1, "after": 0}
                    ],
                }
            ]
        }
    )

    code: str = Field(examples=["B01"])
    from_version: str = Field(examples=["1"])
    to_version: str = Field(examples=["draft"])
    changes: list[Change]
