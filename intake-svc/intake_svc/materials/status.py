"""How each material of the de-duplicated set stands for one application (一套材料)."""

from typing import Any

from intake_svc.applications.schemas import LicenceReference, MaterialStatus, SatisfiedBy
from intake_svc.materials.models import Commitment, MaterialFile

# 数据共享: the department reads it from the shared-data platform; the applicant is never asked.
SHARED_SOURCES = {"shared"}

_SATISFIED_BY: dict[str, SatisfiedBy] = {
    "provided": "upload",
    "licence": "licence",
    "shared": "shared_data",
    "committed": "commitment",
    "issued_by_item": "earlier_item",
}


def material_statuses(
    materials: list[dict[str, Any]], files: list[MaterialFile], commitments: list[Commitment]
) -> list[MaterialStatus]:
    by_code: dict[str, list[MaterialFile]] = {}
    for file in files:
        by_code.setdefault(file.material_code, []).append(file)
    committed = {c.material_code for c in commitments}
    statuses = []
    for material in materials:
        code = material["code"]
        uploaded = by_code.get(code, [])
        if material.get("issued_by_item"):
            status = "issued_by_item"
        elif uploaded:
            status = "provided"
        elif material.get("licence"):
            # 免提交: the applicant's own licence, named, before the department's own lookup.
            status = "licence"
        elif material.get("source") in SHARED_SOURCES:
            status = "shared"
        elif code in committed:
            status = "committed"
        elif material.get("required", True):
            status = "missing"
        else:
            status = "not_required"
        statuses.append(
            MaterialStatus(
                code=code,
                name=material.get("name") or code,
                required=bool(material.get("required", True)),
                deficiency_allowed=bool(material.get("deficiency_allowed")),
                deficiency_days=material.get("deficiency_days"),
                commitment_allowed=bool(material.get("commitment_allowed")),
                items=list(material.get("items") or []),
                issued_by_item=material.get("issued_by_item"),
                status=status,
                satisfied_by=_SATISFIED_BY.get(status),
                licence=LicenceReference.model_validate(material["licence"]) if status == "licence" else None,
                files=[f.id for f in uploaded],
            )
        )
    return statuses
