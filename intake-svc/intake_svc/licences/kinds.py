"""The electronic licence types (电子证照) intake understands: which material of the catalog a
licence of that type is, and which form fields its face data (照面信息) fills.

A licence is recognised by its national type code (证照类型代码) when we know it, by the catalog
material code when the issuing department used that as type code, or else by its type name.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

EMPTY = (None, "")


@dataclass(frozen=True)
class HeldLicence:
    """One valid licence of the applicant, as notify-svc lists it."""

    type_code: str
    type_name: str
    number: str
    identifier: str | None = None
    issuer_name: str | None = None
    valid_until: date | None = None
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def source(self) -> str:
        """The prefill source of a value read from this licence."""
        return f"licence:{self.type_code}:{self.number}"

    def reference(self) -> dict[str, Any]:
        """What a department needs to look the licence up itself (免提交)."""
        return {
            "number": self.number,
            "type_code": self.type_code,
            "type_name": self.type_name,
            "identifier": self.identifier,
            "issuer_name": self.issuer_name,
        }


@dataclass(frozen=True)
class LicenceKind:
    material_code: str
    type_names: frozenset[str]
    # Face-data key (照面信息项) → form field key.
    fields: dict[str, str]
    type_codes: frozenset[str] = frozenset()
    # The form field that holds the licence's own number, if the form asks for it.
    number_field: str | None = None

    def matches(self, licence: HeldLicence) -> bool:
        return (
            licence.type_code in self.type_codes
            or licence.type_code == self.material_code
            or licence.type_name.strip() in self.type_names
        )


# The form has no `spouse` section: in the bundles that ask for a marriage certificate (B01) the
# spouses are the child's parents, so the certificate fills the mother and father sections.
KINDS: tuple[LicenceKind, ...] = (
    LicenceKind(
        material_code="MARRIAGE",
        type_names=frozenset({"结婚证"}),
        fields={
            "男方姓名": "father.name",
            "男方身份证件号码": "father.id_number",
            "女方姓名": "mother.name",
            "女方身份证件号码": "mother.id_number",
        },
    ),
    LicenceKind(
        material_code="BIRTH_MED_CERT",
        type_names=frozenset({"出生医学证明"}),
        # The national type code of 出生医学证明, as in notify-svc's examples.
        type_codes=frozenset({"11100000000013338W001"}),
        fields={
            "新生儿姓名": "child.name",
            "性别": "child.gender",
            "出生日期": "child.birth_date",
            "出生地点": "child.birth_place",
            "母亲姓名": "mother.name",
            "母亲身份证件号码": "mother.id_number",
            "父亲姓名": "father.name",
            "父亲身份证件号码": "father.id_number",
        },
        number_field="child.medical_cert_no",
    ),
    LicenceKind(
        material_code="BIZ_LICENSE",
        type_names=frozenset({"营业执照", "电子营业执照"}),
        fields={
            "统一社会信用代码": "company.uscc",
            "名称": "company.name",
            "类型": "company.type",
            "法定代表人": "company.legal_rep_name",
            "住所": "company.address",
            "经营范围": "company.business_scope",
        },
    ),
    LicenceKind(
        material_code="HUKOU",
        type_names=frozenset({"居民户口簿"}),
        fields={"户主姓名": "household.head_name", "住址": "household.address"},
    ),
    LicenceKind(
        material_code="DISABILITY_CERT",
        type_names=frozenset({"残疾人证"}),
        fields={"残疾类别": "disability.category", "残疾等级": "disability.level"},
        number_field="disability.cert_no",
    ),
)

# 来源渠道 of the catalog's material dictionary under which an electronic licence exists:
# issued by a department (政府部门核发) or shared (数据共享/电子证照); never 申请人自备.
_LICENSABLE_SOURCES = {"department", "shared"}


def kind_of(licence: HeldLicence) -> LicenceKind | None:
    return next((kind for kind in KINDS if kind.matches(licence)), None)


def fillable_keys() -> set[str]:
    """Every form field some licence type can fill."""
    keys = {key for kind in KINDS for key in kind.fields.values()}
    return keys | {kind.number_field for kind in KINDS if kind.number_field}


def values_from(licence: HeldLicence, kind: LicenceKind) -> dict[str, Any]:
    """The form values this licence gives, by field key."""
    values = {key: licence.data[label] for label, key in kind.fields.items() if licence.data.get(label) not in EMPTY}
    if kind.number_field:
        values[kind.number_field] = licence.number
    return values


def licence_can_satisfy(material: dict[str, Any]) -> bool:
    """The catalog's own word: a material issued by a department or shared, in electronic form."""
    return (
        not material.get("issued_by_item")
        and material.get("source") in _LICENSABLE_SOURCES
        and material.get("form") in {"electronic", "paper_and_electronic"}
    )


def attach_licences(materials: list[dict[str, Any]], held: list[HeldLicence]) -> list[dict[str, Any]]:
    """Each material the applicant's licence satisfies (免提交) gets that licence's reference under
    `licence`; a reference from an earlier evaluation that no longer holds is dropped."""
    by_material: dict[str, HeldLicence] = {}
    for licence in held:
        kind = kind_of(licence)
        if kind is not None:
            by_material.setdefault(kind.material_code, licence)
    attached = []
    for material in materials:
        plain = {k: v for k, v in material.items() if k != "licence"}
        licence = by_material.get(plain["code"])
        if licence is not None and licence_can_satisfy(plain):
            plain["licence"] = licence.reference()
        attached.append(plain)
    return attached
