"""A published version, parsed once: the definition plus the dictionary entries frozen with it."""

from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from catalog_svc.bundles import graph
from catalog_svc.bundles.definition import BundleDefinition, Item
from catalog_svc.bundles.schemas import ItemRead


@dataclass(frozen=True)
class PublishedBundle:
    code: str
    version: int
    published_at: datetime
    definition: BundleDefinition
    departments: dict[str, dict[str, Any]]
    materials: dict[str, dict[str, Any]]
    fields: dict[str, dict[str, Any]]
    sections: dict[str, dict[str, Any]]
    items: dict[str, Item] = field(init=False)
    deps: dict[str, set[str]] = field(init=False)
    # Evaluations of this version by (answers, subset): the version never changes, so neither do they.
    memo: OrderedDict[str, Any] = field(init=False, default_factory=OrderedDict, compare=False)
    # The same evaluations encoded as JSON, so a repeated request costs no serialisation.
    json_memo: OrderedDict[str, bytes] = field(init=False, default_factory=OrderedDict, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "items", {item.code: item for item in self.definition.items})
        object.__setattr__(self, "deps", graph.edges((d.item, d.depends_on) for d in self.definition.dependencies))

    @classmethod
    def from_snapshot(
        cls, code: str, version: int, published_at: datetime, snapshot: dict[str, Any]
    ) -> "PublishedBundle":
        return cls(
            code=code,
            version=version,
            published_at=published_at,
            definition=BundleDefinition.model_validate(snapshot["definition"]),
            departments=snapshot["departments"],
            materials=snapshot["materials"],
            fields=snapshot["fields"],
            sections=snapshot["sections"],
        )

    def department_name(self, code: str) -> str:
        return self.departments[code]["name"]

    def item_read(self, item: Item, *, depends_on: list[str], materials: list[str] | None = None) -> ItemRead:
        return ItemRead(
            code=item.code,
            name=item.name,
            implementation_code=item.implementation_code,
            type=item.type,
            department=item.department,
            department_name=self.department_name(item.department),
            depends_on=depends_on,
            fields=[f.key for f in item.fields],
            materials=materials if materials is not None else [m.code for m in item.materials],
            legal_limit=item.legal_limit,
            promised_limit=item.promised_limit,
            instant_decision=item.instant_decision,
            results=item.results,
            legal_basis=item.legal_basis,
            service_object=item.service_object,
            conditions=item.conditions,
            fees=item.fees,
            delivery=list(item.delivery),
            optional=item.optional,
            confidence=item.confidence,
        )
