"""The merged form (JSON Schema 2020-12 from the catalog) seen as a flat list of dotted field keys,
and the nested `form_data` read and written by those keys."""

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class FormField:
    key: str  # dotted path: `applicant.id_number`
    title: str
    type: str | None
    required: bool
    validator: str | None
    enum: tuple[Any, ...] | None
    # Filled from an earlier item's result (x-produced-by-item), never typed by the applicant.
    read_only: bool = False


# JSON Schema `format` values we check with a OneVisit validator of another name.
_FORMAT_VALIDATORS = {"date": "date", "phone": "phone", "resident-id": "resident_id", "uscc": "uscc"}


def form_fields(schema: dict[str, Any]) -> list[FormField]:
    """Every leaf field of the form, depth first, in the order the schema lists them."""
    fields: list[FormField] = []
    _walk(schema, "", fields)
    return fields


def _walk(node: dict[str, Any], prefix: str, out: list[FormField]) -> None:
    required = set(node.get("required") or [])
    for name, child in (node.get("properties") or {}).items():
        if not isinstance(child, dict):
            continue
        key = f"{prefix}{name}"
        if child.get("type") == "object" and "properties" in child:
            _walk(child, key + ".", out)
            continue
        validator = child.get("x-validator") or child.get("x-onevisit-validator")
        if validator is None and child.get("format") in _FORMAT_VALIDATORS:
            validator = _FORMAT_VALIDATORS[child["format"]]
        enum = child.get("enum")
        out.append(
            FormField(
                key=key,
                title=str(child.get("title") or name),
                type=child.get("type") if isinstance(child.get("type"), str) else None,
                required=name in required,
                validator=validator,
                enum=tuple(enum) if isinstance(enum, list) else None,
                read_only=bool(child.get("readOnly")),
            )
        )


def get_value(data: dict[str, Any], key: str) -> Any:
    node: Any = data
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return None
        node = node[part]
    return node


def set_value(data: dict[str, Any], key: str, value: Any) -> None:
    *sections, leaf = key.split(".")
    node = data
    for part in sections:
        child = node.get(part)
        if not isinstance(child, dict):
            child = node[part] = {}
        node = child
    node[leaf] = value


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value in ([], {})


def merge(base: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Deep merge by section; a null in the patch clears the field. Returns a new dict."""
    merged = dict(base)
    for key, value in patch.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def keep_known(data: dict[str, Any], fields: list[FormField]) -> dict[str, Any]:
    """Only the values of fields the form still has (after a re-evaluation dropped some)."""
    kept: dict[str, Any] = {}
    for field in fields:
        value = get_value(data, field.key)
        if value is not None:
            set_value(kept, field.key, value)
    return kept


def changed_keys(before: dict[str, Any], after: dict[str, Any], fields: list[FormField]) -> list[str]:
    return [f.key for f in fields if get_value(before, f.key) != get_value(after, f.key)]
