"""秒批: items the catalog marks as decidable by rule are decided here, with no department round trip.

A rule this dispatcher does not know never approves anything: the task goes to its department.
"""

import logging
import secrets
from collections.abc import Callable
from typing import Any

from dispatch_svc.tasks import messages
from dispatch_svc.tasks.models import Task
from onevisit.contracts import DepartmentResult

log = logging.getLogger("dispatch_svc.instant")


def _fields_complete(task: Task, form_data: dict[str, Any], materials: list[dict[str, Any]]) -> bool:
    values = messages.pick_fields(form_data, task.fields)
    return all(values.get(key) not in (None, "", [], {}) for key in task.fields)


def _materials_complete(task: Task, form_data: dict[str, Any], materials: list[dict[str, Any]]) -> bool:
    """Every material is on file (uploaded, or shared as an e-licence) or issued by an upstream item."""
    on_file = {m.get("material_code") for m in materials if m.get("sha256") or m.get("source")}
    issued = {
        i["material"] for i in task.upstream_inputs if i["kind"] == "material" and i["item"] in task.upstream_results
    }
    return all(code in on_file or code in issued for code in task.material_codes)


def _inputs_complete(task: Task, form_data: dict[str, Any], materials: list[dict[str, Any]]) -> bool:
    return _fields_complete(task, form_data, materials) and _materials_complete(task, form_data, materials)


# The catalog names rules; each maps to one of two checks. Service registrations only need
# complete information; the others need every field and every material on file, which intake
# has verified against shared data (prefill, e-licences) or the applicant uploaded and intake checked.
RULES: dict[str, Callable[[Task, dict[str, Any], list[dict[str, Any]]], bool]] = {
    "fields_complete": _fields_complete,
    "registration_always_granted": _fields_complete,
    "first_vaccination_recorded": _fields_complete,
    "birth_record_matches_parents": _inputs_complete,
    "all_materials_shared_and_valid": _inputs_complete,
}


def _number(task: Task) -> str:
    return f"AUTO-{task.item_code}-{secrets.token_hex(4).upper()}"


def decide(*, task: Task, form_data: dict[str, Any], materials: list[dict[str, Any]]) -> DepartmentResult | None:
    """The automatic approval when the item has a rule and the rule holds; None sends it to the department."""
    if not task.instant_decision:
        return None
    rule_name = task.instant_decision.get("rule", "")
    rule = RULES.get(rule_name)
    if rule is None:
        log.warning("unknown instant-decision rule %r on item %s: sent to the department", rule_name, task.item_code)
        return None
    if not rule(task, form_data, materials):
        return None
    outputs: dict[str, Any] = {"decision_number": _number(task)}
    for key in task.result_outputs:
        outputs[key] = _number(task)
    return DepartmentResult(
        task_id=task.id,
        decision="approved",
        reason=f"秒批：{task.instant_decision.get('description') or rule_name}",
        outputs=outputs,
        decided_by="automatic",
    )
