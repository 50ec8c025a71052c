"""The department task message: only what the item needs (data minimisation), signed links."""

import hashlib
from datetime import UTC, datetime
from typing import Any

from dispatch_svc.settings import Settings
from dispatch_svc.tasks import deficiencies
from dispatch_svc.tasks.models import DispatchApplication, Task
from onevisit.contracts import DepartmentTask, LicenceMaterial, MaterialLink, PendingMaterial
from onevisit.contracts import task_subject as _task_subject
from onevisit.db import utcnow
from onevisit.signing import sign_path

_MISSING = object()


def task_subject(department_code: str) -> str:
    return _task_subject(department_code)


def task_message_id(task: Task) -> str:
    """The same for every send of one attempt, so JetStream and departments drop redeliveries."""
    return f"task-{task.id}-{task.attempt}"


def _lookup(data: dict[str, Any], dotted: str) -> Any:
    value: Any = data
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def pick_fields(form_data: dict[str, Any], keys: list[str]) -> dict[str, Any]:
    """Only the item's fields, by dotted key (`applicant.id_number`), as the contract shows them."""
    picked = {}
    for key in keys:
        value = _lookup(form_data, key)
        if value is not _MISSING:
            picked[key] = value
    return picked


def task_form_data(*, task: Task, form_data: dict[str, Any]) -> dict[str, Any]:
    """The item's fields; those an upstream item issues come from its result, not the applicant."""
    picked = pick_fields(form_data, task.fields)
    for link in task.upstream_inputs:
        if link["kind"] != "field":
            continue
        value = task.upstream_results.get(link["item"], {}).get(link["output"])
        if value is not None:
            picked[link["field"]] = value
    return picked


def material_links(
    *, task: Task, application: DispatchApplication, settings: Settings, now: datetime | None = None
) -> list[MaterialLink]:
    """Signed, expiring download links to the item's materials only; the gateway routes them to intake."""
    signed_at = (now or utcnow()).timestamp()
    ttl = settings.material_link_ttl_seconds
    # The moment the signature stops working, as sign_path computes it (whole seconds).
    expires_at = datetime.fromtimestamp(int(signed_at) + ttl, UTC)
    wanted = set(task.material_codes)
    links = []
    for material in application.materials:
        if material.get("material_code") not in wanted or not material.get("id"):
            continue
        path = f"/v1/materials/{material['id']}/content"
        signed = sign_path(path, secret=settings.internal_secret, ttl_seconds=ttl, now=signed_at)
        links.append(
            MaterialLink(
                material_code=material["material_code"],
                name=material.get("filename"),
                url=settings.public_base_url.rstrip("/") + signed,
                sha256=material.get("sha256"),
                expires_at=expires_at,
            )
        )
    return links


def licence_materials(*, task: Task, application: DispatchApplication) -> list[LicenceMaterial]:
    """The item's materials an existing electronic licence stands in for (免提交): the licence to
    verify instead of a file to fetch; the holder digest is what the verification asks for."""
    wanted = set(task.material_codes)
    holder = str(application.applicant.get("subject") or "").strip().upper()
    holder_sha256 = hashlib.sha256(holder.encode()).hexdigest() if holder else None
    found = []
    for material in application.materials:
        licence = material.get("licence")
        if material.get("material_code") not in wanted or material.get("source") != "licence" or not licence:
            continue
        found.append(
            LicenceMaterial(
                material_code=material["material_code"],
                number=licence["number"],
                type_code=licence.get("type_code"),
                type_name=licence.get("type_name"),
                identifier=licence.get("identifier"),
                issuer_name=licence.get("issuer_name"),
                holder_sha256=holder_sha256,
            )
        )
    return found


def pending_materials(*, task: Task, application: DispatchApplication) -> list[PendingMaterial]:
    """The item's materials accepted missing (容缺) and not supplied yet."""
    return [
        PendingMaterial(
            material_code=d["material_code"],
            name=d.get("name"),
            supplement_by=d["supplement_by"],
            lapsed_at=d.get("lapsed_at"),
        )
        for d in deficiencies.open_for(task, application.deficiencies)
    ]


def department_task(*, task: Task, application: DispatchApplication, settings: Settings) -> dict[str, Any]:
    body = DepartmentTask(
        task_id=task.id,
        application_id=application.id,
        item_code=task.item_code,
        item_name=task.item_name,
        department_code=task.department_code,
        form_data=task_form_data(task=task, form_data=application.form_data),
        materials=material_links(task=task, application=application, settings=settings),
        licence_materials=licence_materials(task=task, application=application),
        pending_materials=pending_materials(task=task, application=application),
        upstream_results=task.upstream_results,
        deadline=task.promised_deadline,
        attempt=task.attempt,
    )
    # Beyond the model: the output keys the department is expected to fill (documented, optional).
    return {**body.model_dump(mode="json"), "outputs_expected": list(task.result_outputs)}
