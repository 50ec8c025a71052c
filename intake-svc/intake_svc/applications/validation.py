"""One feedback (一次反馈): every problem of a draft, found in one pass, each with a stable code,
the field or material it concerns and a message in Chinese."""

from datetime import datetime
from typing import Any

from intake_svc.applications.form import FormField, get_value, is_empty
from intake_svc.applications.schemas import Deficiency, MaterialStatus
from onevisit.calendar import default_calendar
from onevisit.errors import ProblemDetail
from onevisit.validators import VALIDATORS

_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def field_problems(fields: list[FormField], form_data: dict[str, Any]) -> list[ProblemDetail]:
    problems = []
    for field in fields:
        if field.read_only:
            continue
        value = get_value(form_data, field.key)
        if is_empty(value):
            if field.required:
                problems.append(ProblemDetail(code="field.required", field=field.key, message=f"请填写{field.title}"))
            continue
        problem = _value_problem(field, value)
        if problem is not None:
            problems.append(problem)
    return problems


def _value_problem(field: FormField, value: Any) -> ProblemDetail | None:
    expected = _TYPES.get(field.type or "")
    # bool is an int in Python; a yes/no is never a number.
    if expected and (not isinstance(value, expected) or (isinstance(value, bool) and bool not in expected)):
        return ProblemDetail(code="field.invalid_type", field=field.key, message=f"{field.title}的格式不正确")
    if field.enum is not None and value not in field.enum:
        return ProblemDetail(code="field.invalid_choice", field=field.key, message=f"{field.title}的取值不在可选范围内")
    check = VALIDATORS.get(field.validator or "")
    if check is not None:
        message = check(value)
        if message:
            return ProblemDetail(
                code=f"field.invalid_{field.validator}", field=field.key, message=f"{field.title}：{message}"
            )
    return None


def material_problems(statuses: list[MaterialStatus]) -> list[ProblemDetail]:
    """Missing required materials that cannot come later (容缺) are problems; the others are deficiencies."""
    problems = []
    for material in statuses:
        if material.status != "missing" or material.deficiency_allowed:
            continue
        hint = "，或签署告知承诺书代替" if material.commitment_allowed else ""
        problems.append(
            ProblemDetail(code="material.missing", material=material.code, message=f"请上传{material.name}{hint}")
        )
    return problems


def bound_group_problems(bound_groups: list[list[str]], items: list[str], names: dict[str, str]) -> list[ProblemDetail]:
    """Items the law binds together must be applied for together (一并办理)."""
    chosen = set(items)
    problems = []
    for group in bound_groups:
        present = [code for code in group if code in chosen]
        if present and len(present) < len(group):
            together = "、".join(names.get(c, c) for c in group)
            missing = "、".join(names.get(c, c) for c in group if c not in chosen)
            problems.append(
                ProblemDetail(
                    code="items.bound_group_split",
                    field="items",
                    message=f"{together}须一并办理，请同时选择{missing}",
                )
            )
    return problems


def deficiencies(statuses: list[MaterialStatus], *, accepted_at: datetime) -> list[Deficiency]:
    """Missing materials accepted for later (容缺受理), each with its supplement deadline in working days."""
    accepted = []
    for material in statuses:
        if material.status != "missing" or not material.deficiency_allowed:
            continue
        days = material.deficiency_days or _DEFAULT_DEFICIENCY_DAYS
        deadline = default_calendar().deadline(accepted_at, days, "working_days")
        accepted.append(
            Deficiency(
                material_code=material.code,
                name=material.name,
                working_days=days,
                supplement_by=deadline.at,
                provisional=deadline.provisional,
            )
        )
    return accepted


# When the catalog allows a deficiency without naming a period; 5 working days is the common local rule.
_DEFAULT_DEFICIENCY_DAYS = 5
