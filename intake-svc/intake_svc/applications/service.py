"""Drafts, validation, submission, withdrawal and supplements of applications. Never commits:
the request's unit of work does, together with the outbox rows written here."""

import base64
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from intake_svc.applications import repository
from intake_svc.applications.access import ensure_may_apply, visible_subject
from intake_svc.applications.errors import (
    NoOpenCorrection,
    NotADraft,
    NotWithdrawable,
    OnBehalfNotAllowed,
    OnBehalfRequired,
)
from intake_svc.applications.form import FormField, changed_keys, form_fields, keep_known, merge, set_value
from intake_svc.applications.models import Application
from intake_svc.applications.schemas import (
    ApplicationCreate,
    ApplicationPage,
    ApplicationRead,
    ApplicationSummary,
    ApplicationUpdate,
    CommitmentRead,
    CreatorRead,
    Deficiency,
    MaterialStatus,
    PersonRead,
    SupplementRequest,
    TaskRead,
)
from intake_svc.applications.validation import (
    bound_group_problems,
    deficiencies,
    field_problems,
    material_problems,
)
from intake_svc.catalog_client import CatalogClient
from intake_svc.licences.client import LicenceSource
from intake_svc.licences.kinds import HeldLicence, attach_licences
from intake_svc.materials import repository as materials_repository
from intake_svc.materials.models import Commitment, MaterialFile
from intake_svc.materials.status import material_statuses
from intake_svc.prefill.providers import Prefiller, Subject
from onevisit.auth import Identity
from onevisit.db import utcnow
from onevisit.errors import ProblemDetail, ValidationFailed
from onevisit.events import (
    Applicant,
    ApplicationSubmitted,
    ApplicationSupplemented,
    ApplicationWithdrawn,
    Event,
)
from onevisit.events import Deficiency as SubmittedDeficiency
from onevisit.idempotency import record_response, recorded_response, request_fingerprint
from onevisit.outbox import OutboxMessage

TERMINAL = {"completed", "partially_completed", "rejected", "withdrawn"}


async def create_draft(
    session: AsyncSession,
    *,
    catalog: CatalogClient,
    prefiller: Prefiller,
    licences: LicenceSource,
    identity: Identity,
    body: ApplicationCreate,
) -> Application:
    ensure_may_apply(identity)
    applicant = _applicant_of(identity, body)
    evaluation = await catalog.evaluate(body.bundle_code, answers=body.answers, items=body.items, version=None)
    bundle = await catalog.bundle(body.bundle_code, int(evaluation["version"]))
    application = Application(
        id=uuid.uuid4(),
        bundle_code=body.bundle_code,
        bundle_name=bundle.get("name"),
        catalog_version=int(evaluation["version"]),
        status="draft",
        applicant_subject=applicant.subject,
        applicant_name=applicant.name,
        applicant_phone=applicant.phone,
        applicant_kind=applicant.kind,
        created_by=identity.subject,
        created_by_role=identity.role,
        answers=body.answers,
        requested_items=body.items,
        form_data={},
        prefill_sources={},
        deficiencies=[],
        corrections=[],
    )
    held = await licences.held_by(applicant)
    _apply_evaluation(application, evaluation, held)
    await _prefill_new_fields(application, prefiller, held, known_before=set())
    repository.add(session, application)
    await session.flush()
    detail = {"bundle_code": body.bundle_code, "catalog_version": application.catalog_version}
    if application.created_by != application.applicant_subject:
        detail["on_behalf_of"] = application.applicant_subject
    repository.record(session, application.id, actor=identity.subject, event="application.created", detail=detail)
    return application


def _applicant_of(identity: Identity, body: ApplicationCreate) -> Subject:
    if body.on_behalf_of is not None:
        if identity.role != "clerk":
            raise OnBehalfNotAllowed()
        who = body.on_behalf_of
        return Subject(subject=who.subject.upper(), kind=who.kind, name=who.name, phone=who.phone, verified=False)
    if identity.role == "clerk":
        raise OnBehalfRequired()
    kind = "company" if identity.role == "company" else "person"
    return Subject(subject=identity.subject, kind=kind, name=identity.name, phone=identity.phone, verified=True)


def editable_fields(form: dict[str, Any]) -> list[FormField]:
    """The fields the applicant fills; a value sent for a read-only field is dropped."""
    return [f for f in form_fields(form) if not f.read_only]


def _apply_evaluation(application: Application, evaluation: dict[str, Any], held: list[HeldLicence]) -> None:
    application.items = list(evaluation.get("items") or [])
    application.form = dict(evaluation.get("form") or {})
    # Each material an existing licence satisfies (免提交) carries that licence's reference.
    application.materials = attach_licences(list(evaluation.get("materials") or []), held)
    application.promised_days = evaluation.get("promised_days")


def _subject_of(application: Application, held: list[HeldLicence] | None = None) -> Subject:
    return Subject(
        subject=application.applicant_subject,
        kind=application.applicant_kind,
        name=application.applicant_name,
        phone=application.applicant_phone,
        verified=application.created_by == application.applicant_subject,
        licences=tuple(held or ()),
    )


async def _prefill_new_fields(
    application: Application, prefiller: Prefiller, held: list[HeldLicence], *, known_before: set[str]
) -> None:
    """Prefill the fields the applicant has not seen yet; values they typed are never overwritten."""
    keys = [f.key for f in form_fields(application.form) if f.key not in known_before and not f.read_only]
    if not keys:
        return
    found = await prefiller.prefill(_subject_of(application, held), keys)
    form_data = dict(application.form_data)
    sources = dict(application.prefill_sources)
    for key, prefilled in found.items():
        set_value(form_data, key, prefilled.value)
        sources[key] = {"source": prefilled.source, "authoritative": prefilled.authoritative}
    application.form_data = form_data
    application.prefill_sources = sources


async def update_draft(
    session: AsyncSession,
    *,
    catalog: CatalogClient,
    prefiller: Prefiller,
    licences: LicenceSource,
    application: Application,
    body: ApplicationUpdate,
    identity: Identity,
) -> Application:
    if application.status != "draft":
        raise NotADraft()
    if body.answers is not None or body.items is not None:
        await _reevaluate(
            session,
            catalog=catalog,
            prefiller=prefiller,
            licences=licences,
            application=application,
            body=body,
            identity=identity,
        )
    if body.form_data:
        fields = editable_fields(application.form)
        updated = keep_known(merge(application.form_data, body.form_data), fields)
        # A value the applicant changed no longer comes from its source, authoritative or not.
        edited = changed_keys(application.form_data, updated, fields)
        application.form_data = updated
        application.prefill_sources = {k: v for k, v in application.prefill_sources.items() if k not in edited}
    application.updated_at = utcnow()
    return application


async def _reevaluate(
    session: AsyncSession,
    *,
    catalog: CatalogClient,
    prefiller: Prefiller,
    licences: LicenceSource,
    application: Application,
    body: ApplicationUpdate,
    identity: Identity,
) -> None:
    """New answers or items: evaluate again on the pinned version, keep what still applies."""
    answers = body.answers if body.answers is not None else application.answers
    requested = body.items if body.items is not None else application.requested_items
    evaluation = await catalog.evaluate(
        application.bundle_code, answers=answers, items=requested, version=application.catalog_version
    )
    # A field read-only until now (an item that produced it was dropped) is new to the applicant.
    known_before = {f.key for f in form_fields(application.form) if not f.read_only}
    before_items = [i["code"] for i in application.items]
    application.answers = answers
    application.requested_items = requested
    held = await licences.held_by(_subject_of(application))
    _apply_evaluation(application, evaluation, held)
    fields = form_fields(application.form)
    application.form_data = keep_known(application.form_data, fields)
    keys = {f.key for f in fields}
    application.prefill_sources = {k: v for k, v in application.prefill_sources.items() if k in keys}
    await _prefill_new_fields(application, prefiller, held, known_before=known_before)
    repository.record(
        session,
        application.id,
        actor=identity.subject,
        event="application.reevaluated",
        detail={"items_before": before_items, "items": [i["code"] for i in application.items]},
    )


async def read(session: AsyncSession, application: Application) -> ApplicationRead:
    files = await materials_repository.active_files(session, application.id)
    commitments = await materials_repository.commitments_of(session, application.id)
    tasks = await repository.tasks_of(session, application.id)
    return ApplicationRead(
        id=application.id,
        status=application.status,  # type: ignore[arg-type]
        bundle_code=application.bundle_code,
        bundle_name=application.bundle_name,
        catalog_version=application.catalog_version,
        applicant=_person(application),
        created_by=CreatorRead(subject=application.created_by, role=application.created_by_role),
        answers=application.answers,
        items=application.items,
        form=application.form,
        form_data=application.form_data,
        prefill_sources=application.prefill_sources,
        materials=material_statuses(application.materials, files, commitments),
        commitments=[CommitmentRead.model_validate(c) for c in commitments],
        deficiencies=[Deficiency.model_validate(d) for d in application.deficiencies],
        corrections=application.corrections,
        tasks=[TaskRead.model_validate(t) for t in tasks],
        promised_days=application.promised_days,
        created_at=application.created_at,
        updated_at=application.updated_at,
        submitted_at=application.submitted_at,
    )


def _person(application: Application) -> PersonRead:
    return PersonRead(
        subject=application.applicant_subject,
        name=application.applicant_name,
        phone=application.applicant_phone,
        kind=application.applicant_kind,
    )


async def list_page(session: AsyncSession, *, identity: Identity, cursor: str | None, limit: int) -> ApplicationPage:
    after = _decode_cursor(cursor) if cursor else None
    rows = await repository.page(session, visible_to=visible_subject(identity), after=after, limit=limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    return ApplicationPage(
        items=[
            ApplicationSummary(
                id=a.id,
                status=a.status,  # type: ignore[arg-type]
                bundle_code=a.bundle_code,
                bundle_name=a.bundle_name,
                applicant=_person(a),
                created_at=a.created_at,
                submitted_at=a.submitted_at,
            )
            for a in rows
        ],
        next_cursor=_encode_cursor(rows[-1]) if more else None,
    )


def _encode_cursor(application: Application) -> str:
    raw = f"{application.created_at.isoformat()}|{application.id}"
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        at, id_ = raw.split("|")
        return datetime.fromisoformat(at).astimezone(UTC), uuid.UUID(id_)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationFailed(
            "分页游标无效",
            problems=[ProblemDetail(code="request.invalid_cursor", field="cursor", message="分页游标无效")],
        ) from exc


async def problems_of(
    session: AsyncSession, *, catalog: CatalogClient, application: Application
) -> tuple[list[ProblemDetail], list[Deficiency]]:
    """Every problem of the draft at once, and the missing materials accepted as deficiencies."""
    files = await materials_repository.active_files(session, application.id)
    commitments = await materials_repository.commitments_of(session, application.id)
    statuses = material_statuses(application.materials, files, commitments)
    bundle = await catalog.bundle(application.bundle_code, application.catalog_version)
    names = {i["code"]: i.get("name", i["code"]) for i in bundle.get("items", [])}
    problems = [
        *bound_group_problems(bundle.get("bound_groups") or [], [i["code"] for i in application.items], names),
        *field_problems(form_fields(application.form), application.form_data),
        *material_problems(statuses),
    ]
    return problems, deficiencies(statuses, accepted_at=utcnow())


async def submit(
    session: AsyncSession,
    *,
    catalog: CatalogClient,
    application: Application,
    identity: Identity,
    idempotency_key: str | None,
    headers: dict[str, str],
) -> tuple[int, dict[str, Any]]:
    """Submit once: the snapshot and `application.submitted` in the request's transaction; the
    same Idempotency-Key gives back the answer given the first time."""
    scope = f"submit:{application.id}"
    fingerprint = request_fingerprint({"application": str(application.id), "by": identity.subject})
    if idempotency_key:
        earlier = await recorded_response(session, scope=scope, key=idempotency_key, request_hash=fingerprint)
        if earlier is not None:
            return earlier.status_code, earlier.response
    if application.status != "draft":
        raise NotADraft("该申请已提交，请勿重复提交")
    problems, accepted = await problems_of(session, catalog=catalog, application=application)
    if problems:
        raise ValidationFailed("申请信息或材料有误，请按提示逐项修改后再提交", problems=problems)
    files = await materials_repository.active_files(session, application.id)
    commitments = await materials_repository.commitments_of(session, application.id)
    applicable = {m["code"] for m in application.materials}
    files = [f for f in files if f.material_code in applicable]
    now = utcnow()
    application.status = "submitted"
    application.submitted_at = now
    application.updated_at = now
    application.deficiencies = [d.model_dump(mode="json") for d in accepted]
    file_records = [_file_record(f) for f in files]
    statuses = material_statuses(application.materials, files, commitments)
    signed = {c.material_code: c for c in commitments}
    # Materials on file without an upload travel with the event too, so a department (and dispatch's
    # 秒批 rules) can see them satisfied: shared data and licences (免提交), signed commitments (告知承诺).
    satisfied = [_satisfied_record(s, signed) for s in statuses if s.status in {"shared", "licence", "committed"}]
    application.snapshot = {
        "bundle_code": application.bundle_code,
        "catalog_version": application.catalog_version,
        "answers": application.answers,
        "items": application.items,
        "form_data": application.form_data,
        "prefill_sources": application.prefill_sources,
        "materials": [s.model_dump(mode="json") for s in statuses],
        "files": file_records,
        "commitments": [CommitmentRead.model_validate(c).model_dump(mode="json") for c in commitments],
        "deficiencies": application.deficiencies,
        "applicant": _person(application).model_dump(),
        "created_by": {"subject": application.created_by, "role": application.created_by_role},
        "submitted_by": identity.subject,
        "submitted_at": now.isoformat(),
    }
    event = ApplicationSubmitted(
        application_id=application.id,
        bundle_code=application.bundle_code,
        catalog_version=application.catalog_version,
        items=[i["code"] for i in application.items],
        applicant=_applicant_event(application),
        form_data=application.form_data,
        materials=file_records + satisfied,
        deficiencies=_submitted_deficiencies(accepted, statuses),
        trace=headers.get("traceparent"),
    )
    _publish(session, event, headers)
    repository.record(
        session,
        application.id,
        actor=identity.subject,
        event="application.submitted",
        detail={
            "items": event.items,
            "deficiencies": [d.material_code for d in accepted],
            "commitments": [c.material_code for c in commitments],
        },
        at=now,
    )
    body = (await read(session, application)).model_dump(mode="json")
    if idempotency_key:
        record_response(
            session, scope=scope, key=idempotency_key, request_hash=fingerprint, status_code=202, response=body
        )
    return 202, body


def _submitted_deficiencies(accepted: list[Deficiency], statuses: list[MaterialStatus]) -> list[SubmittedDeficiency]:
    """The deficiencies as dispatch needs them: with the items that need each material, so it
    pauses those tasks' clocks and sends their departments the material when it arrives."""
    items_of = {s.code: s.items for s in statuses}
    return [
        SubmittedDeficiency(
            material_code=d.material_code,
            name=d.name,
            items=list(items_of.get(d.material_code, [])),
            supplement_by=d.supplement_by,
        )
        for d in accepted
    ]


def _file_record(file: MaterialFile) -> dict[str, Any]:
    return {
        "id": str(file.id),
        "material_code": file.material_code,
        "sha256": file.sha256,
        "size": file.size,
        "content_type": file.content_type,
        "filename": file.filename,
    }


def _satisfied_record(status: MaterialStatus, signed: dict[str, Commitment]) -> dict[str, Any]:
    if status.status == "licence":
        assert status.licence is not None  # a licence status always names its licence
        return {"material_code": status.code, "source": "licence", "licence": status.licence.model_dump()}
    if status.status == "shared":
        return {"material_code": status.code, "source": "shared"}
    return _commitment_record(signed[status.code])


def _commitment_record(commitment: Commitment) -> dict[str, Any]:
    return {
        "material_code": commitment.material_code,
        "source": "commitment",
        "commitment": {
            "text": commitment.text,
            "signed_by": commitment.signed_by,
            "signed_name": commitment.signed_name,
            "signed_at": commitment.signed_at.isoformat(),
        },
    }


def _applicant_event(application: Application) -> Applicant:
    return Applicant(
        subject=application.applicant_subject,
        name=application.applicant_name,
        phone=application.applicant_phone,
        kind=application.applicant_kind,  # type: ignore[arg-type]
    )


def _publish(session: AsyncSession, event: Event, headers: dict[str, str]) -> None:
    session.add(OutboxMessage.from_event(event, headers={k: v for k, v in headers.items() if v}))


async def withdraw(
    session: AsyncSession, *, application: Application, identity: Identity, reason: str | None, headers: dict[str, str]
) -> Application:
    if application.status in TERMINAL:
        raise NotWithdrawable()
    was_draft = application.status == "draft"
    now = utcnow()
    application.status = "withdrawn"
    application.closed_at = now
    application.updated_at = now
    if not was_draft:
        # Departments only know submitted applications; a draft is withdrawn quietly.
        _publish(
            session,
            ApplicationWithdrawn(application_id=application.id, reason=reason, trace=headers.get("traceparent")),
            headers,
        )
    repository.record(
        session,
        application.id,
        actor=identity.subject,
        event="application.withdrawn",
        detail={"reason": reason},
        at=now,
    )
    return application


async def supplement(
    session: AsyncSession,
    *,
    application: Application,
    identity: Identity,
    body: SupplementRequest,
    headers: dict[str, str],
) -> Application:
    """Answer the open correction request and the open deficiencies, all at once, once."""
    open_deficiencies = [d for d in application.deficiencies if not d.get("supplied")]
    if application.status != "correction_requested" and not (
        application.status in {"submitted", "in_progress"} and open_deficiencies
    ):
        raise NoOpenCorrection()
    files = {f.id: f for f in await materials_repository.active_files(session, application.id)}
    unknown = [str(i) for i in body.materials if i not in files]
    if unknown:
        raise ValidationFailed(
            "补正材料不存在",
            problems=[
                ProblemDetail(code="material.unknown_file", field="materials", message=f"未找到材料文件 {i}")
                for i in unknown
            ],
        )
    supplied_files = [files[i] for i in body.materials]
    fields = editable_fields(application.form)
    updated = keep_known(merge(application.form_data, body.form_data), fields)
    problems = _supplement_problems(application, updated, supplied_files, fields)
    if problems:
        raise ValidationFailed("补正内容未覆盖全部要求，请一次补齐", problems=problems)
    edited = changed_keys(application.form_data, updated, fields)
    application.form_data = updated
    application.prefill_sources = {k: v for k, v in application.prefill_sources.items() if k not in edited}
    codes = {f.material_code for f in supplied_files}
    for code in codes:
        # The files sent with the supplement replace the earlier files of the same material.
        await materials_repository.supersede(
            session, application.id, code, keep={f.id for f in supplied_files if f.material_code == code}
        )
    application.deficiencies = [
        {**d, "supplied": d.get("supplied") or d["material_code"] in codes} for d in application.deficiencies
    ]
    now = utcnow()
    answered_correction = application.status == "correction_requested"
    if answered_correction:
        application.status = "in_progress"
        application.supplemented_at = now
    application.updated_at = now
    file_records = [_file_record(f) for f in supplied_files]
    changed_data: dict[str, Any] = keep_known(updated, [f for f in fields if f.key in edited])
    _publish(
        session,
        ApplicationSupplemented(
            application_id=application.id,
            form_data=changed_data,
            materials=file_records,
            trace=headers.get("traceparent"),
        ),
        headers,
    )
    repository.record(
        session,
        application.id,
        actor=identity.subject,
        event="application.supplemented",
        detail={"fields": edited, "materials": sorted(codes), "answers_correction": answered_correction},
        at=now,
    )
    return application


def _supplement_problems(
    application: Application, updated: dict[str, Any], files: list[MaterialFile], fields: list[FormField]
) -> list[ProblemDetail]:
    """Each correction must be answered: its field changed (and valid), its material uploaded again."""
    problems: list[ProblemDetail] = []
    codes = {f.material_code for f in files}
    if application.status == "correction_requested":
        edited = set(changed_keys(application.form_data, updated, fields))
        for correction in application.corrections:
            field, material = correction.get("field"), correction.get("material")
            if field and field not in edited:
                problems.append(
                    ProblemDetail(
                        code="correction.field_unchanged",
                        field=field,
                        message=f"请按补正要求修改：{correction['message']}",
                    )
                )
            if material and material not in codes:
                problems.append(
                    ProblemDetail(
                        code="correction.material_missing",
                        material=material,
                        message=f"请按补正要求重新上传：{correction['message']}",
                    )
                )
    problems += field_problems(fields, updated)
    return problems
