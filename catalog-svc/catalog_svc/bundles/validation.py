"""Publish validation: every reason a bundle cannot work, listed at once, before anyone applies."""

from collections import Counter
from collections.abc import Collection

from catalog_svc.bundles import graph
from catalog_svc.bundles.definition import AnswerValue, BundleDefinition, Question
from onevisit.errors import ProblemDetail


def validate_definition(
    definition: BundleDefinition,
    *,
    departments: Collection[str],
    materials: Collection[str],
    fields: Collection[str],
    sections: Collection[str],
) -> list[ProblemDetail]:
    """Check a definition against the dictionaries and itself; an empty list means publishable."""
    problems: list[ProblemDetail] = []
    problems += _duplicates(definition)
    problems += _unknown_departments(definition, departments)
    problems += _unknown_materials(definition, materials)
    problems += _unknown_fields(definition, fields, sections)
    problems += _unknown_items(definition)
    problems += _unknown_questions(definition)
    problems += _dependency_shape(definition)
    cycles = graph.find_cycles(
        [item.code for item in definition.items], graph.edges((d.item, d.depends_on) for d in definition.dependencies)
    )
    for cycle in cycles:
        problems.append(
            ProblemDetail(
                code="dependency.cycle", field="dependencies", message=f"事项依赖存在循环：{' → '.join(cycle)}"
            )
        )
    if not cycles:
        problems += _issued_materials_precede(definition)
    problems += _limits(definition)
    return problems


def _duplicates(definition: BundleDefinition) -> list[ProblemDetail]:
    problems = []
    for kind, codes, label in (
        ("item", [i.code for i in definition.items], "事项"),
        ("question", [q.code for q in definition.questions], "情形问题"),
        ("rule", [r.id for r in definition.rules], "规则"),
    ):
        for code, count in Counter(codes).items():
            if count > 1:
                problems.append(
                    ProblemDetail(code=f"{kind}.duplicate", field=f"{kind}s.{code}", message=f"{label}编码 {code} 重复")
                )
    return problems


def _unknown_departments(definition: BundleDefinition, known: Collection[str]) -> list[ProblemDetail]:
    used = [("lead_department", definition.lead_department)]
    used += [("partner_departments", code) for code in definition.partner_departments]
    used += [(f"items.{item.code}.department", item.department) for item in definition.items]
    return [
        ProblemDetail(code="department.unknown", field=where, message=f"部门 {code} 不在部门库中")
        for where, code in used
        if code not in known
    ]


def _unknown_materials(definition: BundleDefinition, known: Collection[str]) -> list[ProblemDetail]:
    used: list[tuple[str, str]] = []
    for item in definition.items:
        used += [(f"items.{item.code}.materials", m.code) for m in item.materials]
        used += [(f"items.{item.code}.results", r.material) for r in item.results if r.material]
    used += [(f"dependencies.{d.item}", d.material) for d in definition.dependencies if d.material]
    for rule in definition.rules:
        for pair in [*rule.enable_materials, *rule.disable_materials]:
            used.append((f"rules.{rule.id}", pair.partition(":")[2]))
    return [
        ProblemDetail(code="material.unknown", field=where, material=code, message=f"材料 {code} 不在材料库中")
        for where, code in used
        if code not in known
    ]


def _unknown_fields(
    definition: BundleDefinition, known: Collection[str], sections: Collection[str]
) -> list[ProblemDetail]:
    used = [(f"items.{item.code}.fields", f.key) for item in definition.items for f in item.fields]
    used += [(f"dependencies.{d.item}", d.field) for d in definition.dependencies if d.field]
    problems = []
    for where, key in used:
        if key not in known:
            problems.append(ProblemDetail(code="field.unknown", field=where, message=f"字段 {key} 不在数据字典中"))
        elif key.partition(".")[0] not in sections:
            problems.append(
                ProblemDetail(code="section.unknown", field=where, message=f"字段 {key} 所属的表单分组不存在")
            )
    return problems


def _unknown_items(definition: BundleDefinition) -> list[ProblemDetail]:
    items = {item.code: item for item in definition.items}
    used = [(f"dependencies.{d.item}", code) for d in definition.dependencies for code in (d.item, d.depends_on)]
    used += [("bound_groups", code) for group in definition.bound_groups for code in group]
    for rule in definition.rules:
        used += [(f"rules.{rule.id}", code) for code in [*rule.enable_items, *rule.disable_items]]
    problems = [
        ProblemDetail(code="item.unknown", field=where, message=f"事项 {code} 不在本件事中")
        for where, code in used
        if code not in items
    ]
    for rule in definition.rules:
        for pair in [*rule.enable_materials, *rule.disable_materials]:
            item_code, _, material = pair.partition(":")
            item = items.get(item_code)
            if item is None or material not in {m.code for m in item.materials}:
                problems.append(
                    ProblemDetail(
                        code="rule.unknown_item_material",
                        field=f"rules.{rule.id}",
                        material=material or None,
                        message=f"规则引用的 {pair} 不是某个事项所列的材料（应写作 事项:材料）",
                    )
                )
    return problems


def _unknown_questions(definition: BundleDefinition) -> list[ProblemDetail]:
    questions = {q.code: q for q in definition.questions}
    problems = []
    for question in definition.questions:
        if question.type != "boolean" and not question.options:
            problems.append(
                ProblemDetail(code="question.no_options", field=f"questions.{question.code}", message="选择题缺少选项")
            )
        if question.default is not None and not _valid_answer(question, question.default):
            problems.append(
                ProblemDetail(
                    code="question.invalid_default", field=f"questions.{question.code}", message="默认答案不在选项中"
                )
            )
    for rule in definition.rules:
        for code, expected in rule.when.items():
            question = questions.get(code)
            if question is None:
                problems.append(
                    ProblemDetail(
                        code="question.unknown", field=f"rules.{rule.id}.when", message=f"情形问题 {code} 不存在"
                    )
                )
            elif not all(_valid_answer(question, value) for value in _as_list(expected)):
                problems.append(
                    ProblemDetail(
                        code="question.unknown_option",
                        field=f"rules.{rule.id}.when",
                        message=f"规则条件 {code}={expected} 不是该问题的选项",
                    )
                )
    return problems


def _as_list(value: AnswerValue) -> list[str | bool]:
    return list(value) if isinstance(value, list) else [value]


def _valid_answer(question: Question, value: AnswerValue) -> bool:
    if question.type == "boolean":
        return isinstance(value, bool)
    options = {option.value for option in question.options}
    values = value if isinstance(value, list) else [value]
    if question.type == "single" and isinstance(value, list):
        return False
    return all(isinstance(v, str) and v in options for v in values)


def _dependency_shape(definition: BundleDefinition) -> list[ProblemDetail]:
    items = {item.code: item for item in definition.items}
    problems = []
    for dep in definition.dependencies:
        where = f"dependencies.{dep.item}"
        if dep.item == dep.depends_on:
            problems.append(ProblemDetail(code="dependency.self", field=where, message=f"事项 {dep.item} 不能依赖自身"))
        if dep.kind == "material":
            issuer = items.get(dep.depends_on)
            if not dep.material:
                problems.append(
                    ProblemDetail(code="dependency.material_missing", field=where, message="材料依赖须写明材料")
                )
            elif issuer is not None and dep.material not in {r.material for r in issuer.results}:
                problems.append(
                    ProblemDetail(
                        code="dependency.material_not_issued",
                        field=where,
                        material=dep.material,
                        message=f"事项 {dep.depends_on} 的办理结果中没有材料 {dep.material}",
                    )
                )
        if dep.kind == "field" and not dep.field:
            problems.append(ProblemDetail(code="dependency.field_missing", field=where, message="字段依赖须写明字段"))
    return problems


def _issued_materials_precede(definition: BundleDefinition) -> list[ProblemDetail]:
    """A material issued inside the bundle is never asked from the applicant, so its issuer must
    run before every item that consumes it."""
    deps = graph.edges((d.item, d.depends_on) for d in definition.dependencies)
    issuers: dict[str, list[str]] = {}
    for item in definition.items:
        for result in item.results:
            if result.material:
                issuers.setdefault(result.material, []).append(item.code)
    problems = []
    for item in definition.items:
        before = graph.ancestors(item.code, deps)
        for material in item.materials:
            for issuer in issuers.get(material.code, []):
                if issuer == item.code:
                    problems.append(
                        ProblemDetail(
                            code="material.self_issued",
                            field=f"items.{item.code}.materials",
                            material=material.code,
                            message=f"事项 {item.code} 不能既核发又索要材料 {material.code}",
                        )
                    )
                elif issuer not in before:
                    problems.append(
                        ProblemDetail(
                            code="material.issued_not_preceding",
                            field=f"items.{item.code}.materials",
                            material=material.code,
                            message=(
                                f"材料 {material.code} 由事项 {issuer} 核发，但 {issuer} 不在事项 {item.code} 之前办理"
                            ),
                        )
                    )
    return problems


def _limits(definition: BundleDefinition) -> list[ProblemDetail]:
    return [
        ProblemDetail(
            code="limit.promised_exceeds_legal",
            field=f"items.{item.code}.promised_limit",
            message=f"事项 {item.code} 的承诺时限长于法定时限",
        )
        for item in definition.items
        if graph.working_days(item.promised_limit) > graph.working_days(item.legal_limit)
        or (item.promised_limit.unit == item.legal_limit.unit and item.promised_limit.value > item.legal_limit.value)
    ]
