"""The bundle definition (一件事): the shape of a draft, of a seed YAML file and of a published
version. Drafts are checked against this shape when saved; the rules that need the dictionaries
(unknown codes, cycles, precedence, limits) run at publish time, in `validation.py`."""

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from onevisit.validators import BUNDLE_CODE_PATTERN

Code = str
LimitUnit = Literal["working_days", "calendar_days"]
AnswerValue = str | bool | list[str]


class Strict(BaseModel):
    # Seed files are edited by hand: a misspelt key must fail loudly, not vanish.
    model_config = ConfigDict(extra="forbid")


class Limit(Strict):
    """A time limit as value + unit; 0 working days means 即办 (decided on the spot)."""

    value: int = Field(ge=0, examples=[10])
    unit: LimitUnit = Field(default="working_days", examples=["working_days"])
    note: str | None = Field(default=None, examples=["法定申报期: 出生后 1 个月内"])


class Option(Strict):
    value: str = Field(examples=["married"])
    label: str = Field(examples=["婚内生育"])


class Question(Strict):
    """A scenario question (情形引导)."""

    code: str = Field(pattern=r"^[a-z][a-z0-9_]*$", examples=["marital_status"])
    text: str = Field(examples=["父母婚姻状况"])
    type: Literal["single", "multiple", "boolean"] = Field(examples=["single"])
    options: list[Option] = Field(default_factory=list)
    default: AnswerValue | None = Field(default=None, examples=["married"])
    help: str | None = None


class Rule(Strict):
    """When every condition holds, switch items and materials on or off (later rules win)."""

    id: str = Field(examples=["R_DNA"])
    description: str | None = Field(default=None, examples=["非婚且随父落户 → 亲子鉴定证明"])
    # question code → expected answer; a list means any of these values.
    when: dict[str, AnswerValue] = Field(examples=[{"marital_status": "unmarried", "household_side": "father"}])
    enable_items: list[Code] = Field(default_factory=list)
    disable_items: list[Code] = Field(default_factory=list)
    # "ITEM:MATERIAL" pairs, e.g. "I03:DNA_REPORT".
    enable_materials: list[str] = Field(default_factory=list)
    disable_materials: list[str] = Field(default_factory=list)


class ItemMaterial(Strict):
    """A material an item needs, with its necessity (必要性)."""

    code: Code = Field(examples=["BIRTH_MED_CERT"])
    required: bool = True
    deficiency_allowed: bool = Field(default=False, description="容缺: may be supplied later")
    deficiency_days: int | None = Field(default=None, ge=1, description="容缺后补期限 (working days)")
    commitment_allowed: bool = Field(default=False, description="告知承诺: replaceable by a signed commitment")
    # Off until a scenario rule switches it on (e.g. DNA_REPORT only for 非婚且随父).
    enabled_by_default: bool = True
    note: str | None = Field(default=None, examples=["父母双方"])


class ItemField(Strict):
    key: str = Field(examples=["applicant.id_number"])
    required: bool = True


class Fee(Strict):
    name: str = Field(examples=["不收费"])
    amount: str | None = Field(default=None, examples=["0"])
    basis: str | None = None


class Result(Strict):
    """A result (办理结果); `material` names the dictionary material it is, when a later item needs it."""

    name: str = Field(examples=["出生医学证明"])
    type: Literal["licence", "approval", "registration", "other"] = Field(default="other", examples=["licence"])
    e_licence: bool = Field(default=False, examples=[True])
    material: Code | None = Field(default=None, examples=["BIRTH_MED_CERT"])
    output: str | None = Field(default=None, description="key of the output value passed on", examples=["cert_no"])


class InstantDecision(Strict):
    """秒批: a rule the dispatcher may apply without a clerk."""

    rule: str = Field(examples=["all_materials_shared_and_valid"])
    description: str = Field(examples=["助产机构出生信息与父母身份信息比对一致即自动签发"])


class Item(Strict):
    """An item (事项) with the guide elements of a 实施清单."""

    code: Code = Field(pattern=r"^[A-Z][A-Z0-9_]*$", examples=["I01"])
    name: str = Field(examples=["出生医学证明签发(首次签发)"])
    implementation_code: str | None = Field(default=None, description="实施编码")
    type: str = Field(default="公共服务", examples=["行政确认"])
    department: str = Field(examples=["health"])
    legal_basis: list[str] = Field(default_factory=list)
    service_object: str | None = None
    conditions: list[str] = Field(default_factory=list)
    materials: list[ItemMaterial] = Field(default_factory=list)
    fields: list[ItemField] = Field(default_factory=list)
    legal_limit: Limit
    promised_limit: Limit
    fees: list[Fee] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    delivery: list[Literal["window", "express", "electronic"]] = Field(default_factory=lambda: ["window"])
    instant_decision: InstantDecision | None = None
    # Optional items (非必办) may be left out of a chosen subset; conditional ones wait for a rule.
    optional: bool = False
    enabled_by_default: bool = True
    confidence: str | None = Field(default=None, examples=["H"])


class Dependency(Strict):
    """`item` needs something `depends_on` produces: its result, a material it issues, or a field."""

    item: Code
    depends_on: Code
    kind: Literal["result", "material", "field"] = "result"
    material: Code | None = None
    field: str | None = None
    output: str | None = None


class WhereToAsk(Strict):
    phone: str | None = Field(default=None, examples=["12345"])
    address: str | None = None
    online: str | None = None


class Faq(Strict):
    """A question citizens ask about the bundle (常见问题), answered for the guide and the 12345 instant answer."""

    question: str = Field(min_length=2, examples=["出生医学证明在哪里领取？"])
    answer: str = Field(min_length=2, examples=["在新生儿出生的助产机构领取，也可选择邮寄。"])


class BundleDefinition(Strict):
    """A whole bundle (一件事), as an ops person edits it."""

    code: str = Field(pattern=BUNDLE_CODE_PATTERN, examples=["B01"])
    name: str = Field(examples=["新生儿出生一件事"])
    slug: str | None = Field(default=None, examples=["newborn_birth"])
    synonyms: list[str] = Field(default_factory=list, examples=[["生孩子", "新生儿落户"]])
    audience: Literal["person", "company"] = Field(examples=["person"])
    category: str = Field(examples=["出生"])
    region: str = Field(default="000000", pattern=r"^\d{6}$", examples=["000000"])
    batch: str | None = Field(default=None, examples=["2024-1 (国发〔2024〕3号)"])
    confidence: str | None = Field(default=None, examples=["H"])
    confidence_notes: list[str] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)
    description: str | None = None
    service_object: str | None = None
    lead_department: str = Field(examples=["health"])
    partner_departments: list[str] = Field(default_factory=list)
    promise_note: str | None = None
    where_to_ask: WhereToAsk = Field(default_factory=WhereToAsk)
    faqs: list[Faq] = Field(default_factory=list)
    questions: list[Question] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)
    items: list[Item] = Field(min_length=1)
    dependencies: list[Dependency] = Field(default_factory=list)
    bound_groups: list[list[Code]] = Field(default_factory=list)

    def canonical(self) -> dict[str, Any]:
        """The definition as stored: defaults spelled out, so equal content gives equal JSON."""
        return self.model_dump(mode="json")
