"""Evaluation, the one notice (一次告知): answers → applicable items, one set of materials, one
form, the promised time and the consolidated guide. Pure and deterministic: the same version,
answers and subset always give the same result, so results are memoised."""

import json
from typing import Any

from catalog_svc.bundles import graph
from catalog_svc.bundles.definition import AnswerValue, Item, ItemMaterial, Question
from catalog_svc.bundles.published import PublishedBundle
from catalog_svc.bundles.schemas import Evaluation, Guide, GuideDepartment, GuideLimit, MaterialNeed
from catalog_svc.errors import EvaluationRefused
from onevisit.errors import ProblemDetail

TIME_RULE = (
    "承诺时限按事项依赖关系的关键路径累加（工作日，不含法定节假日）；"
    "以自然日计的时限按 ceil(自然日×5/7) 折算为工作日；即办件计 0 个工作日；不含制证、邮寄及特殊环节时间。"
)

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"

# Patterns for the validators JSON Schema has no format for; intake runs the full checksums.
_PATTERNS = {
    "resident_id": r"^\d{17}[\dXx]$",
    "uscc": r"^[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}$",
    "phone": r"^(?:\+?86[- ]?)?1[3-9]\d{9}$",
    "region_code": r"^\d{6}$",
}
_JSON_TYPES = {"string": "string", "date": "string", "number": "number", "integer": "integer", "boolean": "boolean"}

_MEMO_SIZE = 2048


def evaluate(bundle: PublishedBundle, *, answers: dict[str, AnswerValue], items: list[str] | None) -> Evaluation:
    """Evaluate answers (and an optional item subset) against one published version."""
    key = json.dumps([answers, items], sort_keys=True, ensure_ascii=False)
    memo = bundle.memo
    cached = memo.get(key)
    if cached is not None:
        memo.move_to_end(key)
        return cached
    result = _evaluate(bundle, answers=answers, items=items)
    memo[key] = result
    if len(memo) > _MEMO_SIZE:
        memo.popitem(last=False)
    return result


def evaluate_json(bundle: PublishedBundle, *, answers: dict[str, AnswerValue], items: list[str] | None) -> bytes:
    """`evaluate`, encoded as the JSON response body; memoised like it."""
    key = json.dumps([answers, items], sort_keys=True, ensure_ascii=False)
    memo = bundle.json_memo
    cached = memo.get(key)
    if cached is not None:
        memo.move_to_end(key)
        return cached
    body = evaluate(bundle, answers=answers, items=items).model_dump_json().encode()
    memo[key] = body
    if len(memo) > _MEMO_SIZE:
        memo.popitem(last=False)
    return body


def _evaluate(bundle: PublishedBundle, *, answers: dict[str, AnswerValue], items: list[str] | None) -> Evaluation:
    definition = bundle.definition
    resolved = resolve_answers(definition.questions, answers)
    enabled_items, enabled_materials = apply_rules(bundle, resolved)
    applicable = [item.code for item in definition.items if item.code in enabled_items]
    if not applicable:
        raise EvaluationRefused(
            "所答情形下没有需要办理的事项",
            problems=[
                ProblemDetail(code="items.none_applicable", field="answers", message="所答情形下没有需要办理的事项")
            ],
        )
    chosen = choose_items(bundle, applicable=applicable, subset=items)
    depends = graph.reduce_to(chosen, bundle.deps)
    order = graph.topological(chosen, depends)
    materials = merge_materials(bundle, order=order, depends=depends, enabled=enabled_materials)
    item_reads = [
        bundle.item_read(
            bundle.items[code],
            depends_on=depends[code],
            materials=[m.code for m in bundle.items[code].materials if (code, m.code) in enabled_materials],
        )
        for code in chosen
    ]
    form = merged_form(bundle, chosen=order, depends=depends)
    days = {code: graph.working_days(bundle.items[code].promised_limit) for code in chosen}
    promised_days, path = graph.critical_path(order, depends, days)
    guide = build_guide(bundle, chosen=chosen, materials=materials, promised_days=promised_days, path=path)
    return Evaluation(
        bundle_code=bundle.code,
        version=bundle.version,
        answers=resolved,
        items=item_reads,
        materials=materials,
        form=form,
        promised_days=promised_days,
        critical_path=path,
        guide=guide,
    )


def resolve_answers(questions: list[Question], answers: dict[str, AnswerValue]) -> dict[str, AnswerValue]:
    """Check every answer (all problems at once) and fill the defaults of unanswered questions."""
    by_code = {q.code: q for q in questions}
    problems = [
        ProblemDetail(code="answer.unknown_question", field=f"answers.{code}", message=f"没有情形问题 {code}")
        for code in sorted(answers)
        if code not in by_code
    ]
    resolved: dict[str, AnswerValue] = {}
    for question in questions:
        value = answers.get(question.code, question.default)
        if value is None:
            continue
        problem = _answer_problem(question, value)
        if problem:
            problems.append(ProblemDetail(code="answer.invalid", field=f"answers.{question.code}", message=problem))
            continue
        resolved[question.code] = sorted(value) if isinstance(value, list) else value
    if problems:
        raise EvaluationRefused("情形答案有误，请逐项修改", problems=problems)
    return resolved


def _answer_problem(question: Question, value: AnswerValue) -> str | None:
    options = {o.value for o in question.options}
    if question.type == "boolean":
        return None if isinstance(value, bool) else f"“{question.text}”应回答是或否"
    if question.type == "single":
        if isinstance(value, str) and value in options:
            return None
        return f"“{question.text}”的答案应为以下之一：{'、'.join(sorted(options))}"
    if isinstance(value, list) and all(isinstance(v, str) and v in options for v in value):
        return None
    return f"“{question.text}”应为选项列表，可选：{'、'.join(sorted(options))}"


def _matches(expected: AnswerValue, actual: AnswerValue | None) -> bool:
    if actual is None:
        return False
    wanted = expected if isinstance(expected, list) else [expected]
    if isinstance(actual, list):  # multiple choice: any chosen option among the wanted ones
        return any(value in wanted for value in actual)
    return actual in wanted


def apply_rules(bundle: PublishedBundle, answers: dict[str, AnswerValue]) -> tuple[set[str], set[tuple[str, str]]]:
    """Items and (item, material) pairs switched on for these answers; rules apply in order."""
    items = {item.code for item in bundle.definition.items if item.enabled_by_default}
    materials = {
        (item.code, m.code) for item in bundle.definition.items for m in item.materials if m.enabled_by_default
    }
    for rule in bundle.definition.rules:
        if not all(_matches(expected, answers.get(code)) for code, expected in rule.when.items()):
            continue
        items |= set(rule.enable_items)
        items -= set(rule.disable_items)
        materials |= {tuple(pair.split(":", 1)) for pair in rule.enable_materials}  # type: ignore[misc]
        materials -= {tuple(pair.split(":", 1)) for pair in rule.disable_materials}  # type: ignore[misc]
    return items, materials


def choose_items(bundle: PublishedBundle, *, applicable: list[str], subset: list[str] | None) -> list[str]:
    """All applicable items, or the subset asked for if it keeps every bound group whole."""
    if subset is None:
        return applicable
    problems = []
    for code in subset:
        if code not in bundle.items:
            problems.append(ProblemDetail(code="items.unknown", field="items", message=f"本件事没有事项 {code}"))
        elif code not in applicable:
            problems.append(
                ProblemDetail(code="items.not_applicable", field="items", message=f"事项 {code} 不适用于所答情形")
            )
    chosen = set(subset)
    for group in bundle.definition.bound_groups:
        members = [code for code in group if code in applicable]
        picked = [code for code in members if code in chosen]
        if picked and len(picked) < len(members):
            missing = [code for code in members if code not in chosen]
            problems.append(
                ProblemDetail(
                    code="items.bound_group_split",
                    field="items",
                    message=f"事项 {'、'.join(members)} 依法须一并办理，缺少：{'、'.join(missing)}",
                )
            )
    if not subset:
        problems.append(ProblemDetail(code="items.empty", field="items", message="请至少选择一个事项"))
    if problems:
        raise EvaluationRefused("所选事项有误", problems=problems)
    return [code for code in applicable if code in chosen]


def merge_materials(
    bundle: PublishedBundle, *, order: list[str], depends: dict[str, list[str]], enabled: set[tuple[str, str]]
) -> list[MaterialNeed]:
    """One set of materials: each material once, with every item that needs it; a material an
    earlier chosen item issues is never asked from the applicant."""
    issuers = {
        result.material: code
        for code in reversed(order)  # the earliest issuer wins when two items issue the same material
        for result in bundle.items[code].results
        if result.material
    }
    needs: dict[str, list[tuple[str, ItemMaterial]]] = {}
    for code in order:
        for material in bundle.items[code].materials:
            if (code, material.code) in enabled:
                needs.setdefault(material.code, []).append((code, material))
    merged = []
    for material_code, uses in needs.items():
        entry = bundle.materials[material_code]
        consumers = [code for code, _ in uses if code != issuers.get(material_code)]
        issuer = issuers.get(material_code)
        issued = issuer is not None and bool(consumers)
        if issued:
            uses = [(code, use) for code, use in uses if code != issuer]
        merged.append(
            MaterialNeed(
                code=material_code,
                name=entry["name"],
                required=not issued and any(use.required for _, use in uses),
                # 容缺 and 告知承诺 only when every item that needs it allows it.
                deficiency_allowed=all(use.deficiency_allowed for _, use in uses),
                deficiency_days=min(
                    (use.deficiency_days for _, use in uses if use.deficiency_days is not None), default=None
                ),
                commitment_allowed=all(use.commitment_allowed for _, use in uses),
                items=sorted({code for code, _ in uses}, key=order.index),
                issued_by_item=issuer if issued else None,
                source="issued_in_bundle" if issued else entry["source"],
                form=entry["form"],
                issuer=entry.get("issuer"),
                description=entry.get("description"),
                notes=[f"{code}: {use.note}" for code, use in uses if use.note],
            )
        )
    return merged


def merged_form(bundle: PublishedBundle, *, chosen: list[str], depends: dict[str, list[str]]) -> dict[str, Any]:
    """The one form: JSON Schema 2020-12, one object per section, each field once by dictionary key."""
    produced = {
        dep.field: dep.depends_on
        for dep in bundle.definition.dependencies
        if dep.kind == "field" and dep.field and dep.item in chosen and dep.depends_on in chosen
    }
    uses: dict[str, dict[str, Any]] = {}
    for code in chosen:
        for item_field in bundle.items[code].fields:
            use = uses.setdefault(item_field.key, {"items": [], "required": False})
            use["items"].append(code)
            use["required"] = use["required"] or item_field.required
    sections: dict[str, dict[str, Any]] = {}
    for key, use in uses.items():
        section_key, _, name = key.partition(".")
        section = sections.setdefault(section_key, {"properties": {}, "required": []})
        section["properties"][name] = _property(bundle.fields[key], use["items"], produced.get(key))
        if use["required"] and key not in produced:
            section["required"].append(name)
    ordered = sorted(sections, key=lambda s: (bundle.sections[s]["position"], s))
    properties = {}
    for section_key in ordered:
        section = sections[section_key]
        schema: dict[str, Any] = {
            "type": "object",
            "title": bundle.sections[section_key]["title"],
            "properties": section["properties"],
            "additionalProperties": False,
        }
        if section["required"]:
            schema["required"] = section["required"]
        properties[section_key] = schema
    return {
        "$schema": JSON_SCHEMA_DIALECT,
        "$id": f"urn:onevisit:bundle:{bundle.code}:v{bundle.version}:form",
        "title": f"{bundle.definition.name} 申请表",
        "type": "object",
        "properties": properties,
        "required": [s for s in ordered if "required" in properties[s]],
        "additionalProperties": False,
    }


def _property(entry: dict[str, Any], items: list[str], produced_by: str | None) -> dict[str, Any]:
    prop: dict[str, Any] = {"type": _JSON_TYPES[entry["type"]], "title": entry["label"]}
    if entry.get("description"):
        prop["description"] = entry["description"]
    validator = entry["validator"]
    if entry["type"] == "date" or validator == "date":
        prop["format"] = "date"
    if validator in _PATTERNS:
        prop["pattern"] = _PATTERNS[validator]
    if validator == "enum" and entry.get("enum_values"):
        prop["enum"] = list(entry["enum_values"])
    prop["x-validator"] = validator
    prop["x-personal-data"] = bool(entry["personal_data"])
    prop["x-items"] = items
    if produced_by:
        # Filled from the result of an earlier item, never typed by the applicant.
        prop["readOnly"] = True
        prop["x-produced-by-item"] = produced_by
    return prop


def build_guide(
    bundle: PublishedBundle, *, chosen: list[str], materials: list[MaterialNeed], promised_days: int, path: list[str]
) -> Guide:
    definition = bundle.definition
    items = [bundle.items[code] for code in chosen]
    departments = _guide_departments(bundle, items)
    delivery = sorted(
        {method for item in items for method in item.delivery}, key=["window", "express", "electronic"].index
    )
    return Guide(
        title=f"{definition.name} 办事指南",
        service_object=definition.service_object,
        description=definition.description,
        items=[
            {
                "code": item.code,
                "name": item.name,
                "department_name": bundle.department_name(item.department),
                "optional": item.optional,
                "instant": item.promised_limit.value == 0,
            }
            for item in items
        ],
        conditions=[{"item": item.code, "text": text} for item in items for text in item.conditions],
        materials=[m for m in materials if m.issued_by_item is None],
        limits=[
            GuideLimit(
                item=item.code,
                name=item.name,
                legal_limit=item.legal_limit,
                promised_limit=item.promised_limit,
                promised_working_days=graph.working_days(item.promised_limit),
            )
            for item in items
        ],
        promised_days=promised_days,
        critical_path=path,
        time_rule=TIME_RULE,
        fees=[
            {"item": item.code, "name": fee.name, "amount": fee.amount, "basis": fee.basis}
            for item in items
            for fee in item.fees
        ],
        results=[
            {"item": item.code, "name": r.name, "type": r.type, "e_licence": r.e_licence}
            for item in items
            for r in item.results
        ],
        delivery=delivery,
        departments=departments,
        where_to_ask=definition.where_to_ask,
        faqs=definition.faqs,
        notes=[
            f"{m.name}由本件事中的事项 {m.issued_by_item} 核发，无需申请人提交" for m in materials if m.issued_by_item
        ]
        + ([definition.promise_note] if definition.promise_note else []),
    )


def _guide_departments(bundle: PublishedBundle, items: list[Item]) -> list[GuideDepartment]:
    definition = bundle.definition
    handled: dict[str, list[str]] = {}
    for item in items:
        handled.setdefault(item.department, []).append(item.code)
    roles: dict[str, str] = {definition.lead_department: "lead"}
    for code in definition.partner_departments:
        roles.setdefault(code, "partner")
    for code in handled:
        roles.setdefault(code, "handling")
    return [
        GuideDepartment(
            code=code,
            name=bundle.departments[code]["name"],
            role=role,  # type: ignore[arg-type]
            items=handled.get(code, []),
            phone=bundle.departments[code].get("phone"),
            address=bundle.departments[code].get("address"),
        )
        for code, role in roles.items()
    ]
