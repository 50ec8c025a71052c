"""Dictionary records as the seed files, the ops API and the public reads carry them."""

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

MaterialSource = Literal["applicant", "department", "shared"]
MaterialForm = Literal["paper", "electronic", "paper_and_electronic"]
FieldType = Literal["string", "number", "integer", "boolean", "date"]
Validator = Literal["resident_id", "uscc", "phone", "date", "region_code", "enum", "text", "number"]


class DepartmentRecord(BaseModel):
    """A department (实施主体) that handles items."""

    model_config = ConfigDict(
        extra="forbid",
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "code": "health",
                    "name": "卫生健康委员会",
                    "region": "000000",
                    "uscc": None,
                    "phone": "12320",
                    "address": "北京市西城区西直门外南路1号",
                }
            ]
        },
    )

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", examples=["health"])
    name: str = Field(examples=["卫生健康委员会"])
    region: str = Field(default="000000", pattern=r"^\d{6}$", examples=["000000"])
    uscc: str | None = Field(default=None, description="统一社会信用代码, filled in per region", examples=[None])
    phone: str | None = Field(default=None, examples=["12345"])
    address: str | None = None


class MaterialRecord(BaseModel):
    """A material of the shared dictionary (材料库)."""

    model_config = ConfigDict(
        extra="forbid",
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "code": "BIRTH_MED_CERT",
                    "name": "出生医学证明",
                    "source": "department",
                    "issuer": "卫健 (助产机构签发)",
                    "form": "paper_and_electronic",
                    "description": "由助产机构签发，一件事内由事项 I01 产生",
                }
            ]
        },
    )

    code: str = Field(pattern=r"^[A-Z][A-Z0-9_]*$", examples=["BIRTH_MED_CERT"])
    name: str = Field(examples=["出生医学证明"])
    source: MaterialSource = Field(examples=["department"])
    issuer: str | None = Field(default=None, examples=["卫健 (助产机构签发)"])
    form: MaterialForm = Field(default="paper", examples=["paper_and_electronic"])
    description: str | None = None
    sample_url: str | None = None
    blank_form_url: str | None = None


class FieldRecord(BaseModel):
    """A form field of the shared data dictionary; the key is `<section>.<name>`."""

    model_config = ConfigDict(
        extra="forbid",
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "key": "applicant.id_number",
                    "label": "申请人公民身份号码",
                    "type": "string",
                    "validator": "resident_id",
                    "enum_values": [],
                    "personal_data": True,
                }
            ]
        },
    )

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$", examples=["applicant.id_number"])
    label: str = Field(examples=["申请人身份证号码"])
    type: FieldType = Field(default="string", examples=["string"])
    validator: Validator = Field(default="text", examples=["resident_id"])
    enum_values: list[str] = Field(default_factory=list, examples=[[]])
    personal_data: bool = Field(default=False, examples=[True])
    description: str | None = None


class SectionRecord(BaseModel):
    """A section of the merged form (申请人, 新生儿, 企业…)."""

    model_config = ConfigDict(
        extra="forbid",
        from_attributes=True,
        json_schema_extra={"examples": [{"key": "applicant", "title": "申请人", "position": 10}]},
    )

    key: str = Field(pattern=r"^[a-z][a-z0-9_]*$", examples=["applicant"])
    title: str = Field(examples=["申请人"])
    position: int = Field(default=0, examples=[10])


class DepartmentRead(BaseModel):
    """A department as the public list shows it."""

    model_config = ConfigDict(
        from_attributes=True,
        json_schema_extra={
            "examples": [
                {
                    "code": "health",
                    "name": "卫生健康委员会",
                    "region": "000000",
                    "uscc": None,
                    "phone": "12320",
                    "address": None,
                }
            ]
        },
    )

    code: str = Field(examples=["health"])
    name: str = Field(examples=["卫生健康委员会"])
    region: str = Field(examples=["000000"])
    uscc: str | None = Field(default=None, examples=[None])
    phone: str | None = Field(default=None, examples=["12345"])
    address: str | None = None


class DepartmentList(BaseModel):
    """Every department, ordered by code."""

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "items": [
                        {
                            "code": "health",
                            "name": "卫生健康委员会",
                            "region": "000000",
                            "uscc": None,
                            "phone": "12320",
                            "address": None,
                        },
                        {
                            "code": "public_security",
                            "name": "公安机关(户籍派出所)",
                            "region": "000000",
                            "uscc": None,
                            "phone": "110",
                            "address": None,
                        },
                    ]
                }
            ]
        }
    )

    items: list[DepartmentRead]
