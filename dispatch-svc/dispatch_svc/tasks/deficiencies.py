"""容缺受理: materials accepted missing at submission, which the applicant supplies later.

As in counter practice, the departments concerned start work at once and the material follows:
their tasks are sent without waiting, naming the material in `pending_materials`. The applicant's
delay is not the department's, so each such task's time-limit clock stands still until the
material arrives; then the task is sent again (same task id, attempt + 1) with the material's link.
"""

from datetime import datetime
from typing import Any

from dispatch_svc.tasks.models import Task
from onevisit.events import Deficiency


def recorded(deficiencies: list[Deficiency]) -> list[dict[str, Any]]:
    """The deficiencies of a submission as the application keeps them, none supplied yet."""
    return [{**d.model_dump(mode="json"), "supplied_at": None} for d in deficiencies]


def concerns(deficiency: dict[str, Any], task: Task) -> bool:
    """Whether the task's item needs the material: by the items intake named, else by the item's materials."""
    items = deficiency.get("items") or []
    return task.item_code in items if items else deficiency["material_code"] in task.material_codes


def open_for(task: Task, deficiencies: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The materials this task still waits for."""
    return [d for d in deficiencies if d.get("supplied_at") is None and concerns(d, task)]


def fill(
    deficiencies: list[dict[str, Any]], materials: list[dict[str, Any]], *, at: datetime
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(every deficiency, with those the supplied materials answer marked supplied; the ones just filled)."""
    supplied = {m.get("material_code") for m in materials}
    updated, filled = [], []
    for deficiency in deficiencies:
        if deficiency.get("supplied_at") is None and deficiency["material_code"] in supplied:
            deficiency = {**deficiency, "supplied_at": at.isoformat()}
            filled.append(deficiency)
        updated.append(deficiency)
    return updated, filled
