"""Fill a merged form (JSON Schema) with valid values, as a careful applicant would."""

from typing import Any

VALID_BY_VALIDATOR = {
    "resident_id": "11010519491231002X",
    "uscc": "91110108551385082Q",
    "phone": "13800138000",
    "region_code": "110105",
    "date": "2026-11-01",
}


def _value_for(prop: dict[str, Any]) -> Any:
    if "default" in prop:
        return prop["default"]
    if prop.get("enum"):
        return prop["enum"][0]
    if "x-validator" in prop and prop["x-validator"] in VALID_BY_VALIDATOR:
        return VALID_BY_VALIDATOR[prop["x-validator"]]
    if prop.get("format") == "date":
        return VALID_BY_VALIDATOR["date"]
    kind = prop.get("type")
    if kind == "object":
        return fill_form(prop, {})
    return {"integer": 1, "number": 1, "boolean": True, "array": []}.get(kind, "测试内容")


def fill_form(schema: dict[str, Any], prefilled: dict[str, Any]) -> dict[str, Any]:
    """Keep what is prefilled; add a valid value for every property, nested by section."""
    filled = dict(prefilled)
    for name, prop in (schema.get("properties") or {}).items():
        if prop.get("type") == "object":
            filled[name] = fill_form(prop, dict(prefilled.get(name) or {}))
        elif filled.get(name) in (None, ""):
            filled[name] = _value_for(prop)
    return filled
